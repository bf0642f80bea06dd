/**
 * Changes to a workspace's tree (files created, written from outside an editor, deleted,
 * renamed) reach every server process and every editor of the workspace. The process that made the
 * change has already updated its live documents; the others bring theirs in line when the event
 * arrives over the backplane.
 */
import type { Server } from 'socket.io';
import type { Backplane } from './backplane/backplane';
import type { LiveDocs } from './live-docs';

export type WorkspaceEvent =
  | { type: 'created'; path: string }
  | { type: 'written'; path: string }
  | { type: 'deleted'; path: string }
  | { type: 'renamed'; path: string; to: string };

const CHANNEL = 'workspace-events';

export function workspaceRoom(workspaceId: string): string {
  return `ws:${workspaceId}`;
}

export class WorkspaceEvents {
  private unsubscribe: (() => Promise<void>) | null = null;
  private listeners: ((workspaceId: string, event: WorkspaceEvent) => void)[] = [];

  constructor(
    private readonly io: Server,
    private readonly backplane: Backplane,
    private readonly liveDocs: LiveDocs,
    private readonly nodeId: string,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.backplane.subscribe(CHANNEL, (message) => {
      let parsed: { node: string; workspaceId: string; event: WorkspaceEvent };
      try {
        parsed = JSON.parse(new TextDecoder().decode(message));
      } catch {
        return;
      }
      if (parsed.node === this.nodeId) return;
      void this.applyFromPeer(parsed.workspaceId, parsed.event);
    });
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
  }

  /** Calls `listener` for every change of any workspace's tree, made here or in another process,
   * once this process's live documents are in line with it. */
  onEvent(listener: (workspaceId: string, event: WorkspaceEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Tells this process's editors and every other process about a change made here. */
  async announce(workspaceId: string, event: WorkspaceEvent): Promise<void> {
    this.notifyEditors(workspaceId, event);
    const message = new TextEncoder().encode(JSON.stringify({ node: this.nodeId, workspaceId, event }));
    await this.backplane.publish(CHANNEL, message).catch(() => {});
  }

  private async applyFromPeer(workspaceId: string, event: WorkspaceEvent): Promise<void> {
    if (event.type === 'written') {
      if ((await this.liveDocs.reloadFromDisk(workspaceId, event.path)) === 'dropped') this.replaced(workspaceId, event.path);
    } else if (event.type === 'deleted' || event.type === 'renamed') {
      await this.liveDocs.dropUnder(workspaceId, event.path);
    }
    this.notifyEditors(workspaceId, event);
  }

  /** An open file whose content is no longer editable text: its editors must reopen it. */
  replaced(workspaceId: string, path: string): void {
    this.io.local.to(workspaceRoom(workspaceId)).emit('doc:reset', { path, reason: 'replaced' });
  }

  private notifyEditors(workspaceId: string, event: WorkspaceEvent): void {
    for (const listener of this.listeners) listener(workspaceId, event);
    this.io.local.to(workspaceRoom(workspaceId)).emit('tree:changed', {
      reason: event.type,
      path: event.path,
      ...(event.type === 'renamed' ? { to: event.to } : {}),
    });
  }
}
