/** Where prefix-cache blocks live: in process (LRU by bytes) and/or in Redis, shared by workers. */
export interface BlockStore {
  /** Values for `keys`, null where missing. Never throws for an unreachable backend: misses instead. */
  getMany(keys: readonly string[]): Promise<(Uint8Array | null)[]>;
  /** Best effort: a failed write is a future miss, not an error. */
  set(key: string, value: Uint8Array): Promise<void>;
}

/** In-process blocks, least recently used evicted first once `maxBytes` is exceeded. */
export class MemoryBlockStore implements BlockStore {
  private entries = new Map<string, Uint8Array>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  async getMany(keys: readonly string[]): Promise<(Uint8Array | null)[]> {
    return keys.map((key) => {
      const value = this.entries.get(key);
      if (!value) return null;
      this.entries.delete(key);
      this.entries.set(key, value);
      return value;
    });
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    if (value.byteLength > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.byteLength;
      this.entries.delete(key);
    }
    this.entries.set(key, value);
    this.bytes += value.byteLength;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.byteLength;
    }
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
