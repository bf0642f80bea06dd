/**
 * Apply on the real shipped apply model (LOOKAHEAD_APPLY_MODEL points elsewhere if set):
 * speculative edits give exactly what plain greedy decoding gives, long files go window by window,
 * bad input is refused before decoding, and a cancelled apply yields no result.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { APPLY_WINDOW_TOKENS, applyEdit, type ApplyResult } from '../workers/apply/apply-edit';
import { ApplyInputError } from '../workers/apply/apply-input';
import { AbortedError, argmax, CausalLm } from '../workers/runtime/causal-lm';
import { modelSourceFor } from '../workers/runtime/model-source';
import { ModelClient } from '../workers/model-client';
import { LineGuard } from '../workers/apply/line-guard';
import { decodeApply } from '../workers/apply/speculative-decode';
import { longSource } from './support/apply-samples';

const SERVICE = `export class UserService {
  constructor(db) {
    this.db = db;
    this.cache = new Map();
  }

  async getUser(id) {
    if (this.cache.has(id)) return this.cache.get(id);
    const user = await this.db.users.findById(id);
    this.cache.set(id, user);
    return user;
  }

  async deleteUser(id) {
    await this.db.users.delete(id);
    this.cache.delete(id);
  }
}
`;

const CASES = [
  {
    name: 'method added between elisions',
    original: SERVICE,
    sketch: `export class UserService {
  // ... existing code ...

  async deleteUser(id) {
    await this.db.users.delete(id);
    this.cache.delete(id);
  }

  clearCache() {
    this.cache.clear();
  }
}
`,
  },
  {
    name: 'one line changed, whole file',
    original: SERVICE,
    sketch: SERVICE.replace('this.cache = new Map();', 'this.cache = new Map(); // id -> user'),
  },
  {
    name: 'python function edited',
    original: 'import os\n\n\ndef read(path):\n    with open(path) as f:\n        return f.read()\n\n\ndef size(path):\n    return os.path.getsize(path)\n',
    sketch: '# ...\n\ndef read(path, encoding="utf-8"):\n    with open(path, encoding=encoding) as f:\n        return f.read()\n\n# ...\n',
  },
];

/** An apply's result, or the message it was refused with. */
async function outcome(run: Promise<ApplyResult>): Promise<{ result?: ApplyResult; error?: string }> {
  try {
    return { result: await run };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('apply model', () => {
  let lm: CausalLm;
  before(async () => {
    lm = await CausalLm.load(modelSourceFor('apply'));
  });

  it('speculative edits give byte for byte what plain greedy decoding gives, in fewer forward passes', async () => {
    let finished = 0;
    for (const c of CASES) {
      let specLast = '';
      let plainLast = '';
      const spec = await outcome(applyEdit(lm, { ...c, onPartial: (o) => (specLast = o) }));
      const plain = await outcome(applyEdit(lm, { ...c, plain: true, onPartial: (o) => (plainLast = o) }));
      // The small model may not finish a case: then both modes refuse it alike, having written the same.
      assert.equal(spec.error, plain.error, c.name);
      assert.equal(specLast, plainLast, c.name);
      if (!spec.result || !plain.result) continue;
      finished++;
      assert.equal(spec.result.output, plain.result.output, c.name);
      assert.equal(spec.result.outputTokens, plain.result.outputTokens, c.name);
      assert.ok(spec.result.forwardPasses * 3 < plain.result.forwardPasses, `${c.name}: ${spec.result.forwardPasses} vs ${plain.result.forwardPasses} passes`);
    }
    assert.ok(finished >= 2, `${finished} of ${CASES.length} cases finished`);
  });

  it('a dead end of the line guard is not a finished file', async () => {
    // Every token but the end is blocked, and the end may not come before the sketch's line.
    const blocked = new Set(Array.from({ length: lm.vocabSize }, (_, id) => id).filter((id) => id !== lm.special.eos));
    const guard = new LineGuard({ original: ['a();'], sketch: ['b();'] }, (id) => Buffer.from(lm.tokenBytes[id]).toString('latin1'), lm.special.eos, blocked);
    const prompt = [lm.special.original, ...lm.encode('a();\n'), lm.special.sketch, ...lm.encode('b();\n'), lm.special.updated];
    const decoded = await decodeApply(lm, prompt, [[]], { guard, maxTokens: 20 });
    assert.deepEqual(decoded, { tokens: [], forwardPasses: 1, finished: false, stuck: true, backtracks: 0 });
  });

  it('goes back from a dead end of the guard and writes another line there, speculative or plain', async () => {
    // Where the real guard meets a dead end depends on what the model writes; this one has one
    // for certain: after a first line `a();`, nothing may follow.
    const text = (id: number) => Buffer.from(lm.tokenBytes[id]).toString('latin1');
    class DeadEndAfterA extends LineGuard {
      written = '';
      override allows(id: number): boolean {
        return !this.written.startsWith('a();\n') && super.allows(id);
      }
      override push(id: number): void {
        super.push(id);
        this.written += text(id);
      }
    }
    // No sketch lines: any of the original's lines, in order, may be written.
    const prompt = [lm.special.original, ...lm.encode('a();\nb();\n'), lm.special.sketch, lm.special.updated];
    const outcomes = [];
    for (const plain of [false, true]) {
      const guard = new DeadEndAfterA({ original: ['a();', 'b();'], sketch: [] }, text, lm.special.eos, lm.specialIds);
      const streamed: string[] = [];
      const decoded = await decodeApply(lm, prompt, [lm.encode('a();\nb();\n')], { guard, plain, maxTokens: 20, onTokens: (t) => streamed.push(lm.decode([...t])) });
      const output = lm.decode(decoded.tokens);
      assert.ok(streamed.every((s) => output.startsWith(s)), 'what streamed is never taken back');
      outcomes.push({ output, finished: decoded.finished, backtracks: decoded.backtracks });
    }
    // The model copies `a();` first, meets the dead end, and goes back: the line it writes instead is the next one.
    assert.deepEqual(outcomes[0], { output: 'b();\n', finished: true, backtracks: 1 });
    assert.deepEqual(outcomes[1], outcomes[0]);
  });

  it('reads a prompt computing only its last logits, and they equal a full pass\'s last row', async () => {
    const ids = [lm.special.original, ...lm.encode(SERVICE), lm.special.sketch];
    const full = await lm.forward(ids, lm.emptyCache());
    assert.equal(full.logits.length, ids.length * lm.vocabSize);
    const last = await lm.forward(ids, lm.emptyCache(), undefined, true);
    // The apply graph takes logits_to_keep: one row comes back, not one per token.
    assert.equal(last.logits.length, lm.vocabSize);
    const expected = lm.row(full.logits, ids.length - 1);
    let diff = 0;
    for (let i = 0; i < lm.vocabSize; i++) diff = Math.max(diff, Math.abs(expected[i] - last.logits[i]));
    assert.ok(diff < 1e-3, `max difference ${diff}`);
    assert.equal(last.cache.length, full.cache.length);
    // Prefill in chunks ends on the same prediction.
    const chunked = await lm.prefill(ids, lm.emptyCache(), undefined, 7);
    assert.equal(argmax(chunked.lastLogits), argmax(expected));
  });

  it('streams growing prefixes of the final output', async () => {
    const seen: string[] = [];
    const result = await applyEdit(lm, { ...CASES[0], onPartial: (o) => seen.push(o) });
    assert.ok(seen.length >= 2);
    for (const s of seen) assert.ok(result.output.startsWith(s.replace(/\uFFFD+$/, '')), JSON.stringify(s.slice(-40)));
    assert.equal(seen[seen.length - 1], result.output);
  });

  it('applies a long file window by window: only the window is decoded, the code before it is kept byte for byte', async () => {
    const fns = Array.from({ length: 300 }, (_, i) => `export function step${i}(value) {\n  const next = value + ${i};\n  return next * 2;\n}\n\n`);
    const original = fns.join('');
    const sketch = '// ... existing code ...\nexport function step150(value) {\n  const next = value + 150;\n  console.log(next);\n  return next * 2;\n}\n// ... existing code ...\n';
    const partials: string[] = [];
    const head = fns.slice(0, 140).join('');
    let result: { output: string; outputTokens: number } | null = null;
    try {
      result = await applyEdit(lm, { original, sketch, onPartial: (o) => partials.push(o) });
    } catch (e) {
      // The small model may not finish a window of near-identical functions: a clear refusal, no file.
      assert.ok(e instanceof ApplyInputError && /did not finish/.test(e.message), String(e));
    }
    assert.ok(partials.length > 0);
    for (const p of partials) assert.ok(p.startsWith(head), 'the code before the window is copied, not decoded');
    // The last partial of a finished apply is the whole file; those before it stream the window.
    const streamed = result ? partials.slice(0, -1) : partials;
    const decoded = streamed[streamed.length - 1].length - head.length;
    assert.ok(decoded < original.length / 5, `only the window was decoded (${decoded} characters)`);
    if (result) {
      assert.equal(partials[partials.length - 1], result.output);
      assert.ok(result.outputTokens < lm.encode(original).length / 5, `${result.outputTokens} tokens decoded`);
      assert.ok(result.output.startsWith(head) && result.output.endsWith(fns.slice(160).join('')));
    }
  });

  it('applies a long file rewritten whole (no markers) in pieces, each as long as the model was trained on', async () => {
    const original = longSource(60);
    const sketch = original.replace('return x * 10 + 70;', 'return x * 10 + 71;').replace('return x * 55 + 385;', 'const y = x * 55;\n  return y + 385;');
    // Prompt and output together: far past the trained length, and past any one window.
    assert.ok(3 * lm.encode(original).length > APPLY_WINDOW_TOKENS);
    const result = await applyEdit(lm, { original, sketch });
    assert.equal(result.output, sketch);
  });

  it('refuses bad input before decoding, and leaves nothing half-written', async () => {
    const bad: [string, string, RegExp][] = [
      [SERVICE, '', /sketch is empty/],
      ['\u0000\u0001binary', 'x', /binary/],
      [SERVICE, '// ... existing code ...\nfn main() {\n    println!("other file");\n}\n// ... existing code ...\n', /another file/],
      ['x\n'.repeat(300_000), 'y\n', /too large/],
    ];
    for (const [original, sketch, message] of bad) {
      await assert.rejects(applyEdit(lm, { original, sketch }), (e: Error) => e instanceof ApplyInputError && message.test(e.message));
    }
  });

  it('a cancelled apply stops within a pass and gives no result', async () => {
    const controller = new AbortController();
    let partials = 0;
    const run = applyEdit(lm, {
      ...CASES[0],
      signal: controller.signal,
      onPartial: () => {
        if (++partials === 2) controller.abort();
      },
    });
    await assert.rejects(run, (e: Error) => e instanceof AbortedError);
    assert.equal(partials, 2);
  });
});

describe('apply through the model worker', () => {
  let client: ModelClient;
  before(async () => {
    client = await ModelClient.start(modelSourceFor('apply'));
  });
  after(() => client.close());

  it('streams partial output and resolves with the same result as in-process apply', async () => {
    const partials: string[] = [];
    const result = await client.apply(CASES[1].original, CASES[1].sketch, { onPartial: (o) => partials.push(o) });
    const lm = await CausalLm.load(modelSourceFor('apply'));
    const direct = await applyEdit(lm, CASES[1]);
    assert.equal(result.output, direct.output);
    assert.ok(partials.length >= 1);
    assert.equal(partials[partials.length - 1], result.output);
  });

  it('rejects bad input with the readable message, and cancels with AbortError', async () => {
    await assert.rejects(client.apply(SERVICE, '   '), /sketch is empty/);
    const controller = new AbortController();
    const run = client.apply(SERVICE, CASES[0].sketch, { signal: controller.signal, onPartial: () => controller.abort() });
    await assert.rejects(run, (e: Error) => e.name === 'AbortError');
  });
});
