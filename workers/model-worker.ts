/**
 * A worker thread that owns one model and serves requests from the main thread, so inference
 * never blocks the socket server's event loop. Messages:
 *   in:  {type:'complete', id, prefix, suffix, minLogProb?, stream?} | {type:'score', id, texts}
 *        | {type:'apply', id, original, sketch, plain?, stream?} | {type:'cancel', id}
 *   out: {type:'ready'} | {type:'partial', id, value} | {type:'apply-partial', id, output}
 *        | {type:'result', id, value} | {type:'error', id, message, aborted}
 * A cancelled request stops within one decode step.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { completeAtCursor, type CompletionContext, type PartialCompletion } from './completion/complete-at-cursor';
import { MemoryBlockStore, type BlockStore } from './prefix-cache/block-store';
import { PrefixCache } from './prefix-cache/prefix-cache';
import { RedisBlockStore } from './prefix-cache/redis-block-store';
import type { ContextSnippet } from './prompt/context-snippets';
import { cachedEncoder } from './prompt/render-prompt';
import { applyEdit } from './apply/apply-edit';
import { AbortedError, CausalLm } from './runtime/causal-lm';
import type { ModelSource } from './runtime/model-source';
import { scoreTexts } from './runtime/score';

/** In-process prefix cache: a few hundred prompts' worth of KV blocks for this model. */
const MEMORY_CACHE_BYTES = 256 * 1024 * 1024;
/** Shared tier: blocks live ten minutes; each worker writes at most 1 GiB per period. */
const REDIS_CACHE_TTL_MS = 10 * 60 * 1000;
const REDIS_CACHE_BYTES_PER_TTL = 1024 * 1024 * 1024;

export interface WorkerOptions {
  source: ModelSource;
  /** Set in scaled mode: the prefix cache gets a shared Redis tier. */
  redisUrl?: string | null;
  redisPrefix?: string;
}

export type WorkerRequest =
  | { type: 'complete'; id: number; prefix: string; suffix: string; snippets?: ContextSnippet[]; maxTokens?: number; minLogProb?: number; stream?: boolean }
  | { type: 'score'; id: number; texts: string[]; window: number }
  | { type: 'apply'; id: number; original: string; sketch: string; plain?: boolean; stream?: boolean }
  | { type: 'cancel'; id: number };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'load-error'; message: string }
  | { type: 'partial'; id: number; value: PartialCompletion }
  | { type: 'apply-partial'; id: number; output: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string; aborted: boolean };

const port = parentPort!;
const options = workerData as WorkerOptions;
const running = new Map<number, AbortController>();

async function start(): Promise<{ lm: CausalLm; context: CompletionContext }> {
  const lm = await CausalLm.load(options.source);
  const tiers: BlockStore[] = [new MemoryBlockStore(MEMORY_CACHE_BYTES)];
  if (options.redisUrl) {
    const shared = await RedisBlockStore.connect(options.redisUrl, {
      prefix: `${options.redisPrefix ?? 'lookahead:'}kv:`,
      ttlMs: REDIS_CACHE_TTL_MS,
      maxBytesPerTtl: REDIS_CACHE_BYTES_PER_TTL,
    }).catch(() => null); // Redis down at start: in-process cache only.
    if (shared) tiers.push(shared);
  }
  const namespace = JSON.stringify(options.source);
  return { lm, context: { prefixCache: new PrefixCache(lm.shape, namespace, tiers), encode: cachedEncoder((t) => lm.encode(t)) } };
}

start().then(
  ({ lm, context }) => {
    port.on('message', (msg: WorkerRequest) => {
      if (msg.type === 'cancel') {
        running.get(msg.id)?.abort();
        return;
      }
      const controller = new AbortController();
      running.set(msg.id, controller);
      const onPartial = (value: PartialCompletion) => port.postMessage({ type: 'partial', id: msg.id, value } satisfies WorkerReply);
      const onApplyPartial = (output: string) => port.postMessage({ type: 'apply-partial', id: msg.id, output } satisfies WorkerReply);
      const work =
        msg.type === 'complete'
          ? completeAtCursor(
              lm,
              { prefix: msg.prefix, suffix: msg.suffix, snippets: msg.snippets, maxTokens: msg.maxTokens, minLogProb: msg.minLogProb, onPartial: msg.stream ? onPartial : undefined, signal: controller.signal },
              context,
            )
          : msg.type === 'apply'
            ? applyEdit(lm, { original: msg.original, sketch: msg.sketch, plain: msg.plain, signal: controller.signal, onPartial: msg.stream ? onApplyPartial : undefined })
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
