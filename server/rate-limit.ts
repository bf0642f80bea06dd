/**
 * A fixed-window limit per key (a client address): at most `limit` attempts per `windowMs`.
 * Guards the share-link exchange, so tokens cannot be guessed at speed. Per process: with several
 * web nodes each enforces its own window, which still bounds guessing by a small factor.
 */
export class RateLimit {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts an attempt; false when the key is over its limit for the current window. */
  allow(key: string): boolean {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
      // Forget finished windows now and then, so the map stays as small as the set of active clients.
      if (this.windows.size > 10_000) for (const [k, v] of this.windows) if (now - v.start >= this.windowMs) this.windows.delete(k);
    }
    w.count++;
    return w.count <= this.limit;
  }
}
