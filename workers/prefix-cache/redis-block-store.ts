import { createClient, RESP_TYPES } from 'redis';
import type { BlockStore } from './block-store';

type Client = ReturnType<typeof createClient>;

export interface RedisBlockStoreOptions {
  /** Key prefix, shared by all workers of one deployment. */
  prefix: string;
  /** Blocks expire after this long unused by any writer (they are rewritten on reuse misses). */
  ttlMs: number;
  /**
   * Bytes this process may write per TTL period: with N workers Redis holds at most N times this
   * much cache, whatever the traffic. Writes over budget are skipped (a later miss, not an error).
   */
  maxBytesPerTtl: number;
  now?: () => number;
}

/**
 * The shared tier of the prefix cache. While Redis is unreachable, reads are misses and writes are
 * skipped: the cost is recomputation, never an error.
 */
export class RedisBlockStore implements BlockStore {
  private windowStart: number;
  private windowBytes = 0;
  private readonly now: () => number;

  private constructor(
    private readonly client: Client,
    private readonly options: RedisBlockStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.windowStart = this.now();
  }

  static async connect(url: string, options: RedisBlockStoreOptions): Promise<RedisBlockStore> {
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000), connectTimeout: 2000 },
    });
    client.on('error', () => {});
    await client.connect();
    return new RedisBlockStore(client, options);
  }

  async getMany(keys: readonly string[]): Promise<(Uint8Array | null)[]> {
    if (keys.length === 0) return [];
    if (!this.client.isReady) return keys.map(() => null);
    try {
      const values = (await this.client
        .withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer })
        .mGet(keys.map((k) => this.options.prefix + k))) as unknown as (Buffer | null)[];
      return values.map((v) => (v ? new Uint8Array(v) : null));
    } catch {
      return keys.map(() => null);
    }
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    const now = this.now();
    if (now - this.windowStart >= this.options.ttlMs) {
      this.windowStart = now;
      this.windowBytes = 0;
    }
    if (this.windowBytes + value.byteLength > this.options.maxBytesPerTtl || !this.client.isReady) return;
    this.windowBytes += value.byteLength;
    try {
      await this.client.set(this.options.prefix + key, Buffer.from(value.buffer, value.byteOffset, value.byteLength), { PX: this.options.ttlMs });
    } catch {
      // Unreachable Redis: this block will be recomputed next time.
    }
  }

  async close(): Promise<void> {
    // A graceful close waits for Redis to answer; with Redis gone, drop the connection instead.
    if (this.client.isReady) await this.client.close().catch(() => this.client.destroy());
    else this.client.destroy();
  }
}
