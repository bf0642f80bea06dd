/**
 * Decoding on top of CausalLm: greedy step-by-step generation (streamed as an async iterator,
 * cancellable between steps) and verification of draft tokens in one forward pass, the building
 * block of speculative edits.
 */
import { AbortedError, argmax, type CausalLm } from './causal-lm';
import type { KvCache } from './kv-cache';

export interface DecodeState {
  cache: KvCache;
  /** Logits predicting the token after the cache. */
  lastLogits: Float32Array;
}

export interface DecodeOptions {
  maxTokens: number;
  signal?: AbortSignal;
  /** Chooses the next token from the logits (greedy by default). */
  pick?: (logits: Float32Array, generated: readonly number[]) => number;
  /** Stops before emitting `token` when it returns true. */
  stopBefore?: (token: number, generated: readonly number[]) => boolean;
}

/**
 * Yields generated tokens one by one. Aborting the signal stops within one decode step (the
 * running forward pass finishes, nothing after it starts). `state` is updated as tokens are fed.
 */
export async function* decodeTokens(lm: CausalLm, state: DecodeState, opts: DecodeOptions): AsyncGenerator<number> {
  const generated: number[] = [];
  const pick = opts.pick ?? ((logits) => argmax(logits));
  while (generated.length < opts.maxTokens) {
    if (opts.signal?.aborted) throw new AbortedError();
    const token = pick(state.lastLogits, generated);
    if (token === lm.special.eos || opts.stopBefore?.(token, generated)) return;
    generated.push(token);
    yield token;
    if (generated.length >= opts.maxTokens) return;
    const out = await lm.forward([token], state.cache, opts.signal);
    state.cache = out.cache;
    state.lastLogits = out.logits;
  }
}

export interface Verification {
  /** How many draft tokens the model agrees with (greedy). */
  accepted: number;
  /** The model's own token after the accepted ones. */
  next: number;
  /** Cache covering the accepted draft tokens (not `next`). */
  cache: KvCache;
  /** Logits predicting the token after the accepted ones (these predict `next`). */
  lastLogits: Float32Array;
  forwardPasses: number;
}

/**
 * Checks K draft tokens in one forward pass: keeps the longest prefix greedy decoding would have
 * produced, plus the model's own next token; the cache is truncated to the accepted tokens. The
 * result is exactly what K greedy steps would give.
 */
export async function verifyDraft(lm: CausalLm, state: DecodeState, draft: readonly number[], signal?: AbortSignal): Promise<Verification> {
  const first = argmax(state.lastLogits);
  if (draft.length === 0 || first !== draft[0]) {
    return { accepted: 0, next: first, cache: state.cache, lastLogits: state.lastLogits, forwardPasses: 0 };
  }
  const out = await lm.forward(draft, state.cache, signal);
  let accepted = 1;
  while (accepted < draft.length && argmax(lm.row(out.logits, accepted - 1)) === draft[accepted]) accepted++;
  const lastLogits = lm.row(out.logits, accepted - 1).slice();
  return {
    accepted,
    next: argmax(lastLogits),
    cache: out.cache.truncate(state.cache.length + accepted),
    lastLogits,
    forwardPasses: 1,
  };
}
