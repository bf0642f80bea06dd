/**
 * The main thread's handle on a model worker thread. Each request takes an AbortSignal; aborting
 * tells the worker, which stops within one decode step, and rejects the promise with AbortError.
 */
import { Worker } from 'node:worker_threads';
import type { ApplyResult } from './apply/apply-edit';
import type { CompletionResult, PartialCompletion } from './completion/complete-at-cursor';
import type { ContextSnippet } from './prompt/context-snippets';
import type { ModelSource } from './runtime/model-source';
import type { ScoreResult } from './runtime/score';
import type { WorkerOptions, WorkerReply, WorkerRequest } from './model-worker';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; partial?: (v: PartialCompletion) => void; applyPartial?: (output: string) => void };

export interface ApplyOptions {
  signal?: AbortSignal;
  /** Token-by-token decoding without drafts (the baseline). */
  plain?: boolean;
  /** Receives the output so far (a growing prefix of the final output). */
  onPartial?: (output: string) => void;
}

export interface CompleteOptions {
  signal?: AbortSignal;
  maxTokens?: number;
  /** Confidence gate (see CompletionRequest.minLogProb). */
  minLogProb?: number;
  /** Receives the completion as it grows. */
  onPartial?: (partial: PartialCompletion) => void;
  /** Snippets of other open files for the prompt. */
  snippets?: ContextSnippet[];
}

export type { ApplyResult };

export class ModelClient {
  private nextId = 1;
  private pending = new Map<number, Pending>();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: WorkerReply) => {
      if (msg.type !== 'result' && msg.type !== 'error' && msg.type !== 'partial' && msg.type !== 'apply-partial') return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.type === 'apply-partial') return p.applyPartial?.(msg.output);
      if (msg.type === 'partial') return p.partial?.(msg.value);
      this.pending.delete(msg.id);
      if (msg.type === 'result') p.resolve(msg.value);
      else {
        const error = new Error(msg.message);
        if (msg.aborted) error.name = 'AbortError';
        p.reject(error);
      }
    });
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', (code) => this.failAll(new Error(`model worker exited with code ${code}`)));
  }

  /** Starts a worker and resolves once its model is loaded. */
  static start(source: ModelSource, shared: Omit<WorkerOptions, 'source'> = {}): Promise<ModelClient> {
    const worker = new Worker(new URL('./model-worker-entry.mjs', import.meta.url), { workerData: { source, ...shared } satisfies WorkerOptions });
    return new Promise((resolve, reject) => {
      const onMessage = (msg: WorkerReply) => {
        if (msg.type === 'ready') {
          worker.off('message', onMessage);
          resolve(new ModelClient(worker));
        } else if (msg.type === 'load-error') {
          void worker.terminate();
          reject(new Error(`model failed to load: ${msg.message}`));
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  }

  complete(prefix: string, suffix: string, options: CompleteOptions = {}): Promise<CompletionResult> {
    const { signal, maxTokens, minLogProb, onPartial, snippets } = options;
    return this.request({ type: 'complete', prefix, suffix, snippets, maxTokens, minLogProb, stream: Boolean(onPartial) }, signal, onPartial) as Promise<CompletionResult>;
  }

  /** Sketch + file -> updated file (see workers/apply/apply-edit.ts); bad input rejects with a readable message. */
  apply(original: string, sketch: string, options: ApplyOptions = {}): Promise<ApplyResult> {
    const { signal, plain, onPartial } = options;
    return this.request({ type: 'apply', original, sketch, plain, stream: Boolean(onPartial) }, signal, undefined, onPartial) as Promise<ApplyResult>;
  }

  score(texts: string[], window: number, signal?: AbortSignal): Promise<ScoreResult> {
    return this.request({ type: 'score', texts, window }, signal) as Promise<ScoreResult>;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private request(
    body: DistributiveOmit<WorkerRequest, 'id'>,
    signal?: AbortSignal,
    partial?: (v: PartialCompletion) => void,
    applyPartial?: (output: string) => void,
  ): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        const e = new Error('aborted');
        e.name = 'AbortError';
        return reject(e);
      }
      this.pending.set(id, { resolve, reject, partial, applyPartial });
      signal?.addEventListener('abort', () => this.worker.postMessage({ type: 'cancel', id } satisfies WorkerRequest), { once: true });
      this.worker.postMessage({ ...body, id } as WorkerRequest);
    });
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
