/**
 * Serves Tab requests: builds prefix and suffix from the server's live document (the client sends
 * only the request), skips secret-looking files, keeps one request in flight per socket (a newer
 * one cancels the older end to end, down to the model worker), and shows only confident
 * suggestions.
 */
import { isSecretLooking } from '../lib/file-kind';
import type { ClientEvent, TabPartial, TabReply } from '../lib/protocol';
import type { ModelClient } from '../workers/model-client';
import { contextSnippets, linesAboveCursor, type ContextSnippet, type OpenFile } from '../workers/prompt/context-snippets';
import type { LiveDocs } from './live-docs';

/**
 * A suggestion holds only tokens the model gave at least this log-probability (e^-0.5, about 0.6):
 * generation stops before the first doubtful token and the confident part is shown, if any. A wrong
 * suggestion costs the user attention. Calibrated on held-out lines (BENCHMARKS.md, "Tab gate").
 */
export const DEFAULT_MIN_CONFIDENCE = -0.5;

/** After the model fails to load, requests answer "unavailable" this long before a retry. */
const MODEL_RETRY_MS = 30_000;

export class TabCompletions {
  private inFlight = new Map<string, { requestId: number; controller: AbortController }>();
  private snippetMemo = new Map<string, { key: string; snippets: ContextSnippet[] }>();
  private client: Promise<ModelClient> | null = null;
  private failedAt = -Infinity;

  constructor(
    private readonly liveDocs: LiveDocs,
    private readonly startModel: () => Promise<ModelClient>,
    private readonly minConfidence = DEFAULT_MIN_CONFIDENCE,
  ) {}

  /**
   * Answers with the final suggestion; `partial` receives it while it grows (every version of it
   * is confident), so the editor can show the start before generation ends.
   */
  async request(
    socketId: string,
    workspaceId: string,
    path: string,
    msg: ClientEvent<'tab:request'>,
    partial?: (p: TabPartial) => void,
    /** The other files this editor has open: snippets of them go into the prompt. */
    openPaths: Iterable<string> = [],
  ): Promise<TabReply> {
    const { requestId } = msg;
    this.inFlight.get(socketId)?.controller.abort();
    if (isSecretLooking(path)) return { requestId, completion: null, reason: 'secret' };
    const doc = this.liveDocs.get(workspaceId, path);
    if (!doc) return { requestId, completion: null, reason: 'binary' };
    const text = doc.text.toString();
    if (msg.offset > text.length || !text.slice(0, msg.offset).endsWith(msg.before)) return { requestId, completion: null, reason: 'stale' };
    const controller = new AbortController();
    this.inFlight.set(socketId, { requestId, controller });
    try {
      const client = await this.model();
      const prefix = text.slice(0, msg.offset);
      const result = await client.complete(prefix, text.slice(msg.offset), {
        snippets: this.snippets(socketId, workspaceId, path, prefix, openPaths),
        signal: controller.signal,
        minLogProb: this.minConfidence,
        onPartial: partial && ((p) => !controller.signal.aborted && partial({ requestId, completion: p.completion, replace: p.replace })),
      });
      if (!result.completion) return { requestId, completion: null, reason: 'empty' };
      if (result.minLogProb < this.minConfidence) return { requestId, completion: null, reason: 'unconfident' };
      return { requestId, completion: result.completion, replace: result.replace, confidence: Math.exp(result.minLogProb) };
    } catch (e) {
      if ((e as Error).name === 'AbortError') return { requestId, completion: null, reason: 'cancelled' };
      console.error('lookahead: tab completion failed:', (e as Error).message);
      // A failed worker is restarted, after a pause so a missing model is not reloaded per keystroke.
      this.client = null;
      this.failedAt = Date.now();
      return { requestId, completion: null, reason: 'unavailable' };
    } finally {
      if (this.inFlight.get(socketId)?.controller === controller) this.inFlight.delete(socketId);
    }
  }

  /** Other open files, most recently edited first; never secret-looking ones. */
  /**
   * Snippets of the other open files, reused while neither the lines above the cursor nor those
   * files change (keystrokes on one line): finding them reads every other open file.
   */
  private snippets(socketId: string, workspaceId: string, path: string, prefix: string, openPaths: Iterable<string>): ContextSnippet[] {
    const docs = [...openPaths].filter((p) => p !== path).map((p) => this.liveDocs.get(workspaceId, p));
    const key = JSON.stringify([linesAboveCursor(prefix), docs.map((d) => d && [d.path, d.epoch, d.changeCount])]);
    const memo = this.snippetMemo.get(socketId);
    if (memo?.key === key) return memo.snippets;
    const snippets = contextSnippets(prefix, this.otherFiles(workspaceId, path, openPaths));
    this.snippetMemo.set(socketId, { key, snippets });
    return snippets;
  }

  private otherFiles(workspaceId: string, path: string, openPaths: Iterable<string>): OpenFile[] {
    const files: (OpenFile & { editedAt: number })[] = [];
    for (const other of openPaths) {
      if (other === path || isSecretLooking(other)) continue;
      const doc = this.liveDocs.get(workspaceId, other);
      if (!doc) continue;
      const last = doc.history.recent(1)[0];
      files.push({ path: other, text: doc.text.toString(), lastEditAt: last ? last.from + last.inserted.length : undefined, editedAt: last?.at ?? -Infinity });
    }
    return files.sort((a, b) => b.editedAt - a.editedAt);
  }

  cancel(socketId: string, requestId: number): void {
    const running = this.inFlight.get(socketId);
    if (running?.requestId === requestId) running.controller.abort();
  }

  socketClosed(socketId: string): void {
    this.inFlight.get(socketId)?.controller.abort();
    this.inFlight.delete(socketId);
    this.snippetMemo.delete(socketId);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await (await client.catch(() => null))?.close();
  }

  private model(): Promise<ModelClient> {
    if (!this.client && Date.now() - this.failedAt < MODEL_RETRY_MS) return Promise.reject(new Error('model unavailable'));
    if (!this.client) {
      this.client = this.startModel();
      this.client.catch(() => (this.client = null));
    }
    return this.client;
  }
}
