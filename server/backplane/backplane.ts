/**
 * What server processes share. Embedded mode uses the in-memory implementation (one process);
 * scaled mode uses Redis so any number of web nodes and workers see the same messages and keys.
 * Both implementations pass the same contract suite (test/backplane.contract.test.ts).
 */
export interface Backplane {
  /** 'memory' or 'redis': reported by /api/health. */
  readonly kind: 'memory' | 'redis';
  /** Delivers `message` to every subscriber of `channel`, in every process, in publish order. */
  publish(channel: string, message: Uint8Array): Promise<void>;
  /** Resolves once the subscription is live; the returned function ends it. */
  subscribe(channel: string, handler: (message: Uint8Array) => void): Promise<() => Promise<void>>;
  /** Binary key-value entries with a time to live, shared by all processes. */
  get(key: string): Promise<Uint8Array | null>;
  set(key: string, value: Uint8Array, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Adds one to a counter shared by all processes and returns the new value (1 the first time);
   * the counter is forgotten `ttlMs` after its last increment. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** True while the shared store is reachable (always true in memory). */
  healthy(): boolean;
  /**
   * Calls `listener` each time the backplane is reachable again after an outage (never in memory):
   * messages published meanwhile are lost, so whoever relies on them resynchronises.
   */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}
