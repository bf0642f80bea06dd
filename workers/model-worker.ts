/**
 * A worker thread that owns one model and serves requests from the main thread, so inference
 * never blocks the socket server's event loop. Messages:
 *   in:  {type:'complete', id, prefix, suffix} | {type:'score', id, texts} | {type:'cancel', id}
 *   out: {type:'ready'} | {type:'result', id, value} | {type:'error', id, message, aborted}
 * A cancelled request stops within one decode step.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { completeAtCursor } from './completion/complete-at-cursor';
import { AbortedError, CausalLm } from './runtime/causal-lm';
import type { ModelSource } from './runtime/model-source';
import { scoreTexts } from './runtime/score';

export type WorkerRequest =
  | { type: 'complete'; id: number; prefix: string; suffix: string; maxTokens?: number }
  | { type: 'score'; id: number; texts: string[]; window: number }
  | { type: 'cancel'; id: number };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'load-error'; message: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string; aborted: boolean };

const port = parentPort!;
const source = (workerData as { source: ModelSource }).source;
const running = new Map<number, AbortController>();

CausalLm.load(source).then(
  (lm) => {
    port.on('message', (msg: WorkerRequest) => {
      if (msg.type === 'cancel') {
        running.get(msg.id)?.abort();
        return;
      }
      const controller = new AbortController();
      running.set(msg.id, controller);
      const work =
        msg.type === 'complete'
          ? completeAtCursor(lm, { prefix: msg.prefix, suffix: msg.suffix, maxTokens: msg.maxTokens, signal: controller.signal })
          : scoreTexts(lm, msg.texts, msg.window, controller.signal);
      work.then(
        (value) => port.postMessage({ type: 'result', id: msg.id, value } satisfies WorkerReply),
        (e: unknown) =>
          port.postMessage({ type: 'error', id: msg.id, message: (e as Error).message, aborted: e instanceof AbortedError } satisfies WorkerReply),
      ).finally(() => running.delete(msg.id));
    });
    port.postMessage({ type: 'ready' } satisfies WorkerReply);
  },
  (e: unknown) => port.postMessage({ type: 'load-error', message: (e as Error).message } satisfies WorkerReply),
);
