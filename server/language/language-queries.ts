/**
 * Questions asked of a workspace's language service, answered in the protocol's terms: workspace
 * paths, UTF-16 offsets of the text the service holds, 1-based lines and columns. Places outside
 * the workspace (TypeScript's own library files) are left out of every answer.
 *
 * Bad input (an offset past the end, a name that is not an identifier, a symbol that cannot be
 * renamed) throws LanguageRequestError, which the socket layer turns into an error reply.
 */
import ts from 'typescript';
import { MAX_COMPLETIONS, MAX_DIAGNOSTICS_PER_FILE } from '../../lib/limits';
import type { LangCompletionsReply, LangDiagnostic, LangHoverReply, LangLocation } from '../../lib/protocol';
import { isScriptPath } from '../../lib/script-files';
import { toServicePath, toWorkspacePath, type VirtualProject } from './virtual-project';

export class LanguageRequestError extends Error {}

/** Long texts are cut: a hover or a diagnostic is read, not scrolled. */
const MAX_MESSAGE_CHARS = 4000;
/** References and rename places answered at most; more is a search, not a list. */
const MAX_LOCATIONS = 2000;
/** Lines above and below the position whose symbols `definitionsNear` looks up. */
const NEAR_LINES = 3;
/** Definitions `definitionsNear` returns at most, and characters of each definition's text. */
const MAX_NEAR_DEFINITIONS = 20;
const MAX_DEFINITION_CHARS = 2000;

export interface RenameEdit {
  path: string;
  from: number;
  to: number;
  /** What the service saw there: the edit applies only where the live text still says this. */
  oldText: string;
  newText: string;
}

export interface NearDefinition {
  name: string;
  path: string;
  from: number;
  to: number;
  /** The whole declaration (for a function, its signature and body), cut at MAX_DEFINITION_CHARS. */
  text: string;
}

const clip = (text: string) => (text.length > MAX_MESSAGE_CHARS ? text.slice(0, MAX_MESSAGE_CHARS) + '…' : text);

/** Checks that `path` is a script file of the project and `offset` lies within it; returns the service path. */
function scriptAt(project: VirtualProject, path: string, offset: number): string | null {
  const text = project.text(path);
  if (text === undefined || !isScriptPath(path)) return null;
  if (offset > text.length) throw new LanguageRequestError(`offset ${offset} is past the end of ${path} (${text.length})`);
  return toServicePath(path);
}

function location(project: VirtualProject, fileName: string, span: ts.TextSpan): LangLocation | null {
  const path = toWorkspacePath(fileName);
  if (path === null || !project.has(path)) return null;
  return { path, from: span.start, to: span.start + span.length, ...project.position(path, span.start) };
}

/** Answers a query, treating "this file is not part of the program" as no answer. */
function guarded<T>(empty: T, query: () => T): T {
  try {
    return query();
  } catch (e) {
    if (e instanceof LanguageRequestError || e instanceof ts.OperationCanceledException) throw e;
    // The service throws for files outside the program (excluded by tsconfig): nothing to say there.
    if (/Could not find source file/.test((e as Error).message)) return empty;
    throw e;
  }
}

export function hover(project: VirtualProject, path: string, offset: number): LangHoverReply['hover'] {
  const file = scriptAt(project, path, offset);
  if (!file) return null;
  const info = guarded(undefined, () => project.service.getQuickInfoAtPosition(file, offset));
  if (!info) return null;
  const tags = (info.tags ?? []).map((tag) => `@${tag.name}${tag.text ? ' ' + ts.displayPartsToString(tag.text) : ''}`);
  const docs = [ts.displayPartsToString(info.documentation), ...tags].filter(Boolean).join('\n\n');
  return { from: info.textSpan.start, to: info.textSpan.start + info.textSpan.length, display: clip(ts.displayPartsToString(info.displayParts)), docs: clip(docs) };
}

export function definition(project: VirtualProject, path: string, offset: number): LangLocation[] {
  const file = scriptAt(project, path, offset);
  if (!file) return [];
  const defs = guarded(undefined, () => project.service.getDefinitionAtPosition(file, offset)) ?? [];
  return defs.map((d) => location(project, d.fileName, d.textSpan)).filter((l): l is LangLocation => l !== null);
}

export function references(project: VirtualProject, path: string, offset: number): LangLocation[] {
  const file = scriptAt(project, path, offset);
  if (!file) return [];
  const refs = guarded(undefined, () => project.service.getReferencesAtPosition(file, offset)) ?? [];
  return refs
    .slice(0, MAX_LOCATIONS)
    .map((r) => location(project, r.fileName, r.textSpan))
    .filter((l): l is LangLocation => l !== null);
}

/** Whether `name` can stand where an identifier stands (reserved words cannot; `type` or `as` can). */
export function isValidIdentifier(name: string): boolean {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, name);
  const token = scanner.scan();
  const isName = token === ts.SyntaxKind.Identifier || (token > ts.SyntaxKind.LastFutureReservedWord && token <= ts.SyntaxKind.LastKeyword);
  return isName && scanner.getTokenEnd() === name.length && scanner.scan() === ts.SyntaxKind.EndOfFileToken;
}

/** The edits that rename the symbol at `offset` to `newName` across the workspace. */
export function rename(project: VirtualProject, path: string, offset: number, newName: string): RenameEdit[] {
  if (!isValidIdentifier(newName)) throw new LanguageRequestError(`${JSON.stringify(newName.slice(0, 64))} is not a valid identifier`);
  const file = scriptAt(project, path, offset);
  if (!file) throw new LanguageRequestError(`${path} is not a TypeScript or JavaScript file of this workspace`);
  const info = guarded(undefined, () => project.service.getRenameInfo(file, offset, { allowRenameOfImportPath: false }));
  if (!info) throw new LanguageRequestError(`${path} is not part of the TypeScript project`);
  if (!info.canRename) throw new LanguageRequestError(info.localizedErrorMessage);
  // Without prefix and suffix text the service renames through imports and exports (the
  // declaration and every use in every file) instead of aliasing the name at the import.
  const places = project.service.findRenameLocations(file, offset, false, false, { providePrefixAndSuffixTextForRename: false }) ?? [];
  if (places.length > MAX_LOCATIONS) throw new LanguageRequestError(`the symbol is used in more than ${MAX_LOCATIONS} places`);
  return places.map((place) => {
    const target = toWorkspacePath(place.fileName);
    const text = target === null ? undefined : project.text(target);
    if (target === null || text === undefined) throw new LanguageRequestError('the symbol is declared outside the workspace');
    const from = place.textSpan.start;
    const to = from + place.textSpan.length;
    return { path: target, from, to, oldText: text.slice(from, to), newText: (place.prefixText ?? '') + newName + (place.suffixText ?? '') };
  });
}

/** The identifier characters just before `offset` (what the user has typed of the name so far). */
function typedPrefix(text: string, offset: number): string {
  return /[\w$]*$/.exec(text.slice(Math.max(0, offset - 256), offset))![0];
}

/** Whether every character of `typed` appears in `name` in order, ignoring case (as the editor filters). */
function matchesTyped(name: string, typed: string): boolean {
  let i = 0;
  const lower = name.toLowerCase();
  for (const ch of typed.toLowerCase()) {
    i = lower.indexOf(ch, i) + 1;
    if (i === 0) return false;
  }
  return true;
}

export function completions(project: VirtualProject, path: string, offset: number): LangCompletionsReply {
  const file = scriptAt(project, path, offset);
  if (!file) return { completions: [], isMember: false };
  const info = guarded(undefined, () => project.service.getCompletionsAtPosition(file, offset, { includeCompletionsForModuleExports: false }));
  if (!info) return { completions: [], isMember: false };
  const typed = typedPrefix(project.text(path)!, offset);
  const entries = info.entries
    .filter((e) => matchesTyped(e.name, typed))
    .sort((a, b) => (a.sortText < b.sortText ? -1 : a.sortText > b.sortText ? 1 : a.name.localeCompare(b.name)))
    .slice(0, MAX_COMPLETIONS);
  return { completions: entries.map((e) => ({ label: e.name, kind: e.kind })), isMember: info.isMemberCompletion };
}

const severities: Record<ts.DiagnosticCategory, LangDiagnostic['severity']> = {
  [ts.DiagnosticCategory.Error]: 'error',
  [ts.DiagnosticCategory.Warning]: 'warning',
  [ts.DiagnosticCategory.Suggestion]: 'info',
  [ts.DiagnosticCategory.Message]: 'info',
};

/** Syntax and type errors of one file (empty for files outside the program). */
export function diagnostics(project: VirtualProject, path: string): LangDiagnostic[] {
  if (!project.has(path) || !isScriptPath(path)) return [];
  const file = toServicePath(path);
  const found = guarded([] as ts.Diagnostic[], () => [...project.service.getSyntacticDiagnostics(file), ...project.service.getSemanticDiagnostics(file)]);
  return found.slice(0, MAX_DIAGNOSTICS_PER_FILE).map((d) => {
    const from = d.start ?? 0;
    const { line, col } = project.position(path, from);
    return {
      from,
      to: from + (d.length ?? 0),
      line,
      col,
      severity: severities[d.category],
      message: clip(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
      code: d.code,
    };
  });
}

/** The innermost node of `sourceFile` that contains `offset` (a token at the position, if any). */
function nodeAt(sourceFile: ts.SourceFile, offset: number): ts.Node {
  let node: ts.Node = sourceFile;
  for (;;) {
    const child: ts.Node | undefined = node.forEachChild((c) => (c.getStart(sourceFile) <= offset && offset < c.getEnd() ? c : undefined));
    if (!child) return node;
    node = child;
  }
}

/** The type of the expression or name at `offset`, as TypeScript prints it; null where there is none. */
export function typeAt(project: VirtualProject, path: string, offset: number): string | null {
  const file = scriptAt(project, path, offset);
  if (!file) return null;
  const program = project.service.getProgram();
  const sourceFile = program?.getSourceFile(file);
  if (!program || !sourceFile) return null;
  const node = nodeAt(sourceFile, offset);
  if (node === sourceFile) return null;
  const checker = program.getTypeChecker();
  return clip(checker.typeToString(checker.getTypeAtLocation(node), undefined, ts.TypeFormatFlags.NoTruncation));
}

/**
 * Definitions of the symbols used in the lines around `offset` that are declared elsewhere (in
 * another file, or outside those lines), with their declaration text: context for a model that
 * edits at `offset`.
 */
export function definitionsNear(project: VirtualProject, path: string, offset: number): NearDefinition[] {
  const file = scriptAt(project, path, offset);
  if (!file) return [];
  const sourceFile = project.service.getProgram()?.getSourceFile(file);
  if (!sourceFile) return [];
  const { line } = sourceFile.getLineAndCharacterOfPosition(offset);
  const lineStarts = sourceFile.getLineStarts();
  const windowFrom = lineStarts[Math.max(0, line - NEAR_LINES)];
  const windowTo = lineStarts[line + NEAR_LINES + 1] ?? sourceFile.text.length;

  const names: ts.Identifier[] = [];
  const visit = (node: ts.Node) => {
    if (node.getEnd() < windowFrom || node.getStart(sourceFile) > windowTo) return;
    if (ts.isIdentifier(node)) names.push(node);
    node.forEachChild(visit);
  };
  sourceFile.forEachChild(visit);

  const found: NearDefinition[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (found.length >= MAX_NEAR_DEFINITIONS) break;
    for (const def of project.service.getDefinitionAtPosition(file, name.getStart(sourceFile)) ?? []) {
      const target = toWorkspacePath(def.fileName);
      const text = target === null ? undefined : project.text(target);
      if (target === null || text === undefined) continue;
      const span = def.contextSpan ?? def.textSpan;
      const from = span.start;
      const to = span.start + span.length;
      // Declarations the window already shows add nothing.
      if (target === path && from >= windowFrom && to <= windowTo) continue;
      const key = `${target}:${from}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const body = text.slice(from, to);
      found.push({ name: name.text, path: target, from, to, text: body.length > MAX_DEFINITION_CHARS ? body.slice(0, MAX_DEFINITION_CHARS) + '…' : body });
    }
  }
  return found;
}
