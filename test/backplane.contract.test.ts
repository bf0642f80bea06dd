/** One contract, every backend: what server processes share must behave the same in memory and in Redis. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Backplane } from '../server/backplane/backplane';
import { MemoryBackplane } from '../server/backplane/memory-backplane';
import { RedisBackplane } from '../server/backplane/redis-backplane';
import { redisUrl } from './support/redis';

const backends: [string, () => Promise<[Backplane, Backplane]>][] = [
  [
    'memory',
    async () => {
      const shared = new MemoryBackplane();
      return [shared, shared];
    },
  ],
  [
    'redis',
    async () => {
      const url = await redisUrl();
      const prefix = `lookahead-contract-${randomBytes(4).toString('hex')}:`;
      return [await RedisBackplane.connect(url, prefix), await RedisBackplane.connect(url, prefix)];
    },
  ],
];

function collect(bp: Backplane, channel: string) {
  const got: Uint8Array[] = [];
  let wake: (() => void) | null = null;
  const ready = bp.subscribe(channel, (m) => {
    got.push(m);
    wake?.();
  });
  return {
    got,
    ready,
    async until(n: number, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (got.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} messages, got ${got.length}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
      return got;
    },
  };
}

for (const [name, make] of backends) {
  describe(`backplane contract: ${name}`, () => {
    let a: Backplane;
    let b: Backplane;
    before(async () => {
      [a, b] = await make();
    });
    after(async () => {
      await a.close();
      if (b !== a) await b.close();
    });

    it(`reports its kind (${name}) and is healthy`, () => {
      assert.equal(a.kind, name);
      assert.equal(a.healthy(), true);
    });

    it('delivers binary messages intact, in publish order, to every subscriber of every process', async () => {
      const one = collect(a, 'ch-order');
      const two = collect(b, 'ch-order');
      await Promise.all([one.ready, two.ready]);
      const sent = Array.from({ length: 20 }, (_, i) => new Uint8Array([i, 0, 255, 10, 13, i * 7]));
      for (const m of sent) await a.publish('ch-order', m);
      for (const c of [one, two]) assert.deepEqual((await c.until(20)).map((m) => [...m]), sent.map((m) => [...m]));
    });

    it('keeps channels apart', async () => {
      const x = collect(b, 'ch-x');
      const y = collect(b, 'ch-y');
      await Promise.all([x.ready, y.ready]);
      await a.publish('ch-x', new Uint8Array([1]));
      await x.until(1);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(y.got.length, 0);
    });

    it('stops delivering after unsubscribe', async () => {
      const got: Uint8Array[] = [];
      const stop = await b.subscribe('ch-stop', (m) => got.push(m));
      const keep = collect(b, 'ch-stop');
      await keep.ready;
      await stop();
      await a.publish('ch-stop', new Uint8Array([9]));
      await keep.until(1);
      assert.equal(got.length, 0);
    });

    it('stores binary values shared across processes, with expiry and deletion', async () => {
      const value = new Uint8Array(randomBytes(1000));
      await a.set('k1', value, 60_000);
      assert.deepEqual(await b.get('k1'), value);
      await a.set('k-short', new Uint8Array([1]), 50);
      await new Promise((r) => setTimeout(r, 120));
      assert.equal(await b.get('k-short'), null);
      await b.delete('k1');
      assert.equal(await a.get('k1'), null);
      assert.equal(await a.get('never-set'), null);
    });

    it('counts atomically across processes, and forgets a counter after its time to live', async () => {
      const key = `count-${randomBytes(4).toString('hex')}`;
      const got = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).increment(key, 60_000)));
      assert.deepEqual([...got].sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      await a.increment('count-short', 50);
      await new Promise((r) => setTimeout(r, 120));
      assert.equal(await b.increment('count-short', 50), 1);
      await assert.rejects(a.increment(key, 0), RangeError);
    });

    it('refuses a non-positive time to live', async () => {
      await assert.rejects(a.set('k', new Uint8Array([1]), 0), RangeError);
    });
  });
}
