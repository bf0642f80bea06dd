/**
 * A TypeScript project over an in-memory copy of a workspace's source files: the language service
 * reads workspace files only from here, never from the workspace folder (the main thread feeds the
 * copy from the workspace store and the live documents). Only TypeScript's own default library
 * files are read from disk.
 *
 * Paths given to this module are workspace-relative ('src/a.ts'); the language service sees them
 * under ROOT ('/workspace/src/a.ts').
 *
 * Promises:
 * - Every change bumps the file's version and the project version, so the service re-reads exactly
 *   the files that changed.
 * - The workspace's root tsconfig.json (else jsconfig.json) decides compiler options and root
 *   files; it is parsed again whenever it or the file tree changes. Without one, every script file
 *   is a root with defaults for a modern TS/JSX project (JavaScript included but not type-checked).
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import ts from 'typescript';
import { isScriptPath } from '../../lib/script-files';

export const ROOT = '/workspace';

const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  jsx: ts.JsxEmit.Preserve,
  strict: true,
  allowJs: true,
  checkJs: false,
  esModuleInterop: true,
  resolveJsonModule: true,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
  noEmit: true,
  // node_modules is not part of the copy: looking for @types there would only cost probes.
  types: [],
};

const CONFIG_FILES = ['tsconfig.json', 'jsconfig.json'];

// matchFiles implements tsconfig's include/exclude globbing over any file system; it is what
// ts.sys.readDirectory uses, and is exported at runtime though not in the typings.
const matchFiles = (
  ts as unknown as {
    matchFiles(
      path: string,
      extensions: readonly string[] | undefined,
      excludes: readonly string[] | undefined,
      includes: readonly string[] | undefined,
      useCaseSensitiveFileNames: boolean,
      currentDirectory: string,
      depth: number | undefined,
      getFileSystemEntries: (path: string) => { files: readonly string[]; directories: readonly string[] },
      realpath: (path: string) => string,
    ): string[];
  }
).matchFiles;

interface VirtualFile {
  text: string;
  version: number;
  snapshot: ts.IScriptSnapshot | null;
  /** Offsets where lines start, computed on first use. */
  lineStarts: number[] | null;
}

/** Whether a file belongs in the copy: scripts, declaration files, JSON (configs, JSON imports);
 * nothing under node_modules (dependencies are not part of the workspace's own code). */
export function isProjectFile(path: string): boolean {
  return (isScriptPath(path) || path.endsWith('.json')) && !path.split('/').includes('node_modules');
}

export function toServicePath(path: string): string {
  return `${ROOT}/${path}`;
}

/** The workspace-relative path of a service path, or null for files outside the workspace (lib files). */
export function toWorkspacePath(fileName: string): string | null {
  return fileName.startsWith(ROOT + '/') ? fileName.slice(ROOT.length + 1) : null;
}

export class VirtualProject {
  private files = new Map<string, VirtualFile>();
  private projectVersion = 0;
  private settings: { options: ts.CompilerOptions; rootNames: string[] } | null = null;
  private dirIndex: Map<string, { files: Set<string>; dirs: Set<string> }> | null = null;
  private libSnapshots = new Map<string, ts.IScriptSnapshot | undefined>();
  readonly service: ts.LanguageService;

  constructor(cancellationToken?: ts.CancellationToken) {
    this.service = ts.createLanguageService(this.host(cancellationToken), ts.createDocumentRegistry(true, ROOT));
  }

  /** Adds or replaces a file's text. */
  set(path: string, text: string): void {
    const existing = this.files.get(path);
    if (existing?.text === text) return;
    this.files.set(path, { text, version: (existing?.version ?? 0) + 1, snapshot: null, lineStarts: null });
    this.projectVersion++;
    if (!existing) this.treeChanged();
    else if (CONFIG_FILES.includes(path)) this.settings = null;
  }

  /** Removes a file, or every file under a folder. */
  removeUnder(path: string): string[] {
    const removed = [...this.files.keys()].filter((p) => p === path || p.startsWith(path + '/'));
    for (const p of removed) this.files.delete(p);
    if (removed.length) {
      this.projectVersion++;
      this.treeChanged();
    }
    return removed;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  text(path: string): string | undefined {
    return this.files.get(path)?.text;
  }

  /** 1-based line and column of an offset, and the text of its line. */
  position(path: string, offset: number): { line: number; col: number; lineText: string } {
    const file = this.files.get(path)!;
    const starts = (file.lineStarts ??= lineStartsOf(file.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    const start = starts[low];
    const end = low + 1 < starts.length ? starts[low + 1] : file.text.length;
    return { line: low + 1, col: offset - start + 1, lineText: file.text.slice(start, end).replace(/\r?\n$|\r$/, '') };
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  /** The workspace-relative paths of the project's root files (what diagnostics cover). */
  rootPaths(): string[] {
    return this.compilerSettings().rootNames.map((f) => toWorkspacePath(f)!);
  }

  options(): ts.CompilerOptions {
    return this.compilerSettings().options;
  }

  private treeChanged(): void {
    this.settings = null;
    this.dirIndex = null;
  }

  private compilerSettings(): { options: ts.CompilerOptions; rootNames: string[] } {
    if (this.settings) return this.settings;
    const configName = CONFIG_FILES.find((name) => this.files.has(name));
    if (!configName) {
      const rootNames = this.paths()
        .filter((p) => isScriptPath(p))
        .sort()
        .map(toServicePath);
      this.settings = { options: DEFAULT_OPTIONS, rootNames };
      return this.settings;
    }
    const configPath = toServicePath(configName);
    const { config } = ts.parseConfigFileTextToJson(configPath, this.files.get(configName)!.text);
    const parseHost: ts.ParseConfigHost = {
      useCaseSensitiveFileNames: true,
      fileExists: (f) => this.fileExists(f),
      readFile: (f) => this.readFile(f),
      readDirectory: (dir, extensions, excludes, includes, depth) => this.readDirectory(dir, extensions, excludes, includes, depth),
    };
    // A broken config still gives a project: the parser falls back to defaults for what it cannot read.
    const existing = configName === 'jsconfig.json' ? { allowJs: true, maxNodeModuleJsDepth: 0 } : undefined;
    const parsed = ts.parseJsonConfigFileContent(config ?? {}, parseHost, ROOT, existing, configPath);
    this.settings = {
      options: { ...parsed.options, noEmit: true },
      rootNames: parsed.fileNames.filter((f) => this.fileExists(f)),
    };
    return this.settings;
  }

  private host(cancellationToken?: ts.CancellationToken): ts.LanguageServiceHost {
    return {
      getProjectVersion: () => String(this.projectVersion),
      getScriptFileNames: () => this.compilerSettings().rootNames,
      getCompilationSettings: () => this.compilerSettings().options,
      getScriptVersion: (fileName) => {
        const path = toWorkspacePath(fileName);
        return path === null ? 'lib' : String(this.files.get(path)?.version ?? 0);
      },
      getScriptSnapshot: (fileName) => {
        const path = toWorkspacePath(fileName);
        if (path === null) return this.libSnapshot(fileName);
        const file = this.files.get(path);
        if (!file) return undefined;
        file.snapshot ??= ts.ScriptSnapshot.fromString(file.text);
        return file.snapshot;
      },
      getCurrentDirectory: () => ROOT,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (f) => this.fileExists(f),
      readFile: (f) => this.readFile(f),
      readDirectory: (dir, extensions, excludes, includes, depth) => this.readDirectory(dir, extensions, excludes, includes, depth),
      directoryExists: (dir) => this.directoryIndex().has(dir.replace(/\/$/, '')) || isLibPath(dir),
      getDirectories: (dir) => [...(this.directoryIndex().get(dir)?.dirs ?? [])],
      useCaseSensitiveFileNames: () => true,
      getCancellationToken: cancellationToken ? () => cancellationToken : undefined,
    };
  }

  private fileExists(fileName: string): boolean {
    const path = toWorkspacePath(fileName);
    if (path !== null) return this.files.has(path);
    return isLibPath(fileName) && this.libSnapshot(fileName) !== undefined;
  }

  private readFile(fileName: string): string | undefined {
    const path = toWorkspacePath(fileName);
    if (path !== null) return this.files.get(path)?.text;
    const snapshot = isLibPath(fileName) ? this.libSnapshot(fileName) : undefined;
    return snapshot?.getText(0, snapshot.getLength());
  }

  private libSnapshot(fileName: string): ts.IScriptSnapshot | undefined {
    if (!isLibPath(fileName)) return undefined;
    if (!this.libSnapshots.has(fileName)) {
      let snapshot: ts.IScriptSnapshot | undefined;
      try {
        snapshot = ts.ScriptSnapshot.fromString(readFileSync(fileName, 'utf8'));
      } catch {
        snapshot = undefined;
      }
      this.libSnapshots.set(fileName, snapshot);
    }
    return this.libSnapshots.get(fileName);
  }

  private readDirectory(dir: string, extensions?: readonly string[], excludes?: readonly string[], includes?: readonly string[], depth?: number): string[] {
    const index = this.directoryIndex();
    return matchFiles(dir, extensions, excludes, includes, true, ROOT, depth, (d) => {
      const entry = index.get(d.replace(/\/$/, ''));
      return { files: entry ? [...entry.files] : [], directories: entry ? [...entry.dirs] : [] };
    }, (p) => p);
  }

  /** Folder -> its file and folder names, for globbing and module resolution probes. */
  private directoryIndex(): Map<string, { files: Set<string>; dirs: Set<string> }> {
    if (this.dirIndex) return this.dirIndex;
    const index = new Map<string, { files: Set<string>; dirs: Set<string> }>();
    const entry = (dir: string) => {
      let e = index.get(dir);
      if (!e) index.set(dir, (e = { files: new Set(), dirs: new Set() }));
      return e;
    };
    entry(ROOT);
    for (const path of this.files.keys()) {
      const parts = path.split('/');
      let dir = ROOT;
      for (const part of parts.slice(0, -1)) {
        entry(dir).dirs.add(part);
        dir = `${dir}/${part}`;
        entry(dir);
      }
      entry(dir).files.add(parts[parts.length - 1]);
    }
    this.dirIndex = index;
    return index;
  }
}

/** Line starts as the editor counts lines: after \n, \r\n or a lone \r. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

const LIB_DIR = dirname(ts.getDefaultLibFilePath({}));

function isLibPath(fileName: string): boolean {
  return fileName === LIB_DIR || fileName.startsWith(LIB_DIR + '/');
}
