import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { CausalLm } from '../workers/runtime/causal-lm';
import { modelSourceFor } from '../workers/runtime/model-source';
import { cachedEncoder, PromptOverflowError, renderPrompt, splitLines, type PromptPiece } from '../workers/prompt/render-prompt';
import { runSeed, seededRandom } from './support/random';
import { completeAtCursor } from '../workers/completion/complete-at-cursor';
import { fimPrompt, snippetText } from '../workers/completion/fim-prompt';
import { contextSnippets } from '../workers/prompt/context-snippets';

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

describe('completion prompt with snippets of other open files', () => {
  let lm: CausalLm;
  before(async () => {
    lm = await CausalLm.load(modelSourceFor('tab'));
  });

  const store = [
    'export class TodoStore {',
    '  private items: Todo[] = [];',
    '  add(title: string): Todo {',
    '    const todo = { id: this.items.length + 1, title, done: false };',
    '    this.items.push(todo);',
    '    return todo;',
    '  }',
    ...Array.from({ length: 40 }, (_, i) => `  helper${i}(): number { return ${i}; }`),
    '  remove(id: number): void {',
    '    this.items = this.items.filter((t) => t.id !== id);',
    '  }',
    '}',
  ].join('\n');
  const prefix = "import { TodoStore } from './store';\n\nconst store = new TodoStore();\nconst todo = store.add('milk');\nstore.remove(todo.id);\nstore.";

  it('picks the last-edited lines and the stretch sharing the most names with the code above the cursor', () => {
    const edit = store.indexOf('helper20');
    const snippets = contextSnippets(prefix, [{ path: 'src/store.ts', text: store, lastEditAt: edit }]);
    assert.deepEqual(snippets.map((s) => s.kind), ['edited', 'related']);
    assert.ok(snippets[0].text.includes('helper20'));
    assert.equal(snippets[0].text.split('\n').length, 8);
    assert.ok(snippets[1].text.includes('add(title: string)'), snippets[1].text);
    // Nothing in common and no edits: no snippet.
    assert.deepEqual(contextSnippets('let unrelatedThing = 1;\n', [{ path: 'b.ts', text: 'const other = 2;\n' }]), []);
    // Out-of-range edit offsets are clamped, never thrown.
    assert.equal(contextSnippets('', [{ path: 'b.ts', text: 'a\nb\n', lastEditAt: 99 }])[0].kind, 'edited');
  });

  it('stays the same while the user types on one line, so the prompt start is reused', () => {
    const others = [{ path: 'src/store.ts', text: store }];
    const a = contextSnippets(prefix, others);
    const b = contextSnippets(prefix + 'rem', others);
    assert.deepEqual(a, b);
    const encode = cachedEncoder((t) => lm.encode(t));
    const pa = fimPrompt(lm, prefix, '\n', { maxTokens: 1024 }, encode, a);
    const pb = fimPrompt(lm, prefix + 'rem', '\n', { maxTokens: 1024 }, encode, b);
    const snippetTokens = encode(snippetText(a[0])).length;
    assert.deepEqual(pb.tokens.slice(0, snippetTokens + 2), pa.tokens.slice(0, snippetTokens + 2));
    assert.equal(pa.tokens[snippetTokens], lm.special.eos, 'the snippets end before the FIM part');
    assert.ok(pa.contextText.includes('add(title: string)'));
  });

  it('a completion can use a name that only another open file holds', async () => {
    const names = 'export function computeQuarterlyRevenueForecast(year: number, region: string): number {\n  return year * region.length;\n}\n';
    const req = { prefix: "const year = 2024;\nconst region = 'emea';\nconst forecast = computeQu", suffix: '\n' };
    const snippets = contextSnippets(req.prefix, [{ path: 'src/names.ts', text: names }]);
    assert.equal(snippets.length, 1);
    const alone = await completeAtCursor(lm, req);
    const withSnippets = await completeAtCursor(lm, { ...req, snippets });
    assert.ok(!alone.completion.includes('RevenueForecast'), alone.completion);
    assert.ok(withSnippets.completion.startsWith('arterlyRevenueForecast'), withSnippets.completion);
  });

  it('typing keeps the start of the prompt: the window moves by whole blocks of lines, rarely', () => {
    const encode = cachedEncoder((t) => lm.encode(t));
    const body = Array.from({ length: 300 }, (_, i) => `  total += compute(item${i}, options.scale * ${i});`);
    const cut = 150;
    const typed = 'const result = normalise(total, options.scale, values.length);';
    let previous: number[] | null = null;
    let shifts = 0;
    for (let n = 1; n <= typed.length; n++) {
      const prefix = body.slice(0, cut).join('\n') + '\n  ' + typed.slice(0, n);
      const suffix = '\n' + body.slice(cut).join('\n');
      const { tokens } = fimPrompt(lm, prefix, suffix, { maxTokens: 512 }, encode);
      assert.ok(tokens.length <= 512);
      if (previous) {
        let same = 0;
        while (same < tokens.length && tokens[same] === previous[same]) same++;
        // Everything up to the cursor line is reused unless a block of lines had to go.
        if (same < tokens.length - 40) shifts++;
      }
      previous = tokens;
    }
    assert.ok(shifts <= 1, `${shifts} window shifts in ${typed.length} keystrokes`);
  });

  it('drops snippets before nearby lines of the file when the budget is tight', () => {
    const snippets = contextSnippets(prefix, [{ path: 'src/store.ts', text: store }]);
    const roomy = fimPrompt(lm, prefix, '\n', { maxTokens: 1024 }, (t) => lm.encode(t), snippets);
    assert.ok(roomy.contextText.length > 0);
    const tight = fimPrompt(lm, prefix, '\n', { maxTokens: 60 }, (t) => lm.encode(t), snippets);
    assert.equal(tight.contextText, '');
    assert.ok(tight.tokens.length <= 60);
    assert.equal(tight.tokens[0], lm.special.eos);
  });
});
