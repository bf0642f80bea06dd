/**
 * The only module that touches workspace files. Every path goes through `resolve`, which checks
 * the path lexically (lib/workspace-path) and then by realpath, so `..`, encoded dots, absolute
 * paths, NUL bytes and symlinks that lead out of the workspace root are all refused.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { MAX_LISTED_FILES } from '../lib/limits';
import { RequestError } from './errors';
import { canonicalPath } from './request-path';

const run = promisify(execFile);

/** Workspace ids are random and URL-safe; anything else is refused before touching the disk. */
const WORKSPACE_ID = /^[a-z0-9]{12,32}$/;

/** Temporary files written during an atomic save; hidden from listings. */
const TEMP_PREFIX = '.lookahead-tmp-';

export interface FileEntry {
  path: string;
  size: number;
}

export class WorkspaceStore {
  constructor(
    private readonly root: string,
    private readonly templateDir: string,
  ) {}

  static isWorkspaceId(id: string): boolean {
    return WORKSPACE_ID.test(id);
  }

  /** Creates a workspace from the starter template, as a git repo whose first commit is the template. */
  async create(): Promise<string> {
    const id = randomBytes(10).toString('hex');
    const dir = join(this.root, id);
    await fs.mkdir(this.root, { recursive: true });
    await fs.cp(this.templateDir, dir, { recursive: true, errorOnExist: true, force: false });
    const git = (...args: string[]) =>
      run('git', ['-c', 'user.name=Lookahead', '-c', 'user.email=workspace@lookahead.invalid', '-c', 'init.defaultBranch=main', ...args], {
        cwd: dir,
      });
    await git('init', '-q');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Start from the Lookahead template');
    return id;
  }

  async exists(id: string): Promise<boolean> {
    if (!WorkspaceStore.isWorkspaceId(id)) return false;
    try {
      return (await fs.stat(join(this.root, id))).isDirectory();
    } catch {
      return false;
    }
  }

  /** Every file (recursively, `.git` excluded) and every folder of a workspace. */
  async list(id: string): Promise<{ files: FileEntry[]; dirs: string[] }> {
    const base = await this.workspaceRoot(id);
    const files: FileEntry[] = [];
    const dirs: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await fs.readdir(dir, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (files.length >= MAX_LISTED_FILES) return;
        if (entry.name === '.git' || entry.name.startsWith(TEMP_PREFIX)) continue;
        const full = join(dir, entry.name);
        const rel = relative(base, full).split(sep).join('/');
        if (entry.isDirectory()) {
          dirs.push(rel);
          await walk(full);
        } else if (entry.isFile()) {
          files.push({ path: rel, size: (await fs.stat(full)).size });
        }
        // Symlinks are not listed: following them could leave the workspace.
      }
    };
    await walk(base);
    return { files, dirs };
  }

  async read(id: string, path: string): Promise<Buffer> {
    const full = await this.resolve(id, path, 'existing');
    const stat = await fs.stat(full);
    if (!stat.isFile()) throw new RequestError(404, 'not-found', `${path} is not a file`);
    return fs.readFile(full);
  }

  async size(id: string, path: string): Promise<number> {
    const full = await this.resolve(id, path, 'existing');
    return (await fs.stat(full)).size;
  }

  /**
   * Writes a file atomically (temporary file, then rename), creating missing folders.
   * With `mustNotExist`, fails with 412 when the file is already there.
   */
  async write(id: string, path: string, bytes: Uint8Array, opts: { mustNotExist?: boolean } = {}): Promise<{ created: boolean }> {
    const full = await this.resolve(id, path, 'new');
    let created = true;
    try {
      const stat = await fs.lstat(full);
      if (!stat.isFile()) throw new RequestError(409, 'conflict', `${path} exists and is not a file`);
      if (opts.mustNotExist) throw new RequestError(412, 'precondition-failed', `${path} already exists`);
      created = false;
    } catch (e) {
      if (e instanceof RequestError) throw e;
    }
    await this.mkdirInside(id, dirname(path) === '.' ? '' : dirname(path));
    const tmp = join(dirname(full), TEMP_PREFIX + randomBytes(6).toString('hex'));
    await fs.writeFile(tmp, bytes, { flag: 'wx' });
    await fs.rename(tmp, full);
    return { created };
  }

  async createDir(id: string, path: string): Promise<void> {
    const full = await this.resolve(id, path, 'new');
    try {
      await fs.lstat(full);
      throw new RequestError(412, 'precondition-failed', `${path} already exists`);
    } catch (e) {
      if (e instanceof RequestError) throw e;
    }
    await this.mkdirInside(id, path);
  }

  /** Deletes a file or a folder with everything in it. */
  async remove(id: string, path: string): Promise<'file' | 'dir'> {
    const full = await this.resolve(id, path, 'existing');
    const stat = await fs.lstat(full);
    await fs.rm(full, { recursive: true, force: false });
    return stat.isDirectory() ? 'dir' : 'file';
  }

  async rename(id: string, from: string, to: string): Promise<void> {
    const source = await this.resolve(id, from, 'existing');
    const target = await this.resolve(id, to, 'new');
    if ((target + sep).startsWith(source + sep)) throw new RequestError(400, 'bad-request', 'cannot move a folder into itself');
    try {
      await fs.lstat(target);
      throw new RequestError(412, 'precondition-failed', `${to} already exists`);
    } catch (e) {
      if (e instanceof RequestError) throw e;
    }
    await this.mkdirInside(id, dirname(to) === '.' ? '' : dirname(to));
    await fs.rename(source, target);
  }

  /**
   * Resolves a workspace-relative path to an absolute one inside the workspace.
   * 'existing': the target must exist and its real path must be inside the root.
   * 'new': the target may be missing; its nearest existing ancestor must be inside the root, and
   * if the target itself exists as a symlink it must point inside too.
   */
  async resolve(id: string, path: string, mode: 'existing' | 'new'): Promise<string> {
    const canonical = canonicalPath(path);
    const base = await this.workspaceRoot(id);
    const full = join(base, ...canonical.split('/'));
    let probe = full;
    for (;;) {
      try {
        const real = await fs.realpath(probe);
        if (real !== base && !real.startsWith(base + sep)) throw new RequestError(404, 'not-found', `${canonical} not found`);
        if (probe === full) return full;
        if (mode === 'existing') throw new RequestError(404, 'not-found', `${canonical} not found`);
        return full;
      } catch (e) {
        if (e instanceof RequestError) throw e;
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
        if (mode === 'existing') throw new RequestError(404, 'not-found', `${canonical} not found`);
        // A dangling symlink at the target would let a write escape; refuse it.
        if (probe === full) {
          const link = await fs.lstat(full).catch(() => null);
          if (link?.isSymbolicLink()) throw new RequestError(404, 'not-found', `${canonical} not found`);
        }
        probe = dirname(probe);
      }
    }
  }

  private async workspaceRoot(id: string): Promise<string> {
    if (!WorkspaceStore.isWorkspaceId(id)) throw new RequestError(404, 'not-found', 'no such workspace');
    try {
      return await fs.realpath(join(this.root, id));
    } catch {
      throw new RequestError(404, 'not-found', 'no such workspace');
    }
  }

  /** mkdir -p, one level at a time, re-checking the jail so a symlinked folder cannot be followed out. */
  private async mkdirInside(id: string, path: string): Promise<void> {
    if (!path) return;
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const sub = parts.slice(0, i).join('/');
      const full = await this.resolve(id, sub, 'new');
      try {
        await fs.mkdir(full);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const stat = await fs.stat(full);
        if (!stat.isDirectory()) throw new RequestError(409, 'conflict', `${sub} is a file`);
      }
    }
  }
}
