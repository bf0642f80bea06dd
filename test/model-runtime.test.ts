/** The model runtime on the real shipped model (LOOKAHEAD_TAB_MODEL points elsewhere if set). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { completeAtCursor } from '../workers/completion/complete-at-cursor';
import { argmax, CausalLm, logSoftmax } from '../workers/runtime/causal-lm';
import { decodeTokens, verifyDraft, type DecodeState } from '../workers/runtime/decode';
import { KvCache } from '../workers/runtime/kv-cache';
import { modelSourceFor } from '../workers/runtime/model-source';
import { scoreTexts } from '../workers/runtime/score';
import { ModelClient } from '../workers/model-client';

const CODE = `export function debounce(fn, wait) {
  let timer = null;
  return function (...args) {
    clearTimeout(timer);
    timer = setTimeout(() => fn.apply(this, args), wait);
  };
}
`;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('model runtime', () => {
  let lm: CausalLm;
  let ids: number[];
  before(async () => {
    lm = await CausalLm.load(modelSourceFor('tab'));
    ids = [lm.special.eos, ...lm.encode(CODE)];
  });

  it('the confidence gate keeps only the confident start of a completion', async () => {
    const req = { prefix: CODE + CODE.slice(0, 60), suffix: '\n' };
    const free = await completeAtCursor(lm, req);
    assert.equal(free.gated, false);
    assert.ok(free.completion.length > 0);
    // No token is certain: a gate at log-probability 0 stops before the first one.
    const none = await completeAtCursor(lm, { ...req, minLogProb: 0 });
    assert.deepEqual([none.completion, none.gated, none.tokens], ['', true, 0]);
    // Any gate gives a start of the ungated completion, streamed in growing pieces.
    const partials: string[] = [];
    const gated = await completeAtCursor(lm, { ...req, minLogProb: -0.5, onPartial: (p) => partials.push(p.completion) });
    assert.ok(free.completion.startsWith(gated.completion), `${gated.completion} / ${free.completion}`);
    assert.ok(gated.minLogProb >= -0.5);
    if (gated.completion) assert.ok(partials.at(-1)!.startsWith(gated.completion));
    const open = await completeAtCursor(lm, { ...req, minLogProb: -Infinity });
    assert.equal(open.completion, free.completion);
  });

  it('tokenizes and decodes text losslessly', () => {
    assert.equal(lm.decode(ids), CODE);
    assert.equal(lm.decode([]), '', 'no tokens (an output deleted whole) is empty text');
  });

  it('never turns text that looks like a special token into one', () => {
    const tricky = lm.encode('a <|endoftext|> b <|fim_middle|>');
    for (const special of Object.values(lm.special)) assert.ok(!tricky.includes(special));
    assert.equal(lm.decode(tricky), 'a <|endoftext|> b <|fim_middle|>');
  });

  it('continuing from a cached prefix gives the same logits as recomputing', async () => {
    const full = await lm.forward(ids, lm.emptyCache());
    const split = 17;
    const first = await lm.forward(ids.slice(0, split), lm.emptyCache());
    const rest = await lm.forward(ids.slice(split), first.cache);
    assert.equal(rest.cache.length, ids.length);
    const tail = full.logits.subarray(split * lm.vocabSize);
    assert.ok(maxAbsDiff(tail, rest.logits) < 1e-3, `diff ${maxAbsDiff(tail, rest.logits)}`);
  });

  it('truncating a cache and extending it again matches a fresh computation', async () => {
    const full = await lm.forward(ids, lm.emptyCache());
    const truncated = full.cache.truncate(10);
    assert.equal(truncated.length, 10);
    assert.equal(full.cache.length, ids.length, 'the original cache is untouched');
    const again = await lm.forward(ids.slice(10, 20), truncated);
    assert.ok(maxAbsDiff(again.logits, full.logits.subarray(10 * lm.vocabSize, 20 * lm.vocabSize)) < 1e-3);
  });

  it('a rewound cache (unused positions kept) gives exactly what a truncated one gives, and so do its bytes', async () => {
    const full = await lm.forward(ids, lm.emptyCache());
    const rewound = full.cache.rewind(10);
    assert.equal(rewound.length, 10);
    assert.equal(rewound.slack, ids.length - 10);
    assert.equal(rewound.keys[0], full.cache.keys[0], 'rewinding copies nothing');
    const a = await lm.forward(ids.slice(10, 20), rewound);
    const b = await lm.forward(ids.slice(10, 20), full.cache.truncate(10));
    assert.equal(maxAbsDiff(a.logits, b.logits), 0);
    assert.equal(a.cache.length, 20);
    // Rewound again and extended: the unused positions pile up behind the covered ones.
    const twice = await lm.forward(ids.slice(12, 14), a.cache.rewind(12));
    const fresh = await lm.forward(ids.slice(0, 14), lm.emptyCache());
    assert.ok(maxAbsDiff(twice.logits, fresh.logits.subarray(12 * lm.vocabSize)) < 1e-3);
    assert.deepEqual(twice.cache.toBytes(), (await lm.forward(ids.slice(12, 14), b.cache.truncate(12))).cache.toBytes());
    assert.deepEqual(twice.cache.sliceBytes(4, 14), twice.cache.truncate(14).sliceBytes(4, 14));
    // Past the slack limit it copies, so a cache never holds many unused positions.
    assert.equal(full.cache.rewind(2, 8).slack, 0);
  });

  it('a cache survives a round trip through bytes', async () => {
    const { cache } = await lm.forward(ids.slice(0, 12), lm.emptyCache());
    const back = KvCache.fromBytes(cache.shape, cache.toBytes());
    assert.equal(back.length, 12);
    const a = await lm.forward([ids[12]], cache);
    const b = await lm.forward([ids[12]], back);
    assert.equal(maxAbsDiff(a.logits, b.logits), 0);
    assert.equal(cache.byteSize(), cache.toBytes().byteLength);
  });

  it('log-probabilities are normalised', async () => {
    const { logits } = await lm.forward(ids.slice(0, 5), lm.emptyCache());
    const lp = logSoftmax(lm.row(logits, 4));
    let sum = 0;
    for (const v of lp) sum += Math.exp(v);
    assert.ok(Math.abs(sum - 1) < 1e-4);
  });

  it('verifying K draft tokens in one pass agrees with K greedy steps', async () => {
    const prompt = ids.slice(0, 20);
    const start = await lm.prefill(prompt, lm.emptyCache());
    const greedy: number[] = [];
    const state: DecodeState = { cache: start.cache, lastLogits: start.lastLogits };
    for await (const t of decodeTokens(lm, state, { maxTokens: 12 })) greedy.push(t);
    assert.ok(greedy.length >= 2, 'the model continues code for more than a token');
    const all = await verifyDraft(lm, { cache: start.cache, lastLogits: start.lastLogits }, greedy);
    assert.equal(all.accepted, greedy.length);
    assert.equal(all.forwardPasses, 1);
    assert.equal(all.cache.length, prompt.length + greedy.length);
    const wrong = [...greedy];
    const at = Math.floor(greedy.length / 2);
    wrong[at] = (wrong[at] + 1) % lm.vocabSize;
    const partial = await verifyDraft(lm, { cache: start.cache, lastLogits: start.lastLogits }, wrong);
    assert.equal(partial.accepted, at);
    assert.equal(partial.next, greedy[at], "the model's own token replaces the first wrong one");
    assert.equal(partial.cache.length, prompt.length + at);
  });

  it('decoding streams token by token and an abort stops it within one step', async () => {
    const start = await lm.prefill(ids.slice(0, 10), lm.emptyCache());
    const controller = new AbortController();
    const state: DecodeState = { cache: start.cache, lastLogits: start.lastLogits };
    const seen: number[] = [];
    let forwards = 0;
    const counting = new Proxy(lm, {
      get(target, prop, receiver) {
        if (prop === 'forward') return (...a: Parameters<CausalLm['forward']>) => (forwards++, target.forward(...a));
        return Reflect.get(target, prop, receiver);
      },
    });
    await assert.rejects(async () => {
      for await (const t of decodeTokens(counting, state, { maxTokens: 50, signal: controller.signal, stopBefore: () => false, pick: (l) => (argmax(l) === lm.special.eos ? 5 : argmax(l)) })) {
        seen.push(t);
        if (seen.length === 3) controller.abort();
      }
    }, /abort/);
    assert.equal(seen.length, 3);
    assert.ok(forwards <= 3, `forward passes after abort: ${forwards}`);
  });

  it('scores text in bits per byte, with windows that cover every token once', async () => {
    const whole = await scoreTexts(lm, [CODE], 4096);
    const windowed = await scoreTexts(lm, [CODE], 16);
    assert.equal(whole.bytes, Buffer.byteLength(CODE));
    assert.ok(whole.bitsPerByte > 0 && Number.isFinite(whole.bitsPerByte));
    // Less context per token can only cost bits, and every token is counted exactly once.
    assert.ok(windowed.nats >= whole.nats * 0.95, `${windowed.nats} vs ${whole.nats}`);
    assert.deepEqual(await scoreTexts(lm, [], 64), { bytes: 0, nats: 0, bitsPerByte: 0 });
  });
});

describe('model worker thread', () => {
  let client: ModelClient;
  before(async () => {
    client = await ModelClient.start(modelSourceFor('tab'));
  });
  after(() => client.close());

  it('completes off the main thread: the event loop keeps ticking meanwhile', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const result = await client.complete('function add(a, b) {\n  return ', '\n}\n');
    clearInterval(timer);
    assert.equal(typeof result.completion, 'string');
    assert.ok(ticks > 0);
  });

  it('a cancelled request rejects with AbortError and the worker carries on', async () => {
    const controller = new AbortController();
    const pending = client.score([CODE.repeat(40)], 64, controller.signal);
    setTimeout(() => controller.abort(), 5);
    await assert.rejects(pending, (e: Error) => e.name === 'AbortError');
    const ok = await client.score([CODE], 256);
    assert.ok(ok.bitsPerByte > 0);
  });
});

describe('model configuration', () => {
  it('defaults to the shipped folder, 8-bit weights, one thread; reads dtype and threads per role', () => {
    const tab = modelSourceFor('tab', {});
    assert.equal(tab.kind, 'folder');
    assert.equal(tab.dtype, 'q8');
    assert.equal(tab.threads, 1);
    const apply = modelSourceFor('apply', { LOOKAHEAD_APPLY_DTYPE: 'fp32', LOOKAHEAD_APPLY_THREADS: '2' });
    assert.deepEqual([apply.dtype, apply.threads], ['fp32', 2]);
  });

  it('refuses bad settings with a message naming the variable', () => {
    assert.throws(() => modelSourceFor('tab', { LOOKAHEAD_TAB_DTYPE: 'fp8' }), /LOOKAHEAD_TAB_DTYPE/);
    for (const bad of ['0', '-1', '1.5', 'two', '65', '']) {
      assert.throws(() => modelSourceFor('tab', { LOOKAHEAD_TAB_THREADS: bad }), /LOOKAHEAD_TAB_THREADS/, bad);
    }
    assert.throws(() => modelSourceFor('tab', { LOOKAHEAD_TAB_MODEL: 'hub:org/name' }), /LOOKAHEAD_ALLOW_REMOTE_MODELS/);
    assert.throws(() => modelSourceFor('tab', { LOOKAHEAD_TAB_MODEL: '/nonexistent/folder' }), /no config\.json/);
  });
});
