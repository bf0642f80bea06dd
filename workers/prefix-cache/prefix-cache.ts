/**
 * KV-cache reuse across requests keyed by token prefix (vLLM style): fixed-size blocks, each key
 * chained from its parent (block-keys.ts), looked up tier by tier (in process first, then Redis),
 * longest run of consecutive hits from the start wins. Continuing from a hit gives the same
 * logits as recomputing (test/prefix-cache.test.ts).
 */
import { KvCache, type KvShape } from '../runtime/kv-cache';
import { blockKeys } from './block-keys';
import type { BlockStore } from './block-store';

/** Tokens per block: small enough that an edit wastes little, large enough to keep keys few. */
export const BLOCK_TOKENS = 16;

export interface PrefixHit {
  /** Cache covering the first `length` tokens (empty when nothing was cached). */
  cache: KvCache;
  length: number;
  /** Blocks found per tier, for measurements. */
  blocksByTier: number[];
}

export class PrefixCache {
  constructor(
    private readonly shape: KvShape,
    /** A name for the model whose caches these are (its folder and dtype). */
    private readonly namespace: string,
    /** Fastest first. Hits in slower tiers are copied into the faster ones. */
    private readonly tiers: readonly BlockStore[],
    private readonly blockSize = BLOCK_TOKENS,
  ) {}

  /** The longest cached prefix of `tokens`, leaving at least one token to compute (its logits are needed). */
  async lookup(tokens: readonly number[]): Promise<PrefixHit> {
    const keys = blockKeys(tokens.slice(0, Math.max(0, tokens.length - 1)), this.blockSize, this.namespace);
    const found: (Uint8Array | null)[] = keys.map(() => null);
    const blocksByTier: number[] = [];
    let run = 0;
    for (let t = 0; t < this.tiers.length && run < keys.length; t++) {
      const values = await this.tiers[t].getMany(keys.slice(run));
      let n = 0;
      while (n < values.length && values[n]) {
        found[run + n] = values[n];
        n++;
      }
      blocksByTier.push(n);
      // Promote to the faster tiers.
      for (let f = 0; f < t; f++) for (let i = run; i < run + n; i++) await this.tiers[f].set(keys[i], found[i]!);
      run += n;
      if (n < values.length && t === this.tiers.length - 1) break;
    }
    if (run === 0) return { cache: KvCache.empty(this.shape), length: 0, blocksByTier };
    const cache = KvCache.fromSlices(this.shape, found.slice(0, run) as Uint8Array[], this.blockSize);
    return { cache, length: cache.length, blocksByTier };
  }

  /** Stores the full blocks `cache` covers, from block `fromBlock` on (earlier ones were hits). */
  async store(tokens: readonly number[], cache: KvCache, fromBlock = 0): Promise<void> {
    const keys = blockKeys(tokens.slice(0, cache.length), this.blockSize, this.namespace);
    for (let i = fromBlock; i < keys.length; i++) {
      const bytes = cache.sliceBytes(i * this.blockSize, (i + 1) * this.blockSize);
      for (const tier of this.tiers) await tier.set(keys[i], bytes);
    }
  }

  get blockTokens(): number {
    return this.blockSize;
  }
}
