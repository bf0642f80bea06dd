/**
 * Keeps one file's Yjs document in step with the server over an existing socket.io connection.
 *
 * Contract:
 * - Local edits are sent at once when connected; while offline they stay in the local document and
 *   are sent (as the difference against the server's state vector) when the socket reconnects.
 * - A reconnect re-opens the document with this copy's state vector, so only missing updates travel.
 * - If the server's copy has another epoch (unrelated history), the local copy is replaced by the
 *   server's; text typed offline is then re-applied as one replacement so it is not lost.
 * - Remote updates are applied with `remoteOrigin`, so they never count as local edits or undo steps;
 *   a change the server made at this client's request (a rename) is applied with `ownRemoteOrigin`,
 *   which the editor's undo tracks, and is not sent back.
 */
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import type { Ack, DocOpenReply } from '../../lib/protocol';
import { diffText } from '../../lib/text-diff';

export type SaveState = 'saved' | 'saving' | 'offline-unsaved';

export interface DocStatus {
  phase: 'opening' | 'live' | 'offline' | 'closed' | 'error';
  kind: 'text' | 'binary' | 'too-large' | null;
  readOnly: boolean;
  saveState: SaveState;
  /** File size in bytes for binary and oversized files. */
  size?: number;
  error?: string;
}

/** Transaction origin of updates that came from the server. */
export const remoteOrigin = Symbol('lookahead-remote');
/** Transaction origin of server changes made for this client (its own edits, made remotely). */
export const ownRemoteOrigin = Symbol('lookahead-own-remote');

export class DocSync {
  readonly doc = new Y.Doc();
  readonly text = this.doc.getText('content');
  private epoch: string | null = null;
  private status: DocStatus = { phase: 'opening', kind: null, readOnly: true, saveState: 'saved' };
  private listeners = new Set<(s: DocStatus) => void>();
  /** Updates sent and not yet acknowledged. */
  private pendingAcks = 0;
  /** The server took a change of ours that it has not reported saved yet. */
  private awaitingSave = false;
  /** Local changes the server may not have (made offline, or in flight when the link dropped). */
  private unsent = false;
  private destroyed = false;
  /** Text as last confirmed by the server, used to carry offline typing across an epoch change. */
  private syncedText = '';

  constructor(
    private readonly socket: Socket,
    readonly path: string,
  ) {
    this.doc.on('update', this.onLocalUpdate);
    socket.on('connect', this.open);
    socket.on('disconnect', this.onDisconnect);
    socket.on('doc:update', this.onRemoteUpdate);
    socket.on('doc:saved', this.onSaved);
    if (socket.connected) this.open();
    else this.setStatus({ phase: 'offline' });
  }

  getStatus(): DocStatus {
    return this.status;
  }

  /** Calls `listener` now and on every status change; returns an unsubscribe function. */
  subscribe(listener: (s: DocStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.status);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.socket.off('connect', this.open);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off('doc:update', this.onRemoteUpdate);
    this.socket.off('doc:saved', this.onSaved);
    if (this.socket.connected) this.socket.emit('doc:close', { path: this.path });
    this.setStatus({ phase: 'closed' });
    this.listeners.clear();
    this.doc.destroy();
  }

  private setStatus(patch: Partial<DocStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const l of this.listeners) l(this.status);
  }

  private open = (): void => {
    if (this.destroyed) return;
    this.setStatus({ phase: 'opening' });
    const stateVector = this.epoch ? Y.encodeStateVector(this.doc) : null;
    this.socket.emit('doc:open', { path: this.path, epoch: this.epoch, stateVector }, (reply: Ack<DocOpenReply>) => {
      if (this.destroyed) return;
      if (!reply.ok) {
        this.setStatus({ phase: 'error', error: reply.error.message });
        return;
      }
      if (reply.kind !== 'text') {
        this.setStatus({ phase: 'live', kind: reply.kind, readOnly: true, size: reply.size, saveState: 'saved' });
        return;
      }
      const update = toBytes(reply.update);
      if (this.epoch && this.epoch !== reply.epoch) {
        this.adoptNewEpoch(reply.epoch, update);
      } else {
        this.epoch = reply.epoch;
        Y.applyUpdate(this.doc, update, remoteOrigin);
      }
      this.syncedText = this.text.toString();
      this.setStatus({ phase: 'live', kind: 'text', readOnly: reply.readOnly });
      if (!reply.readOnly) {
        // Send back whatever the server lacks: edits made while offline. Deletions do not show in
        // state vectors, so after any local change the difference is sent and the server says
        // whether it changed anything.
        const missing = Y.encodeStateAsUpdate(this.doc, toBytes(reply.stateVector));
        if (this.unsent || hasNewStructs(this.doc, toBytes(reply.stateVector))) this.send(missing);
      }
      this.unsent = false;
      this.refreshSaveState();
    });
  };

  /** The server's document was recreated: take its copy, then re-apply the local text on top. */
  private adoptNewEpoch(epoch: string, update: Uint8Array): void {
    const localText = this.text.toString();
    const hadOfflineEdits = localText !== this.syncedText;
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, update);
    const serverText = fresh.getText('content').toString();
    fresh.destroy();
    this.epoch = epoch;
    this.doc.transact(() => {
      this.text.delete(0, this.text.length);
      this.text.insert(0, serverText);
    }, remoteOrigin);
    // The replaced history cannot merge; only the typed difference can be carried over.
    if (hadOfflineEdits) {
      const change = diffText(serverText, localText);
      if (change) {
        this.doc.transact(() => {
          this.text.delete(change.from, change.deleteCount);
          this.text.insert(change.from, change.insert);
        });
      }
    }
  }

  private onLocalUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === remoteOrigin || origin === ownRemoteOrigin) return;
    if (this.socket.connected && this.epoch && this.status.phase === 'live') this.send(update);
    else this.unsent = true;
    this.refreshSaveState();
  };

  private send(update: Uint8Array): void {
    this.pendingAcks++;
    this.socket.emit('doc:update', { path: this.path, epoch: this.epoch, update }, (reply: Ack<{ changed: boolean }>) => {
      this.pendingAcks = Math.max(0, this.pendingAcks - 1);
      if (reply.ok) {
        if (reply.changed) this.awaitingSave = true;
      } else if (reply.error.code === 'stale-epoch') {
        // The server recreated the document: reopen, carrying this copy's text over.
        this.unsent = true;
        this.open();
      } else {
        this.setStatus({ error: reply.error.message });
      }
      this.refreshSaveState();
    });
  }

  private refreshSaveState(): void {
    const live = this.status.phase === 'live' && this.socket.connected;
    const saveState: SaveState =
      this.unsent && !live ? 'offline-unsaved' : this.unsent || this.pendingAcks > 0 || this.awaitingSave ? 'saving' : 'saved';
    if (saveState !== this.status.saveState) this.setStatus({ saveState });
  }

  private onRemoteUpdate = (msg: { path: string; epoch: string; update: ArrayBuffer | Uint8Array; own?: boolean }): void => {
    if (msg.path !== this.path || msg.epoch !== this.epoch) return;
    Y.applyUpdate(this.doc, toBytes(msg.update), msg.own ? ownRemoteOrigin : remoteOrigin);
  };

  private onSaved = (msg: { path: string }): void => {
    if (msg.path !== this.path) return;
    if (this.pendingAcks === 0 && !this.unsent) {
      this.awaitingSave = false;
      this.syncedText = this.text.toString();
    }
    this.refreshSaveState();
  };

  private onDisconnect = (): void => {
    // Whatever was in flight or not yet saved may not have made it: resend on reconnect.
    if (this.pendingAcks > 0 || this.awaitingSave) this.unsent = true;
    this.pendingAcks = 0;
    this.awaitingSave = false;
    this.setStatus({ phase: 'offline' });
    this.refreshSaveState();
  };
}

function toBytes(data: ArrayBuffer | Uint8Array): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

/** Whether this copy has insertions the server's state vector does not cover. */
function hasNewStructs(doc: Y.Doc, serverStateVector: Uint8Array): boolean {
  const server = Y.decodeStateVector(serverStateVector);
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) {
    if (clock > (server.get(client) ?? 0)) return true;
  }
  return false;
}
