/**
 * The main thread's handle on one workspace's language worker. Changes are posted in order and
 * bump the shared change signal first, so a background check in the worker stops for them at
 * once; requests are answered in the order sent, after every change posted before them.
 */
import { Worker } from 'node:worker_threads';
import type { LangDiagnostic } from '../../lib/protocol';
import { RequestError } from '../errors';
import { ChangeSignal } from './change-signal';
import type { LanguageQuery, LanguageWorkerMessage, LanguageWorkerOptions, LanguageWorkerReply } from './language-worker';

/** A workspace big enough to exceed this is checked partly, never at the cost of the server. */
const WORKER_HEAP_MB = 1536;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class LanguageClient {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private readonly signal = new ChangeSignal();
  private readonly worker: Worker;
  private exited = false;
  private closed = false;

  constructor(onDiagnostics: (path: string, diagnostics: LangDiagnostic[]) => void, onExit: (error: Error) => void) {
    this.worker = new Worker(new URL('./language-worker-entry.mjs', import.meta.url), {
      workerData: { changeSignal: this.signal.buffer } satisfies LanguageWorkerOptions,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    this.worker.on('message', (msg: LanguageWorkerReply) => {
      if (msg.type === 'diagnostics') return onDiagnostics(msg.path, msg.diagnostics);
      if (msg.type !== 'result' && msg.type !== 'error') return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.type === 'result') p.resolve(msg.value);
      else p.reject(msg.badRequest ? new RequestError(400, 'bad-request', msg.message) : new Error(msg.message));
    });
    const fail = (error: Error) => {
      if (this.exited) return;
      this.exited = true;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
      if (!this.closed) onExit(error);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`language worker exited with code ${code}`)));
  }

  load(files: { path: string; text: string }[]): void {
    this.post({ type: 'load', files });
  }

  set(path: string, text: string): void {
    this.post({ type: 'set', path, text });
  }

  remove(path: string): void {
    this.post({ type: 'remove', path });
  }

  focus(path: string): void {
    this.worker.postMessage({ type: 'focus', path } satisfies LanguageWorkerMessage);
  }

  request<T>(query: LanguageQuery): Promise<T> {
    if (this.exited) return Promise.reject(new Error('the language worker is not running'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ type: 'request', id, query } satisfies LanguageWorkerMessage);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }

  private post(msg: LanguageWorkerMessage): void {
    if (this.exited) return;
    this.signal.bump();
    this.worker.postMessage(msg);
  }
}
