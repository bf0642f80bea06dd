/**
 * Tree changes made through the REST API: each one keeps live documents, their kept Yjs state and
 * the files on disk consistent, then announces itself to editors and other processes.
 * Paths are canonical (lib/workspace-path) by the time they get here.
 */
import type { DocStateStore } from './doc-state-store';
import type { LiveDocs } from './live-docs';
import type { WorkspaceEvents } from './workspace-events';
import type { WorkspaceStore } from './workspace-store';

export class FileOperations {
  constructor(
    private readonly store: WorkspaceStore,
    private readonly liveDocs: LiveDocs,
    private readonly states: DocStateStore,
    private readonly events: WorkspaceEvents,
  ) {}

  async write(workspaceId: string, path: string, bytes: Uint8Array, author: string, opts: { mustNotExist?: boolean } = {}): Promise<{ created: boolean }> {
    const wasLive = Boolean(this.liveDocs.get(workspaceId, path));
    const result = await this.liveDocs.writeFile(workspaceId, path, bytes, author, opts);
    if (wasLive && !this.liveDocs.get(workspaceId, path)) this.events.replaced(workspaceId, path);
    await this.events.announce(workspaceId, { type: result.created ? 'created' : 'written', path });
    return result;
  }

  async createDir(workspaceId: string, path: string): Promise<void> {
    await this.store.createDir(workspaceId, path);
    await this.events.announce(workspaceId, { type: 'created', path });
  }

  async remove(workspaceId: string, path: string): Promise<void> {
    await this.store.resolve(workspaceId, path, 'existing');
    for (const dropped of await this.liveDocs.dropUnder(workspaceId, path)) await this.states.remove(workspaceId, dropped);
    await this.store.remove(workspaceId, path);
    await this.events.announce(workspaceId, { type: 'deleted', path });
  }

  async rename(workspaceId: string, from: string, to: string): Promise<void> {
    await this.store.resolve(workspaceId, from, 'existing');
    await this.store.resolve(workspaceId, to, 'new');
    // Save first so nothing typed is lost, then move each document's state with its file so
    // editors that reopen it under the new name keep merging into the same history.
    await this.liveDocs.flushUnder(workspaceId, from);
    const moved = await this.liveDocs.dropUnder(workspaceId, from);
    await this.store.rename(workspaceId, from, to);
    for (const path of moved) await this.states.move(workspaceId, path, to + path.slice(from.length));
    await this.events.announce(workspaceId, { type: 'renamed', path: from, to });
  }
}
