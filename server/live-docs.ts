/**
 * The server's live documents: one Yjs document per open file, shared by every editor of it.
 *
 * Promises:
 * - The live document is the truth while a file is open; it is written to disk SAVE_DEBOUNCE_MS
 *   after the last edit (well within 1 s) and by `flushAll` on shutdown.
 * - Its Yjs state is kept in DocStateStore after each save, so it keeps its identity (epoch)
 *   across restarts and reconnecting clients merge instead of duplicating text.
 * - Updates fan out to other server processes through the backplane; every process applies them
 *   to its own copy and passes them to its own sockets. After loading a document, and after the
 *   backplane comes back from an outage, a process exchanges state vectors with the others and
 *   gets whatever it lacks (doc-message.ts).
 * - Each change is recorded with time, author and range in the file's EditHistory.
 */
import * as Y from 'yjs';
import { classifyFile } from '../lib/file-kind';
import { SAVE_DEBOUNCE_MS } from '../lib/limits';
import { diffText } from '../lib/text-diff';
import type { Backplane } from './backplane/backplane';
import { DocStateStore } from './doc-state-store';
import { EditHistory, recordsFromDelta, type EditRecord } from './edit-history';
import { RequestError } from './errors';
import { decodeDocMessage, encodeDocMessage, isEmptyUpdate, type DocMessageKind } from './doc-message';
import type { WorkspaceStore } from './workspace-store';

export interface LiveDocListener {
  /**
   * A change to apply in this process's editors (`exceptSocket` made it and has it already;
   * `owner` is the socket the server made it for, whose editor counts it as its own undo step).
   */
  update(workspaceId: string, path: string, epoch: string, update: Uint8Array, exceptSocket: string | null, owner: string | null): void;
  saved(workspaceId: string, path: string, savedAt: number): void;
}

/** Who made a change: a socket (with the share link's author name) or the server itself. */
export interface ChangeOrigin {
  author: string;
  socketId: string | null;
  /** Set when the change came from another server process and must not be published again. */
  fromBackplane?: boolean;
  /** The socket the server made this change for (a rename it asked for): its own edit there. */
  onBehalfOf?: string;
}

export class LiveDoc {
  readonly doc = new Y.Doc({ gc: true });
  readonly text = this.doc.getText('content');
  readonly history = new EditHistory();
  readonly sockets = new Set<string>();
  dirty = false;
  /** Transactions that changed the document; tells a client whether its update changed anything. */
  changeCount = 0;
  saveTimer: NodeJS.Timeout | null = null;
  saving: Promise<void> = Promise.resolve();
  unsubscribe: (() => Promise<void>) | null = null;
  /** Text before the change being observed: edit records need the deleted text. */
  shadow = '';

  constructor(
    readonly workspaceId: string,
    readonly path: string,
    readonly epoch: string,
  ) {}
}

export type OpenResult = { kind: 'text'; doc: LiveDoc } | { kind: 'binary' | 'too-large'; size: number };

export class LiveDocs {
  private docs = new Map<string, LiveDoc>();
  private loading = new Map<string, Promise<OpenResult>>();
  private textListeners: ((doc: LiveDoc, text: string) => void)[] = [];

  constructor(
    private readonly store: WorkspaceStore,
    private readonly states: DocStateStore,
    private readonly backplane: Backplane,
    private readonly nodeId: string,
    private readonly listener: LiveDocListener,
    private readonly now: () => number = Date.now,
  ) {
    // Updates published while the backplane was down never arrived anywhere: resync every document.
    backplane.onReconnect(() => {
      for (const doc of this.docs.values()) this.requestSync(doc);
    });
  }

  private static key(workspaceId: string, path: string): string {
    return workspaceId + '\0' + path;
  }

  private static channel(workspaceId: string, path: string): string {
    return `doc:${workspaceId}:${path}`;
  }

  get(workspaceId: string, path: string): LiveDoc | undefined {
    return this.docs.get(LiveDocs.key(workspaceId, path));
  }

  /** The recent edits of an open file (null when the file is not open in this process). */
  history(workspaceId: string, path: string): readonly EditRecord[] | null {
    return this.get(workspaceId, path)?.history.recent() ?? null;
  }

  /** Calls `listener` with the new text after every change to a live document, whoever made it. */
  onTextChange(listener: (doc: LiveDoc, text: string) => void): void {
    this.textListeners.push(listener);
  }

  openCount(): number {
    return this.docs.size;
  }

  /** Loads (or returns) the live document of a text file; binary and oversized files get none. */
  async open(workspaceId: string, path: string): Promise<OpenResult> {
    const key = LiveDocs.key(workspaceId, path);
    const live = this.docs.get(key);
    if (live) return { kind: 'text', doc: live };
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(workspaceId, path).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async load(workspaceId: string, path: string): Promise<OpenResult> {
    const bytes = await this.store.read(workspaceId, path);
    const kind = classifyFile(bytes);
    if (kind !== 'text') return { kind, size: bytes.byteLength };
    const diskText = new TextDecoder().decode(bytes);
    let stored = await this.states.read(workspaceId, path);
    if (!stored) {
      const fresh = new Y.Doc();
      fresh.getText('content').insert(0, diskText);
      stored = { epoch: DocStateStore.newEpoch(), state: Y.encodeStateAsUpdate(fresh) };
      fresh.destroy();
      // Another process may have created it first: then its state (and epoch) wins.
      if (!(await this.states.write(workspaceId, path, stored, { exclusive: true }))) {
        stored = (await this.states.read(workspaceId, path)) ?? stored;
      }
    }
    const doc = new LiveDoc(workspaceId, path, stored.epoch);
    Y.applyUpdate(doc.doc, stored.state);
    // The file may have changed on disk since the state was kept (a write while it was closed).
    replaceText(doc, diskText);
    doc.shadow = doc.text.toString();
    doc.text.observe((event) => this.onChange(doc, event));
    doc.doc.on('update', (update: Uint8Array, origin: unknown) => this.handleUpdate(doc, update, origin as ChangeOrigin | null));
    doc.unsubscribe = await this.backplane
      .subscribe(LiveDocs.channel(workspaceId, path), (message) => this.onBackplane(doc, message))
      .catch(() => null);
    this.docs.set(LiveDocs.key(workspaceId, path), doc);
    // Edits another process made after the state above was kept (it saves a little later).
    this.requestSync(doc);
    return { kind: 'text', doc };
  }

  /**
   * Applies a client's Yjs update; returns whether it changed the document (a resent update does
   * not). Throws RequestError for a stale epoch or a malformed update.
   */
  applyUpdate(workspaceId: string, path: string, epoch: string, update: Uint8Array, origin: ChangeOrigin): boolean {
    const doc = this.get(workspaceId, path);
    if (!doc) throw new RequestError(409, 'conflict', `${path} is not open`);
    if (doc.epoch !== epoch) throw new RequestError(409, 'conflict', 'stale-epoch');
    try {
      // Decoding first means a malformed update is refused before it can touch the document.
      Y.decodeUpdate(update);
    } catch {
      throw new RequestError(400, 'bad-request', 'malformed document update');
    }
    const before = doc.changeCount;
    try {
      Y.applyUpdate(doc.doc, update, origin);
    } catch {
      throw new RequestError(400, 'bad-request', 'document update could not be applied');
    }
    return doc.changeCount !== before;
  }

  /**
   * Replaces a file's content as one change; open editors see it as a normal edit. Content that is
   * no longer editable text drops the live document (the caller tells its editors).
   */
  async writeFile(workspaceId: string, path: string, bytes: Uint8Array, author: string, opts: { mustNotExist?: boolean } = {}): Promise<{ created: boolean }> {
    const doc = this.get(workspaceId, path);
    if (doc && !opts.mustNotExist && classifyFile(bytes) === 'text') {
      replaceText(doc, new TextDecoder().decode(bytes), { author, socketId: null });
      await this.save(doc);
      return { created: false };
    }
    if (doc) await this.drop(doc);
    const result = await this.store.write(workspaceId, path, bytes, opts);
    await this.states.remove(workspaceId, path);
    return result;
  }

  /** Brings an open document in line with what is on disk (after another process wrote it). */
  async reloadFromDisk(workspaceId: string, path: string): Promise<'reloaded' | 'dropped' | 'closed'> {
    const doc = this.get(workspaceId, path);
    if (!doc) return 'closed';
    let bytes: Buffer;
    try {
      bytes = await this.store.read(workspaceId, path);
    } catch {
      await this.drop(doc);
      return 'dropped';
    }
    if (classifyFile(bytes) !== 'text') {
      await this.drop(doc);
      return 'dropped';
    }
    replaceText(doc, new TextDecoder().decode(bytes), { author: 'disk', socketId: null, fromBackplane: true });
    return 'reloaded';
  }

  /** Drops the live documents at or under `path` without saving (their file is gone or moved). */
  async dropUnder(workspaceId: string, path: string): Promise<string[]> {
    const dropped: string[] = [];
    for (const doc of [...this.docs.values()]) {
      if (doc.workspaceId !== workspaceId) continue;
      if (doc.path === path || doc.path.startsWith(path + '/')) {
        await this.drop(doc);
        dropped.push(doc.path);
      }
    }
    return dropped;
  }

  /** Writes every live document under `path` (all of the workspace when path is '') to disk now. */
  async flushUnder(workspaceId: string, path: string): Promise<void> {
    for (const doc of this.docs.values()) {
      if (doc.workspaceId !== workspaceId) continue;
      if (!path || doc.path === path || doc.path.startsWith(path + '/')) await this.save(doc);
    }
  }

  attach(doc: LiveDoc, socketId: string): void {
    doc.sockets.add(socketId);
  }

  /** Forgets a socket; a document nobody has open is saved and unloaded. */
  async detach(workspaceId: string, path: string, socketId: string): Promise<void> {
    const doc = this.get(workspaceId, path);
    if (!doc || !doc.sockets.delete(socketId) || doc.sockets.size > 0) return;
    await this.save(doc);
    if (doc.sockets.size === 0 && !doc.dirty && this.get(workspaceId, path) === doc) await this.drop(doc);
  }

  /** Saves every live document; called on shutdown. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.docs.values()].map((doc) => this.save(doc)));
  }

  async close(): Promise<void> {
    await this.flushAll();
    for (const doc of [...this.docs.values()]) await this.drop(doc);
  }

  /** Saves now (cancelling the pending debounce); resolves when the file and state are written. */
  save(doc: LiveDoc): Promise<void> {
    if (doc.saveTimer) {
      clearTimeout(doc.saveTimer);
      doc.saveTimer = null;
    }
    doc.saving = doc.saving.then(async () => {
      if (!doc.dirty) return;
      doc.dirty = false;
      // The state is taken with the text, so the kept state never runs ahead of the file.
      const text = doc.text.toString();
      const state = Y.encodeStateAsUpdate(doc.doc);
      try {
        await this.store.write(doc.workspaceId, doc.path, new TextEncoder().encode(text));
        await this.states.write(doc.workspaceId, doc.path, { epoch: doc.epoch, state });
        this.listener.saved(doc.workspaceId, doc.path, this.now());
      } catch (e) {
        doc.dirty = true; // Kept in memory; the next edit or flush tries again.
        console.error(`lookahead: saving ${doc.path} failed:`, (e as Error).message);
      }
    });
    return doc.saving;
  }

  private async drop(doc: LiveDoc): Promise<void> {
    if (doc.saveTimer) clearTimeout(doc.saveTimer);
    doc.saveTimer = null;
    doc.dirty = false;
    this.docs.delete(LiveDocs.key(doc.workspaceId, doc.path));
    await doc.unsubscribe?.().catch(() => {});
    doc.doc.destroy();
  }

  private onChange(doc: LiveDoc, event: Y.YTextEvent): void {
    const origin = event.transaction.origin as ChangeOrigin | null;
    const author = origin?.author ?? 'server';
    for (const record of recordsFromDelta(doc.shadow, event.delta as never, author, this.now())) doc.history.add(record);
    doc.shadow = doc.text.toString();
    for (const listener of this.textListeners) listener(doc, doc.shadow);
    doc.dirty = true;
    if (doc.saveTimer) clearTimeout(doc.saveTimer);
    doc.saveTimer = setTimeout(() => void this.save(doc), SAVE_DEBOUNCE_MS);
  }

  /** Called for every transaction: passes the update on to local sockets and other processes. */
  private handleUpdate(doc: LiveDoc, update: Uint8Array, origin: ChangeOrigin | null): void {
    doc.changeCount++;
    this.listener.update(doc.workspaceId, doc.path, doc.epoch, update, origin?.socketId ?? null, origin?.onBehalfOf ?? null);
    if (origin?.fromBackplane) return;
    this.publish(doc, 'update', update, origin?.author ?? 'server');
  }

  /** Best effort: while the backplane is down this process keeps working, and resyncs after. */
  private publish(doc: LiveDoc, kind: DocMessageKind, update: Uint8Array, author = 'server'): void {
    const message = encodeDocMessage({ node: this.nodeId, author, epoch: doc.epoch, kind, update });
    this.backplane.publish(LiveDocs.channel(doc.workspaceId, doc.path), message).catch(() => {});
  }

  /** Asks the other processes for whatever of an open document this one lacks (see doc-message.ts). */
  private requestSync(doc: LiveDoc): void {
    this.publish(doc, 'state-vector', Y.encodeStateVector(doc.doc));
  }

  private onBackplane(doc: LiveDoc, message: Uint8Array): void {
    const decoded = decodeDocMessage(message);
    if (!decoded || decoded.node === this.nodeId || decoded.epoch !== doc.epoch) return;
    try {
      if (decoded.kind === 'update') {
        Y.applyUpdate(doc.doc, decoded.update, { author: decoded.author, socketId: null, fromBackplane: true } satisfies ChangeOrigin);
        return;
      }
      // A peer asks for what it lacks: send it, and (once) ask for our own share in return.
      const missing = Y.encodeStateAsUpdate(doc.doc, decoded.update);
      if (!isEmptyUpdate(missing)) this.publish(doc, 'update', missing);
      if (decoded.kind === 'state-vector') this.publish(doc, 'state-vector-reply', Y.encodeStateVector(doc.doc));
    } catch {
      // A peer process sent something unusable; the file on disk remains the common ground.
    }
  }
}

/** Replaces the document's text with `next` as one minimal change. */
function replaceText(doc: LiveDoc, next: string, origin: ChangeOrigin | null = null): void {
  const change = diffText(doc.text.toString(), next);
  if (!change) return;
  doc.doc.transact(() => {
    if (change.deleteCount) doc.text.delete(change.from, change.deleteCount);
    if (change.insert) doc.text.insert(change.from, change.insert);
  }, origin);
}
