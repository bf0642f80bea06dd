/**
 * Keeps each live document's Yjs state beside (not inside) the workspace, so a document keeps its
 * identity across server restarts: clients that reconnect merge into the same history instead of
 * duplicating text. Layout: DATA_DIR/doc-state/<workspace>/<sha256(path)>.ystate, holding a JSON
 * header line ({path, epoch}) followed by the encoded Yjs state.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

export interface StoredDocState {
  epoch: string;
  state: Uint8Array;
}

export class DocStateStore {
  constructor(private readonly root: string) {}

  static newEpoch(): string {
    return randomBytes(12).toString('base64url');
  }

  private file(workspaceId: string, path: string): string {
    return join(this.root, workspaceId, createHash('sha256').update(path).digest('hex') + '.ystate');
  }

  async read(workspaceId: string, path: string): Promise<StoredDocState | null> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.file(workspaceId, path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const newline = bytes.indexOf(10);
    if (newline < 0) return null;
    try {
      const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as { path: string; epoch: string };
      if (header.path !== path || typeof header.epoch !== 'string') return null;
      return { epoch: header.epoch, state: new Uint8Array(bytes.subarray(newline + 1)) };
    } catch {
      return null; // A torn or foreign file: the document starts a new epoch from the file on disk.
    }
  }

  /** Writes atomically. With `exclusive`, returns false instead of replacing an existing state. */
  async write(workspaceId: string, path: string, value: StoredDocState, opts: { exclusive?: boolean } = {}): Promise<boolean> {
    const file = this.file(workspaceId, path);
    await fs.mkdir(join(this.root, workspaceId), { recursive: true });
    const body = Buffer.concat([Buffer.from(JSON.stringify({ path, epoch: value.epoch }) + '\n'), value.state]);
    if (opts.exclusive) {
      try {
        await fs.writeFile(file, body, { flag: 'wx' });
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      }
    }
    const tmp = file + '.' + randomBytes(4).toString('hex') + '.tmp';
    await fs.writeFile(tmp, body);
    await fs.rename(tmp, file);
    return true;
  }

  async remove(workspaceId: string, path: string): Promise<void> {
    await fs.rm(this.file(workspaceId, path), { force: true });
  }

  async move(workspaceId: string, from: string, to: string): Promise<void> {
    const state = await this.read(workspaceId, from);
    if (!state) return;
    await this.write(workspaceId, to, state);
    await this.remove(workspaceId, from);
  }
}
