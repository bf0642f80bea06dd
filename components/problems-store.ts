/**
 * The workspace's diagnostics as the browser knows them: the full list fetched once the language
 * service is wanted (`start`, again after each reconnect), then kept current by the diagnostics the
 * server pushes whenever a file's change. Editors show their file's share as squiggles; the
 * Problems panel and the status bar show all of it.
 */
import type { Socket } from 'socket.io-client';
import type { Ack, LangDiagnostic, LangProblemsReply } from '../lib/protocol';

const NONE: readonly LangDiagnostic[] = [];

export class ProblemsStore {
  private byPath = new Map<string, readonly LangDiagnostic[]>();
  private listeners = new Set<() => void>();
  private started = false;
  /** Changes on every update, for React's useSyncExternalStore. */
  private version = 0;

  constructor(private readonly socket: Socket) {
    socket.on('lang:diagnostics', this.onPush);
    socket.on('connect', this.onConnect);
  }

  /** Asks for the whole list (and so starts the workspace's language service); idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.fetchAll();
  }

  get(path: string): readonly LangDiagnostic[] {
    return this.byPath.get(path) ?? NONE;
  }

  /** Files with diagnostics, sorted by path. */
  all(): { path: string; diagnostics: readonly LangDiagnostic[] }[] {
    return [...this.byPath]
      .filter(([, d]) => d.length > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, diagnostics]) => ({ path, diagnostics }));
  }

  getVersion = (): number => this.version;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  destroy(): void {
    this.socket.off('lang:diagnostics', this.onPush);
    this.socket.off('connect', this.onConnect);
    this.listeners.clear();
  }

  private fetchAll(): void {
    if (!this.socket.connected) return;
    this.socket.emit('lang:problems', {}, (reply: Ack<LangProblemsReply>) => {
      if (!reply.ok) return;
      this.byPath = new Map(reply.problems.map((p) => [p.path, p.diagnostics]));
      this.changed();
    });
  }

  private onPush = (msg: { path: string; diagnostics: LangDiagnostic[] }): void => {
    this.byPath.set(msg.path, msg.diagnostics);
    this.changed();
  };

  private onConnect = (): void => {
    if (this.started) this.fetchAll();
  };

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}
