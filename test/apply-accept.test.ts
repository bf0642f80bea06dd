/**
 * Accepting apply chunks into the real editor's state (components/editor/apply-accept.ts): each
 * accept is exactly its chunk's change, mapped through edits made since the apply started; a chunk
 * someone edited meanwhile is refused; accepting every chunk in any order gives the output. Plus
 * the streaming alignment the review shows while output arrives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chunk } from '@codemirror/merge';
import { EditorState, Text, type ChangeSet } from '@codemirror/state';
import { acceptedChanges, applyAcceptTracking, planAccept, startTracking } from '../components/editor/apply-accept';
import { reviewDiff } from '../components/editor/review-diff';
import { StreamAlignment } from '../components/editor/apply-stream';
import { runSeed, seededRandom } from './support/random';

const ORIGINAL = ['function a() {', '  return 1;', '}', '', 'function b() {', '  return 2;', '}', '', 'function c() {', '  return 3;', '}', ''].join('\n');
const OUTPUT = ORIGINAL.replace('return 1;', 'return 10;').replace('return 3;', 'return 30;\n  // done');

/** The real editor: a state with tracking started against `original`. */
function tracked(doc: string, original: string): EditorState {
  const state = EditorState.create({ doc, extensions: applyAcceptTracking() });
  return state.update({ effects: startTracking(state, original) }).state;
}

/** The review side: its original (with accepted chunks) and the proposal, diffed as the review view does. */
class Review {
  original: Text;
  readonly proposed: Text;
  constructor(original: string, proposed: string) {
    this.original = Text.of(original.split('\n'));
    this.proposed = Text.of(proposed.split('\n'));
  }
  chunks(): readonly Chunk[] {
    return Chunk.build(this.original, this.proposed, { override: reviewDiff });
  }
  /** The change accepting chunk `i`; call `accepted` once the editor took it. */
  change(i: number): ChangeSet {
    return acceptedChanges([this.chunks()[i]], this.original, this.proposed);
  }
  accepted(changes: ChangeSet): void {
    this.original = changes.apply(this.original);
  }
}

function accept(state: EditorState, review: Review, changes: ChangeSet): EditorState {
  const plan = planAccept(state, changes, review.original);
  if ('error' in plan) throw new Error(plan.error);
  review.accepted(changes);
  return state.update(plan.spec).state;
}

describe('accepting apply chunks', () => {
  it('applies exactly the accepted chunk, one transaction each, until the editor equals the output', () => {
    const review = new Review(ORIGINAL, OUTPUT);
    assert.equal(review.chunks().length, 2);
    let state = tracked(ORIGINAL, ORIGINAL);
    const changes = review.change(1);
    const plan = planAccept(state, changes, review.original);
    assert.ok('spec' in plan);
    const tr = state.update(plan.spec);
    // Only the differing characters change, not the whole lines of the chunk.
    const touched: [number, number, string][] = [];
    tr.changes.iterChanges((fromA, toA, _b, _c, inserted) => touched.push([fromA, toA, inserted.toString()]));
    const at = ORIGINAL.indexOf('3;') + 1;
    assert.deepEqual(touched, [[at, at + 1, '0;\n  // done']]);
    assert.equal(tr.isUserEvent('input.apply'), true);
    review.accepted(changes);
    state = tr.state;
    assert.equal(state.doc.toString(), ORIGINAL.replace('return 3;', 'return 30;\n  // done'));
    state = accept(state, review, review.change(0));
    assert.equal(state.doc.toString(), OUTPUT);
    assert.equal(review.chunks().length, 0);
  });

  it('maps a chunk through edits made since the apply started (before and after it)', () => {
    const review = new Review(ORIGINAL, OUTPUT);
    // The real document had a change the server's original lacked, and gets another one now.
    let state = tracked('// header\n' + ORIGINAL, ORIGINAL);
    state = state.update({ changes: { from: state.doc.length, insert: '// footer\n' } }).state;
    state = accept(state, review, review.change(0));
    state = accept(state, review, review.change(0));
    assert.equal(state.doc.toString(), '// header\n' + OUTPUT + '// footer\n');
  });

  it('refuses a chunk whose text was edited meanwhile, and still accepts the others', () => {
    const review = new Review(ORIGINAL, OUTPUT);
    let state = tracked(ORIGINAL, ORIGINAL);
    const at = ORIGINAL.indexOf('return 1;') + 'return '.length;
    state = state.update({ changes: { from: at, to: at + 1, insert: '7' } }).state;
    const refused = planAccept(state, review.change(0), review.original);
    assert.ok('error' in refused);
    assert.match(refused.error, /edited since the apply started/);
    state = accept(state, review, review.change(1));
    assert.equal(state.doc.toString(), ORIGINAL.replace('return 1;', 'return 7;').replace('return 3;', 'return 30;\n  // done'));
  });

  it('accept all is one change of every chunk', () => {
    const review = new Review(ORIGINAL, OUTPUT);
    const state = tracked(ORIGINAL, ORIGINAL);
    const all = acceptedChanges(review.chunks(), review.original, review.proposed);
    const plan = planAccept(state, all, review.original);
    assert.ok('spec' in plan);
    assert.equal(state.update(plan.spec).state.doc.toString(), OUTPUT);
  });

  it('without tracking (no review), nothing is applied', () => {
    const state = EditorState.create({ doc: ORIGINAL, extensions: applyAcceptTracking() });
    const review = new Review(ORIGINAL, OUTPUT);
    assert.ok('error' in planAccept(state, review.change(0), review.original));
  });

  it('accepting every chunk in a random order, with an edit far from them, gives the output', () => {
    const seed = runSeed();
    const random = seededRandom(seed);
    for (let round = 0; round < 40; round++) {
      const lines = Array.from({ length: 5 + Math.floor(random() * 30) }, (_, i) => `line ${i} ${'x'.repeat(Math.floor(random() * 8))}`);
      const out = lines.flatMap((line) => {
        const r = random();
        if (r < 0.1) return [];
        if (r < 0.2) return [line + ' changed'];
        if (r < 0.3) return [line, 'inserted ' + Math.floor(random() * 100)];
        return [line];
      });
      // Both start with a line nobody changes, where a collaborator types.
      const original = ['// top', ...lines, ''].join('\n');
      const output = ['// top', ...out, ''].join('\n');
      const review = new Review(original, output);
      let state = tracked(original, original);
      state = state.update({ changes: { from: 0, insert: 'X' } }).state;
      while (review.chunks().length) {
        const chunks = review.chunks();
        state = accept(state, review, review.change(Math.floor(random() * chunks.length)));
      }
      assert.equal(state.doc.toString(), 'X' + output, `seed ${seed}, round ${round}`);
    }
  });
});

describe('the review\'s diff', () => {
  /** `a` with the changes made: what the diff says `b` is. */
  const applied = (a: string, b: string) => {
    let text = '';
    let at = 0;
    for (const c of reviewDiff(a, b)) {
      text += a.slice(at, c.fromA) + b.slice(c.fromB, c.toB);
      at = c.toA;
    }
    return text + a.slice(at);
  };

  it('goes by lines: a block rewritten into more or fewer lines is its whole lines out and in', () => {
    const a = '// Mock the database service\nvi.mock("./database-service");\n\ndescribe("UserService", () => {\n';
    const b = 'import { EmailService } from "./email-service";\n\n// Mock the services\nvi.mock("./database-service");\nvi.mock("./email-service");\n\ndescribe("UserService", () => {\n';
    const changes = reviewDiff(a, b);
    assert.equal(applied(a, b), b);
    for (const c of changes) {
      // Each starts and ends at a line boundary (lines only added or removed: from the end of the
      // line before), or marks words inside lines rewritten one for one.
      const whole = (text: string, from: number, to: number) =>
        (from === 0 || text[from - 1] === '\n') && (to === from || text[to - 1] === '\n');
      const after = (text: string, from: number, to: number) => text[from] === '\n' && (to === from || text[to] === '\n');
      const moved = c.fromA === c.toA ? after(b, c.fromB, c.toB) : c.fromB === c.toB && after(a, c.fromA, c.toA);
      const words = !a.slice(c.fromA, c.toA).includes('\n') && !b.slice(c.fromB, c.toB).includes('\n');
      assert.ok((whole(a, c.fromA, c.toA) && whole(b, c.fromB, c.toB)) || moved || words, JSON.stringify([a.slice(c.fromA, c.toA), b.slice(c.fromB, c.toB)]));
    }
    assert.deepEqual(
      changes.map((c) => [a.slice(c.fromA, c.toA), b.slice(c.fromB, c.toB)]),
      [
        ['// Mock the database service\n', 'import { EmailService } from "./email-service";\n\n// Mock the services\n'],
        ['', '\nvi.mock("./email-service");'],
      ],
    );
    // Lines rewritten one for one show the words that changed.
    const renamed = reviewDiff('const userName = data.name;\nreturn userName;\n', 'const clientName = data.name;\nreturn clientName;\n');
    assert.deepEqual(renamed.map((c) => [c.fromA, c.toA, c.fromB, c.toB]), [[6, 14, 6, 16], [35, 43, 37, 47]]);
  });

  it('marks no unchanged line in the merge view\'s chunks, where added lines start with a line of blanks', () => {
    // The added lines start with `    ` and so does the unchanged line after them: the merge view
    // would move the insertion by those blanks and show `return user;` as removed and added again.
    const a = 'f() {\n    this.cache.set(id, user);\n    return user;\n}\n';
    const b = 'f() {\n    this.cache.set(id, user);\n    \n    log(user);\n    \n    return user;\n}\n';
    const chunks = Chunk.build(Text.of(a.split('\n')), Text.of(b.split('\n')), { override: reviewDiff });
    assert.deepEqual(
      chunks.map((c) => [a.slice(c.fromA, c.toA), b.slice(c.fromB, c.toB)]),
      [['', '    \n    log(user);\n    \n']],
    );
  });

  it('gives the output back on random edits', () => {
    const seed = runSeed();
    const random = seededRandom(seed);
    for (let round = 0; round < 60; round++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 20) }, (_, i) => (random() < 0.2 ? '' : `  value${i} = ${Math.floor(random() * 5)};`));
      const out = lines.flatMap((line) => {
        const r = random();
        if (r < 0.15) return [];
        if (r < 0.3) return [line.replace('=', '+=')];
        if (r < 0.4) return [line, `  added${Math.floor(random() * 9)}();`, ''];
        if (r < 0.45) return [line, '', '  ', `  added${Math.floor(random() * 9)}();`];
        return [line];
      });
      const end = () => (random() < 0.5 ? '\n' : '');
      const [a, b] = [lines.join('\n') + end(), out.join('\n') + end()];
      assert.equal(applied(a, b), b, `seed ${seed}, round ${round}`);
      // Accepting every chunk the merge view makes of it gives the output too.
      const [ta, tb] = [Text.of(a.split('\n')), Text.of(b.split('\n'))];
      assert.equal(acceptedChanges(Chunk.build(ta, tb, { override: reviewDiff }), ta, tb).apply(ta).toString(), b, `seed ${seed}, round ${round}`);
    }
  });
});

describe('streaming alignment', () => {
  it('shows the output so far, then the rest of the original from where the output is', () => {
    const align = new StreamAlignment(ORIGINAL);
    assert.equal(align.proposal(''), ORIGINAL);
    // A half line is not shown yet.
    assert.equal(align.proposal('function a() {\n  return 1'), 'function a() {\n' + ORIGINAL.slice('function a() {\n'.length));
    // A changed line replaces its original; the next unchanged line aligns after it.
    const partial = 'function a() {\n  return 10;\n}\n';
    assert.equal(align.proposal(partial), partial + ORIGINAL.slice(ORIGINAL.indexOf('}\n') + 2));
    // A dropped function: the output jumps ahead and the skipped lines are gone.
    const skipped = partial + '\nfunction c() {\n';
    assert.equal(align.proposal(skipped), skipped + ORIGINAL.slice(ORIGINAL.indexOf('  return 3;')));
    assert.equal(align.proposal(OUTPUT), OUTPUT);
  });
});
