/**
 * One language service per workspace, each in its own worker thread (LanguageClient).
 *
 * Promises:
 * - A service starts on first need (a script file opened, a language request) with a copy of the
 *   workspace's source files read through the workspace store: scripts, declaration files and
 *   JSON, not under node_modules, at most MAX_EDITABLE_BYTES each, text only. Files open as live
 *   documents are copied from their live text, never from disk.
 * - From then on it sees every change: live document edits (whoever made them, including other
 *   server processes) and tree changes (created, written, deleted, renamed), including those made
 *   while its copy was being read.
 * - It stops once its workspace has had no connected socket for `idleMs`; a worker that dies is
 *   started again by the next request.
 */
import { classifyFile } from '../../lib/file-kind';
import { MAX_EDITABLE_BYTES } from '../../lib/limits';
import type { LangDiagnostic } from '../../lib/protocol';
import { isScriptPath } from '../../lib/script-files';
import type { LiveDocs } from '../live-docs';
import type { WorkspaceEvent } from '../workspace-events';
import type { WorkspaceStore } from '../workspace-store';
import { LanguageClient } from './language-client';
import { isProjectFile } from './virtual-project';

/** How long a workspace nobody is connected to keeps its language service. */
const DEFAULT_IDLE_MS = 2 * 60_000;
/** Files copied into one service at most; beyond this a workspace is more than a project. */
const MAX_PROJECT_FILES = 5000;
/** Files read from the store at a time while copying a workspace. */
const READ_CONCURRENCY = 16;

interface Service {
  client: LanguageClient;
  /** Resolves once the copy of the workspace has been sent to the worker. */
  ready: Promise<LanguageClient>;
  /** Tree changes that arrive while the copy is being read, replayed after it. */
  pendingEvents: WorkspaceEvent[] | null;
}

export class LanguageWorkspaces {
  private services = new Map<string, Service>();
  private sockets = new Map<string, number>();
  private idleTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: WorkspaceStore,
    private readonly liveDocs: LiveDocs,
    private readonly publish: (workspaceId: string, path: string, diagnostics: LangDiagnostic[]) => void,
    private readonly idleMs = DEFAULT_IDLE_MS,
  ) {
    liveDocs.onTextChange((doc, text) => this.textChanged(doc.workspaceId, doc.path, text));
  }

  /** The workspace's language service, started (and its files copied) if it is not running. */
  service(workspaceId: string): Promise<LanguageClient> {
    const running = this.services.get(workspaceId);
    if (running) return running.ready;
    const client = new LanguageClient(
      (path, diagnostics) => this.publish(workspaceId, path, diagnostics),
      (error) => {
        console.error(`lookahead: language service of ${workspaceId} stopped:`, error.message);
        if (this.services.get(workspaceId)?.client === client) this.services.delete(workspaceId);
      },
    );
    const service: Service = { client, ready: null!, pendingEvents: [] };
    service.ready = this.copyWorkspace(workspaceId, service).then(
      () => client,
      async (e: unknown) => {
        if (this.services.get(workspaceId) === service) this.services.delete(workspaceId);
        await client.close();
        throw e;
      },
    );
    this.services.set(workspaceId, service);
    if (!this.sockets.get(workspaceId)) this.scheduleStop(workspaceId);
    return service.ready;
  }

  isRunning(workspaceId: string): boolean {
    return this.services.has(workspaceId);
  }

  /** A script file was opened in an editor: start the service, and check that file early. */
  fileOpened(workspaceId: string, path: string): void {
    if (!isScriptPath(path)) return;
    this.service(workspaceId).then(
      (client) => client.focus(path),
      (e: unknown) => console.error('lookahead: language service failed to start:', (e as Error).message),
    );
  }

  socketConnected(workspaceId: string): void {
    this.sockets.set(workspaceId, (this.sockets.get(workspaceId) ?? 0) + 1);
    clearTimeout(this.idleTimers.get(workspaceId));
    this.idleTimers.delete(workspaceId);
  }

  socketDisconnected(workspaceId: string): void {
    const left = (this.sockets.get(workspaceId) ?? 1) - 1;
    if (left > 0) return void this.sockets.set(workspaceId, left);
    this.sockets.delete(workspaceId);
    if (this.services.has(workspaceId)) this.scheduleStop(workspaceId);
  }

  /** A change to any workspace's tree (wired to WorkspaceEvents). */
  treeChanged(workspaceId: string, event: WorkspaceEvent): void {
    const service = this.services.get(workspaceId);
    if (!service) return;
    if (service.pendingEvents) service.pendingEvents.push(event);
    else void this.applyTreeEvent(workspaceId, service.client, event);
  }

  async close(): Promise<void> {
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    const services = [...this.services.values()];
    this.services.clear();
    await Promise.all(services.map((s) => s.client.close()));
  }

  private scheduleStop(workspaceId: string): void {
    clearTimeout(this.idleTimers.get(workspaceId));
    const timer = setTimeout(() => {
      this.idleTimers.delete(workspaceId);
      if (this.sockets.get(workspaceId)) return;
      const service = this.services.get(workspaceId);
      this.services.delete(workspaceId);
      void service?.client.close();
    }, this.idleMs);
    timer.unref();
    this.idleTimers.set(workspaceId, timer);
  }

  private textChanged(workspaceId: string, path: string, text: string): void {
    const service = this.services.get(workspaceId);
    // While the copy is being read, open documents are taken from their live text at its end.
    if (!service || service.pendingEvents || !isProjectFile(path)) return;
    if (text.length > MAX_EDITABLE_BYTES) service.client.remove(path);
    else service.client.set(path, text);
  }

  private async copyWorkspace(workspaceId: string, service: Service): Promise<void> {
    const paths = await this.projectFilesUnder(workspaceId, '');
    const texts = await this.readFiles(workspaceId, paths);
    const files = [...texts].map(([path, text]) => ({ path, text: this.liveDocs.get(workspaceId, path)?.text.toString() ?? text }));
    service.client.load(files);
    const events = service.pendingEvents ?? [];
    service.pendingEvents = null;
    for (const event of events) await this.applyTreeEvent(workspaceId, service.client, event);
  }

  private async applyTreeEvent(workspaceId: string, client: LanguageClient, event: WorkspaceEvent): Promise<void> {
    try {
      if (event.type === 'deleted' || event.type === 'renamed') client.remove(event.path);
      const added = event.type === 'renamed' ? event.to : event.type === 'deleted' ? null : event.path;
      if (added === null) return;
      const texts = await this.readFiles(workspaceId, await this.projectFilesUnder(workspaceId, added));
      for (const [path, text] of texts) client.set(path, this.liveDocs.get(workspaceId, path)?.text.toString() ?? text);
    } catch (e) {
      console.error('lookahead: language service missed a tree change:', (e as Error).message);
    }
  }

  /** Project files at or under `path` ('' for all), as the store lists them. */
  private async projectFilesUnder(workspaceId: string, path: string): Promise<string[]> {
    const { files } = await this.store.list(workspaceId);
    return files
      .filter((f) => !path || f.path === path || f.path.startsWith(path + '/'))
      .filter((f) => f.size <= MAX_EDITABLE_BYTES && isProjectFile(f.path))
      .slice(0, MAX_PROJECT_FILES)
      .map((f) => f.path);
  }

  /** Reads files as text; binary files and files that vanished meanwhile are left out. */
  private async readFiles(workspaceId: string, paths: string[]): Promise<Map<string, string>> {
    const texts = new Map<string, string>();
    for (let i = 0; i < paths.length; i += READ_CONCURRENCY) {
      await Promise.all(
        paths.slice(i, i + READ_CONCURRENCY).map(async (path) => {
          const bytes = await this.store.read(workspaceId, path).catch(() => null);
          if (bytes && classifyFile(bytes) === 'text') texts.set(path, new TextDecoder().decode(bytes));
        }),
      );
    }
    return texts;
  }
}
