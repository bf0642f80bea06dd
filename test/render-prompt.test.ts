import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { CausalLm } from '../workers/runtime/causal-lm';
import { modelSourceFor } from '../workers/runtime/model-source';
import { cachedEncoder, PromptOverflowError, renderPrompt, splitLines, type PromptPiece } from '../workers/prompt/render-prompt';
import { runSeed, seededRandom } from './support/random';

describe('prompt rendering', () => {
  let lm: CausalLm;
  before(async () => {
    lm = await CausalLm.load(modelSourceFor('tab'));
  });

  // Lines around a cursor: the cursor line is required, others lose priority with distance.
  const source = Array.from({ length: 60 }, (_, i) => `  const value${i} = compute(${i}, "x".repeat(${i % 7}));`).join('\n');
  const pieces = (cursorLine: number): PromptPiece[] =>
    splitLines(source).map((text, i) => ({ text, priority: 1000 - Math.abs(i - cursorLine), required: i === cursorLine }));

  it('fits the budget exactly: the next priority level would overflow it', () => {
    const encode = (t: string) => lm.encode(t);
    for (const budget of [40, 100, 333, 10_000]) {
      const ps = pieces(30);
      const r = renderPrompt(ps, budget, encode);
      assert.ok(r.tokens.length <= budget, `${r.tokens.length} > ${budget}`);
      const next = Math.max(...ps.filter((p) => !p.required && p.priority < r.cutoff).map((p) => p.priority), -Infinity);
      if (Number.isFinite(next)) {
        const wider = ps.filter((p) => p.required || p.priority >= next).reduce((n, p) => n + encode(p.text).length, 0);
        assert.ok(wider > budget, 'a lower cutoff would still have fit');
      } else {
        assert.equal(r.kept.length, ps.length, 'everything fits');
      }
    }
  });

  it('keeps the cursor line and centres the kept lines on it', () => {
    const r = renderPrompt(pieces(30), 150, (t) => lm.encode(t));
    assert.ok(r.kept.includes(30));
    const above = r.kept.filter((i) => i < 30).length;
    const below = r.kept.filter((i) => i > 30).length;
    assert.ok(Math.abs(above - below) <= 1, `${above} above, ${below} below`);
    for (let i = Math.min(...r.kept); i <= Math.max(...r.kept); i++) assert.ok(r.kept.includes(i), 'a contiguous window');
  });

  it('is deterministic', () => {
    const a = renderPrompt(pieces(10), 200, (t) => lm.encode(t));
    const b = renderPrompt(pieces(10), 200, cachedEncoder((t) => lm.encode(t)));
    assert.deepEqual(a, b);
  });

  it('refuses a budget smaller than the required pieces', () => {
    assert.throws(() => renderPrompt(pieces(5), 3, (t) => lm.encode(t)), PromptOverflowError);
  });

  for (const seed of [3, 99, runSeed()]) {
    it(`line pieces tokenize exactly like the whole text (seed ${seed})`, () => {
      const rand = seededRandom(seed);
      const parts = ['  ', '\n', '\n\n', 'foo', ' bar', '\t', '();', '// é', '  \n', '=>', '123', '"s"'];
      for (let n = 0; n < 200; n++) {
        let text = '';
        for (let k = 0; k < 12; k++) text += parts[Math.floor(rand() * parts.length)];
        const whole = lm.encode(text);
        const joined = splitLines(text).flatMap((t) => lm.encode(t));
        assert.deepEqual(joined, whole, `seed ${seed}: ${JSON.stringify(text)}`);
        assert.equal(splitLines(text).join(''), text);
      }
    });
  }
});
