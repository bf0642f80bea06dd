import type { Backplane } from './backplane';

/** The single-process backplane of embedded mode. Delivery is asynchronous, like Redis. */
export class MemoryBackplane implements Backplane {
  readonly kind = 'memory' as const;
  private channels = new Map<string, Set<(message: Uint8Array) => void>>();
  private entries = new Map<string, { value: Uint8Array; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async publish(channel: string, message: Uint8Array): Promise<void> {
    const copy = message.slice();
    const handlers = [...(this.channels.get(channel) ?? [])];
    queueMicrotask(() => {
      for (const handler of handlers) handler(copy);
    });
  }

  /** One process, no outages: nothing to resynchronise. */
  onReconnect(): void {}

  async subscribe(channel: string, handler: (message: Uint8Array) => void): Promise<() => Promise<void>> {
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    // Wrap so subscribing the same function twice gives two independent subscriptions.
    const entry = (message: Uint8Array) => handler(message);
    set.add(entry);
    return async () => {
      set.delete(entry);
      if (set.size === 0 && this.channels.get(channel) === set) this.channels.delete(channel);
    };
  }

  async get(key: string): Promise<Uint8Array | null> {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value.slice();
  }

  async set(key: string, value: Uint8Array, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0)) throw new RangeError('ttlMs must be positive');
    this.entries.set(key, { value: value.slice(), expiresAt: this.now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    if (!(ttlMs > 0)) throw new RangeError('ttlMs must be positive');
    // No await between reading and writing: concurrent increments never see the same value.
    const entry = this.entries.get(key);
    const current = entry && entry.expiresAt > this.now() ? new DataView(entry.value.buffer).getUint32(0) : 0;
    const value = new Uint8Array(4);
    new DataView(value.buffer).setUint32(0, current + 1);
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    return current + 1;
  }

  healthy(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.channels.clear();
    this.entries.clear();
  }
}
