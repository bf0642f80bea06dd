/** The character-level copy model that lets Tab repeat the file's own code. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CopyModel, mixWithCopy } from '../workers/completion/copy-model';
import { runSeed, seededRandom } from './support/random';

/** The definition, written the slow way: grow the match while it still occurs. */
function naive(source: string, exclude: number, context: string) {
  let best: { continuation: string; matchLength: number } | null = null;
  for (let n = 6; n <= Math.min(64, context.length); n++) {
    const tail = context.slice(-n);
    let end = -1;
    for (let at = source.lastIndexOf(tail); at >= 0; at = at > 0 ? source.lastIndexOf(tail, at - 1) : -1) {
      if (at + n !== exclude) {
        end = at + n;
        break;
      }
    }
    if (end < 0) break;
    best = { continuation: source.slice(end, end + 48), matchLength: n };
  }
  return best && best.continuation ? best : null;
}

describe('copy model', () => {
  it('proposes what followed the longest earlier occurrence of the text before the cursor', () => {
    const before = 'const total = items.reduce((sum, item) => sum + item.price, 0);\nconst count = items.reduce((sum, item) => ';
    const copy = new CopyModel(before + '\n', before.length);
    const p = copy.predict(before);
    assert.ok(p);
    assert.ok(p.continuation.startsWith('sum + item.price, 0);'), p.continuation);
    assert.ok(p.matchLength >= 20);
  });

  it('never proposes the code after the cursor as a repeat of itself, nor matches under six characters', () => {
    const before = 'unique_prefix_here';
    const copy = new CopyModel(before + ' tail', before.length);
    assert.equal(copy.predict(before), null);
    assert.equal(new CopyModel('abcde abcde', 11).predict('abcde'), null);
  });

  for (const seed of [5, 77, runSeed()]) {
    it(`finds the same match as growing it one character at a time (seed ${seed})`, () => {
      const rand = seededRandom(seed);
      const alphabet = ['a', 'b', 'ab', '(', ')', ' ', '\n', 'foo', 'bar.'];
      for (let k = 0; k < 300; k++) {
        let source = '';
        for (let i = 0; i < 80; i++) source += alphabet[Math.floor(rand() * alphabet.length)];
        const cut = Math.floor(rand() * source.length);
        const context = source.slice(0, cut);
        assert.deepEqual(new CopyModel(source, cut).predict(context), naive(source, cut, context), `seed ${seed}: ${JSON.stringify(source)} @${cut}`);
      }
    });
  }

  it('mixing moves probability to the longest token spelling the continuation', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const tokenBytes = [enc('s'), enc('su'), enc('sum'), enc('x'), enc('<|special|>'), enc('')];
    const logProbs = Float32Array.from([0.3, 0.1, 0.05, 0.5, 0.04, 0.01], Math.log);
    const out = mixWithCopy(logProbs, { continuation: 'sum + 1', matchLength: 30 }, tokenBytes, new Set([4]));
    assert.ok(out[2] > logProbs[2], 'the longest matching token gains');
    assert.ok(out[3] < logProbs[3], 'others lose');
    const total = out.reduce((a, v) => a + Math.exp(v), 0);
    assert.ok(Math.abs(total - 1) < 1e-5, 'still a distribution');
    assert.equal(mixWithCopy(logProbs, null, tokenBytes, new Set()), logProbs);
  });
});
