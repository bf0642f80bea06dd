import { createClient, RESP_TYPES } from 'redis';
import type { Backplane } from './backplane';

type Client = ReturnType<typeof createClient>;

/**
 * The backplane of scaled mode. One connection publishes and stores keys, a second one
 * subscribes (a subscribed Redis connection can do nothing else). Messages and values are binary.
 * While Redis is down, operations fail fast and the clients reconnect on their own; callers
 * treat the backplane as best effort for anything that also lives in the process.
 */
export class RedisBackplane implements Backplane {
  readonly kind = 'redis' as const;
  private reconnectListeners: (() => void)[] = [];
  private extraClients: Client[] = [];

  private constructor(
    readonly client: Client,
    private readonly subscriber: Client,
    private readonly prefix: string,
  ) {
    // After the first connection, "ready" means Redis came back; both connections must be up
    // (the subscriber resubscribes on its own) before a resync can be published.
    const ready = () => {
      if (this.client.isReady && this.subscriber.isReady) for (const listener of this.reconnectListeners) listener();
    };
    client.on('ready', ready);
    subscriber.on('ready', ready);
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /**
   * A connection for socket.io's Redis streams adapter. Unlike the backplane's own, its commands
   * wait for Redis to come back instead of failing at once: the adapter retries a failed stream
   * read immediately, which against a fail-fast connection spins and starves the event loop.
   */
  async streamsClient(): Promise<Client> {
    const client = this.client.duplicate({ disableOfflineQueue: false });
    client.on('error', () => {});
    await client.connect();
    this.extraClients.push(client);
    return client;
  }

  static async connect(url: string, prefix = 'lookahead:'): Promise<RedisBackplane> {
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000), connectTimeout: 2000 },
    });
    const subscriber = client.duplicate();
    for (const c of [client, subscriber]) c.on('error', () => {});
    await client.connect();
    await subscriber.connect();
    return new RedisBackplane(client, subscriber, prefix);
  }

  private bytes() {
    return this.client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  }

  async publish(channel: string, message: Uint8Array): Promise<void> {
    await this.client.publish(this.prefix + channel, Buffer.from(message.buffer, message.byteOffset, message.byteLength));
  }

  async subscribe(channel: string, handler: (message: Uint8Array) => void): Promise<() => Promise<void>> {
    const listener = (message: Buffer) => handler(new Uint8Array(message));
    await this.subscriber.subscribe(this.prefix + channel, listener, true);
    return async () => {
      await this.subscriber.unsubscribe(this.prefix + channel, listener, true).catch(() => {});
    };
  }

  async get(key: string): Promise<Uint8Array | null> {
    const value = await this.bytes().get(this.prefix + key);
    return value ? new Uint8Array(value as unknown as Buffer) : null;
  }

  async set(key: string, value: Uint8Array, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0)) throw new RangeError('ttlMs must be positive');
    await this.client.set(this.prefix + key, Buffer.from(value.buffer, value.byteOffset, value.byteLength), { PX: Math.ceil(ttlMs) });
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    if (!(ttlMs > 0)) throw new RangeError('ttlMs must be positive');
    const [value] = await this.client.multi().incr(this.prefix + key).pExpire(this.prefix + key, Math.ceil(ttlMs)).exec();
    return Number(value);
  }

  healthy(): boolean {
    return this.client.isReady && this.subscriber.isReady;
  }

  async close(): Promise<void> {
    // A graceful close waits for Redis to answer; with Redis gone, drop the connections instead.
    for (const c of [...this.extraClients, this.subscriber, this.client]) {
      if (c.isReady) await c.close().catch(() => c.destroy());
      else c.destroy();
    }
  }
}
