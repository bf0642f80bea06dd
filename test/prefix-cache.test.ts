import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { blockKeys } from '../workers/prefix-cache/block-keys';
import { MemoryBlockStore, type BlockStore } from '../workers/prefix-cache/block-store';
import { PrefixCache } from '../workers/prefix-cache/prefix-cache';
import { RedisBlockStore } from '../workers/prefix-cache/redis-block-store';
import { CausalLm } from '../workers/runtime/causal-lm';
import { modelSourceFor } from '../workers/runtime/model-source';
import { redisUrl } from './support/redis';

describe('prefix cache block keys', () => {
  const tokens = Array.from({ length: 70 }, (_, i) => (i * 7) % 50);
  it('chains each key from its parent, so a key names the whole prefix', () => {
    const a = blockKeys(tokens, 16, 'm');
    assert.equal(a.length, 4, 'only full blocks get keys');
    const edited = [...tokens];
    edited[40] = 999;
    const b = blockKeys(edited, 16, 'm');
    assert.deepEqual(b.slice(0, 2), a.slice(0, 2));
    assert.notEqual(b[2], a[2]);
    assert.notEqual(b[3], a[3], 'every later key changes too');
  });
  it('separates models', () => {
    assert.notEqual(blockKeys(tokens, 16, 'model-a')[0], blockKeys(tokens, 16, 'model-b')[0]);
  });
});

const stores: [string, () => Promise<BlockStore & { close?: () => Promise<void> }>][] = [
  ['memory', async () => new MemoryBlockStore(1 << 20)],
  ['redis', async () => RedisBlockStore.connect(await redisUrl(), { prefix: `lookahead-test-${randomBytes(4).toString('hex')}:`, ttlMs: 60_000, maxBytesPerTtl: 1 << 20 })],
];

for (const [name, make] of stores) {
  describe(`block store contract: ${name}`, () => {
    let store: BlockStore & { close?: () => Promise<void> };
    before(async () => {
      store = await make();
    });
    after(() => store.close?.());

    it('returns stored binary values intact and null for missing keys, in key order', async () => {
      const v = new Uint8Array(randomBytes(4096));
      await store.set('k1', v);
      await store.set('k2', new Uint8Array([0, 255, 10]));
      const got = await store.getMany(['k2', 'missing', 'k1']);
      assert.deepEqual(got[0], new Uint8Array([0, 255, 10]));
      assert.equal(got[1], null);
      assert.deepEqual(got[2], v);
      assert.deepEqual(await store.getMany([]), []);
    });
  });
}

describe('block store limits', () => {
  it('memory: evicts the least recently used blocks beyond its byte budget', async () => {
    const store = new MemoryBlockStore(3000);
    for (const k of ['a', 'b', 'c']) await store.set(k, new Uint8Array(1000));
    await store.getMany(['a']); // a is now the most recently used
    await store.set('d', new Uint8Array(1000));
    const [a, b, c, d] = await store.getMany(['a', 'b', 'c', 'd']);
    assert.ok(a && c && d);
    assert.equal(b, null);
    assert.ok(store.size.bytes <= 3000);
  });

  it('redis: skips writes over its byte budget per TTL period', async () => {
    let now = 0;
    const store = await RedisBlockStore.connect(await redisUrl(), { prefix: `lookahead-test-${randomBytes(4).toString('hex')}:`, ttlMs: 1000, maxBytesPerTtl: 2500, now: () => now });
    for (const k of ['a', 'b', 'c']) await store.set(k, new Uint8Array(1000));
    assert.deepEqual((await store.getMany(['a', 'b', 'c'])).map(Boolean), [true, true, false]);
    now = 1000; // a new period
    await store.set('c', new Uint8Array(1000));
    assert.ok((await store.getMany(['c']))[0]);
    await store.close();
  });

  it('redis: an outage turns reads into misses and writes into no-ops, never errors', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    try {
      let store: RedisBlockStore | null = null;
      for (let i = 0; i < 50 && !store; i++) {
        store = await RedisBlockStore.connect(`redis://127.0.0.1:${port}`, { prefix: 't:', ttlMs: 60_000, maxBytesPerTtl: 1 << 20 }).catch(() => null);
        if (!store) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(store);
      await store.set('x', new Uint8Array([1]));
      assert.ok((await store.getMany(['x']))[0]);
      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(await store.getMany(['x', 'y']), [null, null]);
      await store.set('z', new Uint8Array([2]));
      await store.close();
    } finally {
      server.kill('SIGKILL');
    }
  });
});

describe('prefix cache with the shipped model', () => {
  let lm: CausalLm;
  before(async () => {
    lm = await CausalLm.load(modelSourceFor('tab'));
  });

  const text = Array.from({ length: 12 }, (_, i) => `export function step${i}(value) {\n  return value * ${i} + offset;\n}\n`).join('');

  it('continuing from a cached prefix gives the same logits as recomputing the prompt', async () => {
    const cache = new PrefixCache(lm.shape, 'test-model', [new MemoryBlockStore(64 << 20)]);
    const tokens = [lm.special.eos, ...lm.encode(text)];
    const cold = await cache.lookup(tokens);
    assert.equal(cold.length, 0);
    const full = await lm.forward(tokens, lm.emptyCache());
    await cache.store(tokens, full.cache);
    // One keystroke later: a character appended at the end.
    const next = [...tokens, ...lm.encode(' ')];
    const hit = await cache.lookup(next);
    assert.equal(hit.length, Math.floor((tokens.length) / 16) * 16);
    assert.ok(hit.length >= 64);
    const rest = await lm.forward(next.slice(hit.length), hit.cache);
    const recompute = await lm.forward(next, lm.emptyCache());
    const a = rest.logits.subarray(rest.logits.length - lm.vocabSize);
    const b = recompute.logits.subarray(recompute.logits.length - lm.vocabSize);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
    assert.ok(diff < 1e-3, `max logit difference ${diff}`);
  });

  it('finds blocks in the slower tier and copies them into the faster one', async () => {
    const fast = new MemoryBlockStore(64 << 20);
    const slow = new MemoryBlockStore(64 << 20);
    const tokens = [lm.special.eos, ...lm.encode(text)];
    const full = await lm.forward(tokens, lm.emptyCache());
    await new PrefixCache(lm.shape, 'm', [slow]).store(tokens, full.cache);
    const cache = new PrefixCache(lm.shape, 'm', [fast, slow]);
    const hit = await cache.lookup(tokens);
    assert.deepEqual(hit.blocksByTier, [0, Math.floor((tokens.length - 1) / 16)]);
    const again = await cache.lookup(tokens);
    assert.equal(again.blocksByTier[0], hit.length / 16);
  });
});
