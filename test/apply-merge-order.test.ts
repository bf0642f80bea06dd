/** The order of an applied file's lines: each text is read forwards, lines of either may be skipped. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MergeOrder } from '../workers/apply/merge-order';
import { continuesLine, definedName, tokens } from '../workers/apply/line-likeness';
import { replacedLines } from '../workers/apply/replaced-lines';

const lines = (text: string) => text.split('\n').map((l) => l.trim());

/** Writes the lines of `text`, failing on the first one the order refuses. */
function write(order: MergeOrder, text: string): void {
  for (const line of lines(text)) {
    assert.ok(order.allows(line), `"${line}" refused`);
    order.push(line);
  }
}

type Shaped = readonly (readonly [string, number])[];

/** A merge order over the lines of two texts given with their indentation. */
function shapedOrder(original: Shaped, sketch: Shaped, markers: Iterable<number>, layout: { window?: boolean; followed?: boolean; preceded?: boolean } = {}): MergeOrder {
  return new MergeOrder(original.map(([l]) => l), sketch.map(([l]) => l), new Set(markers), { indents: original.map(([, n]) => n), sketchIndents: sketch.map(([, n]) => n), ...layout });
}

/** Writes lines given with their indentation, failing on the first one the order refuses. */
function writeShaped(order: MergeOrder, shaped: readonly (readonly [string, number])[]): void {
  for (const [line, indent] of shaped) {
    assert.ok(order.allows(line, indent), `"${line}" refused`);
    order.push(line, indent);
  }
}

describe('merge order', () => {
  it('interleaves the two texts, each read forwards, and refuses a line both have passed', () => {
    const order = new MergeOrder(lines('a();\nb(user, id);\nc();'), lines('x();\nb(user, id);\ny();'), new Set([0]));
    write(order, 'a();\nx();\nb(user, id);\ny();');
    // `b(user, id);` is in both texts once: the original's line kept, so both readings moved past it.
    assert.ok(!order.allows('b(user, id);'));
    assert.ok(!order.allows('x();'));
    assert.ok(order.allows('c();'), 'the rest of the original may still come');
    assert.ok(!order.allows(''), 'a blank line only where a text has one next');
  });

  it('writes a blank line where one of the texts has one next', () => {
    const order = new MergeOrder(lines('a();\n\nb();'), lines('a();\nc();'));
    write(order, 'a();');
    assert.ok(order.allows(''));
    write(order, '');
    assert.ok(!order.allows(''), 'the original has one blank line there, the sketch none');
    write(order, 'c();\nb();');
  });

  it('keeps every reading of a line both texts hold more than once', () => {
    // `}` could close the original's block or the sketch's: both stay possible.
    const order = new MergeOrder(lines('f() {\n}\ng();'), lines('h() {\n}'), new Set([0, 2]));
    write(order, 'f() {\n}');
    assert.ok(order.allows('h() {'), 'the `}` may have been the original\'s');
    assert.ok(order.allows('g();'), 'or the sketch\'s');
    write(order, 'g();\nh() {\n}');
    assert.ok(!order.allows('}'), 'both `}` lines are used up in order');
  });

  it('does not tie a line to a copy elsewhere in the other text', () => {
    // `this.result = 0;` is in both texts twice; the sketch elides the constructor (a marker
    // before its line 1), so the original's first copy is not the sketch's first one. Writing it
    // must not skip the sketch's comment.
    const original = lines('class C {\nconstructor() {\nthis.result = 0;\n}\nadd(n) {\n}\nclear() {\nthis.result = 0;\n}\n}');
    const sketch = lines('class C {\n// Adds n\nadd(n) {\n}\nclear() {\nthis.result = 0;\n}\n}');
    const order = new MergeOrder(original, sketch, new Set([1]));
    write(order, 'class C {\nconstructor() {\nthis.result = 0;\n}\n// Adds n\nadd(n) {\n}\nclear() {\nthis.result = 0;\n}\n}');
    assert.ok(!order.allows('// Adds n'));
  });

  it('does not skip the sketch\'s code, but may leave out a note before it and punctuation', () => {
    const sketch = lines('// Added two tests\ntest(a) {\nrun(a);\n}\ntest(b) {\nrun(b);\n}');
    const order = new MergeOrder(lines('setup();'), sketch);
    write(order, 'test(a) {');
    assert.ok(!order.allows('test(b) {'), 'a jump to the next test would drop `run(a);`');
    write(order, 'run(a);');
    assert.ok(order.allows('test(b) {'), 'a `}` may be left out');
    write(order, '}\ntest(b) {\nrun(b);\n}');
    // A comment among the code is part of it.
    const commented = new MergeOrder(lines('a();\nb();'), lines('a();\n// b runs last\nb();'));
    write(commented, 'a();');
    assert.ok(!commented.allows('b();'));
    write(commented, '// b runs last\nb();');
  });

  it('keeps a reading that passed a required line over one that did not, though it stands further on', () => {
    // `x = 0;` is in both texts but not paired (twice in the original): written at the reset, the
    // sketch's copy may be the one written, which lets the sketch's `exp()` come next.
    const original = lines('init() {\nx = 0;\n}\nreset() {\nx = 0;\n}');
    const sketch = lines('x = 0;\nexp() {\n}');
    const order = new MergeOrder(original, sketch);
    write(order, 'init() {\n}\nreset() {\nx = 0;\n}\nexp() {\n}');
  });

  it('keeps a reading with a blank line next over one that stands less far on without', () => {
    // After `}` (either text's) and the original's `a();`, only the reading that took the sketch's
    // `}` has a blank line next.
    const order = new MergeOrder(lines('}\na();\nb();'), lines('}\n\nb();'));
    write(order, '}\na();\n\nb();');
  });

  it('puts a line the sketch keeps where the original has it, not after the original has passed it', () => {
    // The sketch keeps `double() {` from the original. Writing `multiply() {` first would drop the
    // original's copy, and the sketch's may not come later, at the end: a dead end, refused.
    const original = lines('add() {\n}\ndouble() {\n}\nmultiply() {\n}');
    const sketch = lines('double() {\nreturn 2;\n}');
    const order = new MergeOrder(original, sketch);
    write(order, 'add() {\n}');
    assert.ok(!order.allows('multiply() {'), 'the sketch\'s `double() {` would have no place left');
    write(order, 'double() {\nreturn 2;\n}\nmultiply() {\n}');
  });

  it('goes on with the original where the sketch elides it, next to a line it keeps', () => {
    const original = lines('a();\nb();\nc();\nd();\ne();');
    // `b();` then a marker (before sketch line 1): the original's line after `b();` comes next.
    const after = new MergeOrder(original, lines('b();\nd(x);'), new Set([1]));
    // The sketch starts in the middle of the file and elides code elsewhere: `a();` is kept before it.
    assert.ok(!after.allows('b();'), 'the snippet starts after `a();`');
    write(after, 'a();\nb();');
    assert.ok(!after.allows('d(x);') && !after.allows('d();'), 'only `c();` may follow `b();`');
    write(after, 'c();\nd(x);\ne();');
    // A marker, then `d();`: the original's line before `d();` comes just before it.
    const before = new MergeOrder(original, lines('a(x);\nd();'), new Set([1]));
    write(before, 'a(x);');
    assert.ok(!before.allows('d();'), '`c();` is elided code kept just before `d();`');
    write(before, 'b();\nc();\nd();');
    // Without the markers, a sketch that starts where the file does shows those lines dropped.
    const dropped = new MergeOrder(original, lines('a();\nb();\nx();'));
    write(dropped, 'a();\nb();\nx();');
    assert.ok(dropped.mayEnd());
    // A short sketch that starts and ends in the middle of the file is a snippet (snippetEdges):
    // the marker its first line implies stands for what comes before its new line.
    const snippet = new MergeOrder(original, lines('x();\nd();'));
    assert.ok(!snippet.allows('x();'), 'one new line does not rewrite three');
    write(snippet, 'a();\nb();\nc();\nx();\nd();\ne();');
  });

  it('writes the lines a marker stands for in a row, until the sketch\'s next line', () => {
    const original = lines('a();\nb();\nc();\nd();\ne();\nf();');
    // `a();`, a marker, `f();`: the marker stands for `b();` to `e();`, all of them.
    const order = new MergeOrder(original, lines('a();\nf();'), new Set([1]));
    write(order, 'a();\nb();');
    assert.ok(!order.allows('d();') && !order.allows('f();'), 'elided lines are not dropped');
    write(order, 'c();\nd();\ne();\nf();');
    assert.ok(order.mayEnd());
    // After a new line, the marker's stretch may start further on, past as many lines of code as
    // the sketch's part there has new lines (each may be an old line rewritten), then goes on in a row.
    const replaced = new MergeOrder(original, lines('a(x);\nf();'), new Set([1]));
    write(replaced, 'a(x);');
    assert.ok(!replaced.allows('c();'), 'passing `a();` and `b();` for one new line deletes code the sketch does not show');
    write(replaced, 'b();');
    assert.ok(!replaced.allows('d();'));
    write(replaced, 'c();\nd();\ne();\nf();');
    // Blank lines and bare punctuation passed do not count.
    const passed = new MergeOrder(lines('a();\nold();\n}\n\nc();\nd();'), lines('a();\nold(1);\nd();'), new Set([2]));
    write(passed, 'a();\nold(1);\n\nc();\nd();');
    const two = new MergeOrder(lines('a();\nold();\nolder();\nc();\nd();'), lines('a();\nold(1);\nd();'), new Set([2]));
    write(two, 'a();\nold(1);');
    assert.ok(!two.allows('c();'), 'two old lines for one new one');
    write(two, 'older();\nc();\nd();');
    // A line that opens or closes a block comment is not punctuation to pass.
    const doc = new MergeOrder(lines('a();\nold();\n/**\n * Runs it.\n */\nrun();'), lines('a();\nold(1);\nrun();'), new Set([2]));
    write(doc, 'a();\nold(1);');
    assert.ok(!doc.allows('* Runs it.'), 'the comment keeps its first line');
    write(doc, '/**\n* Runs it.\n*/\nrun();');
    // Nor is a doc comment's line of a bare `*` (the blank line between its paragraphs): here after
    // a snippet whose end stands in the middle of the file (a marker implied there).
    const docFile = lines('init() {\nthis.adapter = x;\n}\n/**\n* Registers.\n*\n* @example\n*/\nuse(fn) {\nthis.fns.push(fn);\n}\nrun() {\nreturn 1;\n}\nstop() {\nreturn 2;\n}');
    const layout = { indents: [4, 8, 4, 4, 5, 5, 5, 5, 4, 8, 4, 4, 8, 4, 4, 8, 4], sketchIndents: [8, 8, 4] };
    const star = new MergeOrder(docFile, lines('this.adapter = x;\nPromise.resolve(y);\n}'), new Set(), layout);
    write(star, 'init() {\nthis.adapter = x;\nPromise.resolve(y);\n}\n/**\n* Registers.');
    assert.ok(!star.allows('* @example'), 'the comment keeps its `*` line');
    write(star, '*\n* @example\n*/\nuse(fn) {');
    // The blank line between the new code and the original's lines after it stays.
    const spaced = new MergeOrder(lines('if (a) {\nold(1);\n}\n\nnext();\nlast();'), lines('if (a) {\nold(2);\n}\nlast();'), new Set([3]));
    write(spaced, 'if (a) {\nold(2);\n}');
    assert.ok(!spaced.allows('next();'), 'the blank line before `next();` is not passed');
    write(spaced, '\nnext();\nlast();');
    // Nor past one further back.
    const further = new MergeOrder(lines('a();\nold(1);\n\nold(2);\ntail();\nz();'), lines('a();\nold(3);\nold(4);\nz();'), new Set([3]));
    write(further, 'a();\nold(3);\nold(4);');
    assert.ok(!further.allows('tail();'), 'the blank line before `old(2);` is not passed');
    write(further, '\nold(2);\ntail();\nz();');
    // A line passed shares a name or a number with a new line there: new code unlike it is added, not a rewrite of it.
    const unlike = new MergeOrder(lines('a();\nold();\nc();\nd();'), lines('a();\nfresh();\nd();'), new Set([2]));
    write(unlike, 'a();\nfresh();');
    assert.ok(!unlike.allows('c();'), '`old();` is elided, not rewritten as `fresh();`');
    write(unlike, 'old();\nc();\nd();');
    // A new comment does not stand for code it talks about, only for a comment or the code it holds.
    const told = new MergeOrder(lines('a();\nold(n);\nc();\nd();'), lines('a();\n// Sets n.\nd();'), new Set([2]));
    write(told, 'a();\n// Sets n.');
    assert.ok(!told.allows('c();'), '`old(n);` is elided, not rewritten as a comment');
    write(told, 'old(n);\nc();\nd();');
    const commented = new MergeOrder(lines('a();\nold(n);\nc();\nd();'), lines('a(1);\n// old(n);\nd();'), new Set([2]));
    write(commented, 'a(1);\n// old(n);\nc();\nd();');
    // A sketch without markers is the new file whole: it may drop any number of lines.
    write(new MergeOrder(original, lines('x();\ny();\nz();\nf();')), 'x();\ny();\nz();\nf();');
    // Unchanged, they keep the original's indentation (when the order knows it).
    const indented = new MergeOrder(lines('f() {\n  x();\n}\ng();'), lines('f() {'), new Set([1]), { indents: [0, 2, 0, 0] });
    write(indented, 'f() {');
    assert.ok(!indented.allows('x();', 0) && indented.allows('x();', 2));
    indented.push('x();', 2);
    assert.ok(!indented.allows('}', 2) && indented.allows('}', 0), 'the `}` that closes `f() {`, where the original has it');
    // It may start at a blank line, too.
    const blank = new MergeOrder(lines('a();\nold();\n\nb();'), lines('old(1);'), new Set([0, 1]));
    write(blank, 'a();\nold(1);\n\nb();');
    assert.ok(blank.mayEnd());
  });

  it('puts new lines after a marker right before the kept line after them, unless they may rewrite the lines between', () => {
    const original = lines('head();\n\nadd(n) {\nsum += n;\n}\n\nsub(n) {\nsum -= n;\n}\n\ndiv(n) {\nsum /= n;\n}');
    // The new lines are a comment: they rewrite none of the code between the marker's start and `div(n) {`.
    const doc = new MergeOrder(original, lines('\n// Divides.\ndiv(n) {\nsum /= n;\n}'), new Set([0]));
    write(doc, 'head();\n');
    assert.ok(!doc.allows('// Divides.'), 'the marker stands for `add` and `sub` too');
    write(doc, 'add(n) {\nsum += n;\n}\n\nsub(n) {\nsum -= n;\n}\n\n// Divides.\ndiv(n) {');
    // As many new lines of code as the blocks they may replace (like lines counted once): the stretch may end early.
    const rewrite = new MergeOrder(original, lines('\nstatic add(a) {\nreturn a;\n}\nstatic sub(a) {\nreturn -a;\n}\ndiv(n) {\nsum /= n;\n}'), new Set([0]));
    write(rewrite, 'head();\n\nstatic add(a) {');
  });

  it('reads new lines before a sketch\'s first marker as the file\'s first lines rewritten, and does not drop the marker\'s lines', () => {
    const original = lines('use a;\n\nconst app = make(a);\n\nroute(1);\nhandle(1);\n\nroute(2);\nhandle(2);');
    const sketch = lines('use a, b;\n\n\nroute(2);\nhandle(3);');
    const order = new MergeOrder(original, sketch, new Set([2]));
    const placed: [number, number][] = [];
    replacedLines(original, sketch, order.pairs(), order.markers(), placed);
    order.place(placed);
    write(order, 'use a, b;');
    assert.ok(!order.allows('use a;'), 'the new import rewrites the old one');
    write(order, '');
    assert.ok(!order.allows(''), 'one blank line: each text has one there');
    assert.ok(!order.allows('route(2);'), 'the marker stands for the lines before `route(2);`');
    assert.ok(!order.allows('route(1);'), 'the new import does not rewrite `const app = make(a);` too');
    write(order, 'const app = make(a);\n\nroute(1);\nhandle(1);\n\nroute(2);\nhandle(3);');
    assert.ok(order.mayEnd());
  });

  it('writes the new lines a sketch shows right after a kept line before the original goes on', () => {
    const original = lines('a();\nif (x) {\nold();\nreturn;\n}\nz();');
    const order = new MergeOrder(original, lines('if (x) {\n// Why.\nfresh();\nreturn;\n}'), new Set([0, 5]));
    write(order, 'a();\nif (x) {');
    assert.ok(!order.allows('old();'), 'the sketch shows `// Why.` right after `if (x) {`');
    write(order, '// Why.\nfresh();\nreturn;\n}\nz();');
    // A blank line between them changes nothing; a line the original has next is kept as before.
    const spaced = new MergeOrder(lines('k();\n\nold();\nz();'), lines('k();\n\nfresh();\nz();'), new Set([3]));
    write(spaced, 'k();\n');
    assert.ok(!spaced.allows('old();'));
    write(spaced, 'fresh();\nold();\nz();');
  });

  it('reads a block the sketch shows from its kept first line to its closing line as shown whole', () => {
    const original = lines('a();\nf() {\nold();\nreturn;\n}\nz();');
    const sketch = lines('f() {\nfresh();\n}');
    const indents = [0, 0, 2, 2, 0, 0];
    const order = new MergeOrder(original, sketch, new Set([0, 3]), { indents, sketchIndents: [0, 2, 0] });
    write(order, 'a();\nf() {\nfresh();');
    assert.ok(!order.allows('old();', 2) && !order.allows('return;', 2), 'the block\'s old lines are gone');
    order.push('}', 0);
    write(order, 'z();');
    assert.ok(order.mayEnd());
    // With a marker inside the block, its other lines are elided, not gone.
    const elided = new MergeOrder(original, lines('f() {\nfresh();\n\n}'), new Set([0, 2, 4]), { indents, sketchIndents: [0, 2, 0, 0] });
    write(elided, 'a();\nf() {\nfresh();');
    assert.ok(elided.allows('old();', 2));
  });

  it('pairs the sketch\'s closing line after a marker with the original\'s where both texts end with it', () => {
    const original = lines('class A {\nf() {\nx();\n}\nreset() {\ny();\nreturn;\n}\n}');
    const indents = [0, 2, 4, 2, 2, 4, 4, 2, 0];
    // The class's `}` follows a marker: it closes the class, so the marker's lines come whole before it.
    const order = new MergeOrder(original, lines('class A {\nexp() {\nz();\n}\n}'), new Set([1, 4]), { indents, sketchIndents: [0, 2, 4, 2, 0] });
    for (const [line, indent] of [['class A {', 0], ['f() {', 2], ['x();', 4], ['}', 2], ['exp() {', 2], ['z();', 4], ['}', 2], ['reset() {', 2], ['y();', 4]] as const) order.push(line, indent);
    assert.ok(!order.allows('}', 2), '`return;` comes before `reset` closes');
    for (const [line, indent] of [['return;', 4], ['}', 2], ['}', 0]] as const) order.push(line, indent);
    assert.ok(order.mayEnd());
  });

  it('does not keep a line found past a block edge the sketch does not show, nor delete the original\'s copy', () => {
    // `w();` is new in `f`; the original has it only in `g`, past `}` and `g() {`.
    const original = lines('f() {\na();\n}\n\ng() {\nw();\nb();\n}');
    const indents = [0, 2, 0, 0, 0, 2, 2, 0];
    const order = new MergeOrder(original, lines('a();\nw();\nlog(w);\n}'), new Set([0, 4]), { indents, sketchIndents: [2, 2, 2, 0] });
    write(order, 'f() {\na();\nw();\nlog(w);\n}\n\ng() {');
    assert.ok(!order.allows('b();', 2), 'the original\'s `w();` stays in `g`');
    write(order, 'w();\nb();\n}');
    assert.ok(order.mayEnd());
  });

  it('does not keep a short line found alone among new lines', () => {
    // `reject(err);` is the file's once, in another callback: the snippet's is a new line.
    const original = lines('run();\nwrite(html);\ndone();\nstdin.on(\'error\', function (err) {\nreject(err);\n});');
    const sketch = lines('await new Promise((resolve, reject) => {\nwrite(html, (err) => {\nif (err) {\nreject(err);\n} else {\nresolve();\n}\n});\n});');
    const order = new MergeOrder(original, sketch, new Set(), { indents: [0, 0, 0, 0, 2, 0], sketchIndents: [0, 2, 4, 6, 4, 6, 4, 2, 0] });
    assert.deepEqual(order.pairs(), [], 'nothing anchors the snippet');
    // A line with more names is kept alone too.
    const named = new MergeOrder(lines('a();\nconst user = await loadUser(id);\nb();'), lines('if (x) {\nconst user = await loadUser(id);\n}'), new Set([0, 3]));
    assert.deepEqual(named.pairs(), [[1, 1]]);
    // So is a line that opens a block.
    const opener = new MergeOrder(lines('a();\nrender() {\nb();\n}'), lines('/** Renders. */\nrender() {\nfresh();\n}'), new Set([0, 4]));
    assert.deepEqual(opener.pairs(), [[1, 1]]);
  });

  it('adds new code after the file\'s last lines where the sketch\'s last part starts with them', () => {
    const original = lines('t(\'a\', () => {\nok(a);\nt.end();\n});\nt(\'b\', () => {\nok(b);\nt.end();\n});');
    const sketch = lines('t.end();\n});\nt(\'c\', () => {\nok(c);\nt.end();\n});');
    const order = new MergeOrder(original, sketch, new Set([0]), { indents: [0, 2, 2, 0, 0, 2, 2, 0], sketchIndents: [2, 0, 0, 2, 2, 0] });
    for (const [line, indent] of [['t(\'a\', () => {', 0], ['ok(a);', 2], ['t.end();', 2], ['});', 0]] as const) order.push(line, indent);
    assert.ok(!order.allows('t(\'c\', () => {', 0), 'the new test comes after the last one');
    writeShaped(order, [['t(\'b\', () => {', 0], ['ok(b);', 2], ['t.end();', 2], ['});', 0], ['t(\'c\', () => {', 0], ['ok(c);', 2], ['t.end();', 2], ['});', 0]]);
    assert.ok(order.mayEnd());
    // A window of such a file: the marker's lines come whole before the new test, the last test too.
    const window = lines("ok(a);\n  })\n})\n\nt('b', () => {\nok(b);\n  })\n})");
    const run = new MergeOrder(window, lines("  })\n})\n\nt('c', () => {\nok(c);\n})"), new Set([0]), { indents: [4, 2, 0, 0, 0, 4, 2, 0], sketchIndents: [2, 0, 0, 0, 2, 0] });
    for (const [line, indent] of [['ok(a);', 4], ['})', 2], ['})', 0], ['', 0]] as const) run.push(line, indent);
    assert.ok(!run.allows("t('c', () => {", 0), 'the stretch does not end before the file\'s last test');
    writeShaped(run, [["t('b', () => {", 0], ['ok(b);', 4], ['})', 2], ['})', 0], ['', 0], ["t('c', () => {", 0], ['ok(c);', 2], ['})', 0]]);
    assert.ok(run.mayEnd());
  });

  it('ends a marker\'s stretch with new lines only where the new lines before the next kept line may rewrite what it passes', () => {
    const original = lines('a();\nold(one);\nold(two);\nkeep(x, y, z);\nmore();');
    // `added(...)` come after the kept line: they rewrite nothing before it.
    const order = new MergeOrder(original, lines('fresh();\nkeep(x, y, z);\nadded(one);\nadded(two);'), new Set([0, 4]));
    write(order, 'a();');
    assert.ok(!order.allows('fresh();'), 'one new line does not stand for the two `old` lines');
    write(order, 'old(one);\nold(two);\nfresh();\nkeep(x, y, z);\nadded(one);\nadded(two);\nmore();');
    assert.ok(order.mayEnd());
  });

  it('writes each line as indented in the text it is read from, where the whole sketch keeps the indentation', () => {
    // `TKey` at 2 closes a class's type parameters; the file has it at 6 elsewhere too.
    const original = lines('class A<\nTKey\n> {\nf<\nTKey\n>() {}\n}');
    const indents = [0, 2, 0, 2, 6, 2, 0];
    const layout = { indents, sketchIndents: indents };
    const order = new MergeOrder(original, original, new Set(), layout);
    order.keepIndents();
    order.push('class A<', 0);
    assert.ok(!order.allows('TKey', 6), 'the copy at 6 is further on in both texts');
    assert.ok(order.allows('TKey', 2));
    // Without it, a line may take the indentation of any of its copies.
    const loose = new MergeOrder(original, original, new Set(), layout);
    loose.push('class A<', 0);
    assert.ok(loose.allows('TKey', 6));
  });

  it('does not write a closing line twice in a row at the same indentation', () => {
    const order = new MergeOrder(lines('f() {\na();\n}\ng();'), lines('a();\nb();\n}'), new Set([0, 3]), { indents: [0, 2, 0, 0], sketchIndents: [2, 2, 0] });
    for (const [line, indent] of [['f() {', 0], ['a();', 2], ['b();', 2], ['}', 0]] as const) order.push(line, indent);
    assert.ok(!order.allows('}', 0), 'the sketch\'s `}` was the original\'s');
    assert.ok(order.allows('g();', 0));
  });

  it('puts new lines right before the closing line of a block the sketch shows to its end', () => {
    const original = lines('class A {\nf() {\n}\ng() {\n}\n}');
    const indents = [0, 2, 2, 2, 2, 0];
    // A marker inside the class, then a new method and the class's `}`: the method is the class's last.
    const order = new MergeOrder(original, lines('class A {\n\nh() {\n}\n}'), new Set([1]), { indents, sketchIndents: [0, 0, 2, 2, 0] });
    write(order, 'class A {\nf() {\n}');
    assert.ok(!order.allows('h() {', 2), '`g() {` is neither elided there nor rewritten as `h() {`');
    write(order, 'g() {\n}\nh() {\n}\n}');
    assert.ok(order.mayEnd());
  });

  it('keeps a block comment\'s closing line found once in each text', () => {
    const order = new MergeOrder(lines('/*\n* v1\n*/\na();\nb();'), lines('/*\n* v2\n*/\n\nb(1);'), new Set([3]));
    write(order, '/*\n* v2\n*/');
    assert.ok(!order.allows('') && order.allows('a();'), 'right after the kept `*/`, the marker\'s lines come next');
  });

  it('ends a marker\'s stretch at the sketch\'s blank line before new lines', () => {
    const order = new MergeOrder(lines('a();\nb();\nc();\nz();'), lines('\nn();'), new Set([0]));
    write(order, 'a();\nb();\n');
    assert.ok(!order.allows('c();'), 'the blank line is the sketch\'s, before `n();`');
    write(order, 'n();\nc();\nz();');
  });

  it('takes the sketch\'s blank lines before a marker as the blank lines of its stretch', () => {
    const order = new MergeOrder(lines('k();\nx();\ny();'), lines('k();\n'), new Set([2]));
    write(order, 'k();\nx();');
    assert.ok(!order.allows(''), 'the sketch\'s blank line is not one to write among the marker\'s lines');
    write(order, 'y();');
    assert.ok(order.mayEnd());
  });

  it('starts with the sketch\'s first line when the sketch starts with a new line and no marker', () => {
    const order = new MergeOrder(lines('// old header\nimport a;\nimport b;\n\nrun();'), lines('import a, b;\n\nrun();'));
    assert.ok(!order.allows('// old header') && !order.allows('import a;'), 'the sketch shows the file\'s first line');
    write(order, 'import a, b;\n\nrun();');
    assert.ok(order.mayEnd());
  });

  it('ends the file where a sketch without a marker at its end ends', () => {
    const original = lines('f() {\na();\nb();\n}\nexport { f };');
    // The sketch's `}` closes `f`, which it shows in part.
    const order = new MergeOrder(original, lines('a(1);\n}'), new Set([0, 1]));
    write(order, 'f() {\na(1);\nb();\n}');
    assert.ok(!order.allows('export { f };'), 'the sketch\'s last line is the file\'s');
    assert.ok(order.mayEnd());
  });

  it('does not write the sketch\'s blank lines after a marker at its end into the original\'s lines', () => {
    const order = new MergeOrder(lines('a();\nf() {\ng();\n}'), lines('a(1);\n\n'), new Set([1]));
    write(order, 'a(1);\nf() {');
    assert.ok(!order.allows(''), 'the blank after the marker is where the sketch stopped');
    write(order, 'g();\n}');
    assert.ok(order.mayEnd());
  });

  it('does not end while a marker at the sketch\'s end stands for more of the original', () => {
    const original = lines('a();\nb();\nc();\n');
    const order = new MergeOrder(original, lines('a();\nx();\n'), new Set([2]));
    write(order, 'a();\nx();');
    assert.ok(!order.mayEnd(), '`b();` and `c();` are elided, not deleted');
    write(order, 'b();\nc();');
    assert.ok(order.mayEnd());
    // Without the marker the sketch's last line may end the file.
    const bare = new MergeOrder(lines('a();\nx();\nb();\n'), lines('a();\nx();\n'));
    write(bare, 'a();\nx();');
    assert.ok(bare.mayEnd());
  });

  it('does not end before the sketch\'s last line when the original keeps it, closer or not', () => {
    // A window inside a class: the class's `}` follows a marker at the sketch's end.
    const original = lines('return a;\n}\n\nf() {\nx();\n}\n\ng() {\ny();\n}\n}');
    const order = new MergeOrder(original, lines('\nf() {\nx(1);\n}\n\n\n}'), new Set([0, 5]));
    write(order, 'return a;\n}\n\nf() {\nx(1);\n}\n\ng() {\ny();\n}');
    assert.ok(!order.mayEnd(), 'the sketch ends with the class\'s `}`');
    write(order, '}');
    assert.ok(order.mayEnd());
  });

  it('writes a marker\'s lines before the sketch\'s blank line that stands before the next kept line', () => {
    const original = lines('return a;\n}\n\nf() {\nx();\n}');
    const order = new MergeOrder(original, lines('\nf() {\nx(1);\n}'), new Set([0]));
    assert.ok(!order.allows(''), 'the blank line comes after `return a;` and `}`, where the original has it');
    write(order, 'return a;\n}\n\nf() {\nx(1);\n}');
    assert.ok(order.mayEnd());
  });

  it('does not take a line that shares only keywords with the new lines as one they rewrite', () => {
    // The new lines share a name with `g(id);` but only `return` with `return true;`.
    const order = new MergeOrder(lines('f();\ng(id);\nreturn true;\nh();'), lines('f();\nlog(id);\nreturn await this.get(id);\n'), new Set([3]));
    write(order, 'f();\nlog(id);\nreturn await this.get(id);');
    assert.ok(!order.allows('h();'), '`g(id);` and `return true;` are the marker\'s, not gone');
    assert.ok(order.allows('g(id);'));
    write(order, 'g(id);\nreturn true;\nh();');
    assert.ok(order.mayEnd());
  });

  it('reads a snippet without markers that starts and ends inside the file as the file around it', () => {
    const original = lines('a();\nb();\nc();\nd();\n');
    const snippet = new MergeOrder(original, lines('b();\nx();\nc();\n'));
    assert.ok(!snippet.allows('b();'), 'the file before the snippet is kept');
    write(snippet, 'a();\nb();\nx();\nc();');
    assert.ok(!snippet.mayEnd(), 'the file after the snippet is kept');
    write(snippet, 'd();');
    assert.ok(snippet.mayEnd());
    // A sketch that starts where the file does is the whole new file: its end ends the file.
    const whole = new MergeOrder(original, lines('a();\nb();\nx();\n'));
    write(whole, 'a();\nb();\nx();');
    assert.ok(whole.mayEnd(), 'the new file drops `c();` and `d();`');
    // One that starts in the middle and ends where the file does: a snippet if it is short ...
    const long = lines('a();\nb();\nc();\nd();\ne();\nf();\ng();\nh();');
    const tail = new MergeOrder(long, lines('g();\nx();\nh();'));
    assert.ok(!tail.allows('g();'), 'the file before a short snippet is kept');
    write(tail, 'a();\nb();\nc();\nd();\ne();\nf();\ng();\nx();\nh();');
    // A short sketch that keeps no line of the file is new code within it: the file is kept around it.
    const inserted = new MergeOrder(long, lines('x();'));
    assert.ok(!inserted.allows('b();'));
    write(inserted, 'a();\nb();\nx();\nc();');
    assert.ok(!inserted.mayEnd());
    write(inserted, 'd();\ne();\nf();\ng();\nh();');
    assert.ok(inserted.mayEnd());
    // ... and the whole new file, without its first line, if it is not.
    write(new MergeOrder(long, lines('b();\nc();\nd();\ne();\nf();\ng();\nx();\nh();')), 'b();');
    // Unless it starts deeper in than the file does: a whole file starts at its outermost level.
    const block = lines('run([\n  b(),\n  c(),\n  d(),\n])');
    const indents = { indents: [0, 2, 2, 2, 0], sketchIndents: [2, 2, 2, 0] };
    const inner = new MergeOrder(block, lines('  b(),\n  x(),\n  d(),\n])'), new Set(), indents);
    assert.ok(!inner.allows('b(),'), 'the file before the snippet is kept');
    write(inner, 'run([\nb(),\nx(),\nd(),\n])');
    // (By its brackets too: it closes `])`, a block it did not open, where the file has its first line in one.)
    assert.ok(!new MergeOrder(block, lines('  b(),\n  x(),\n  d(),\n])')).allows('b(),'));
    // Or ends inside a block it leaves open, however long it is.
    const fn = lines('f() {\na();\nb();\nc();\n}');
    const open = new MergeOrder(fn, lines('f() {\na(1);\nb();'));
    write(open, 'f() {\na(1);\nb();');
    assert.ok(!open.mayEnd(), 'the rest of `f` is kept');
    write(open, 'c();\n}');
    assert.ok(open.mayEnd());
    // A method pasted at column 0 that starts with a line the file has inside its class: the
    // class is kept around it, though the sketch is as long as the file.
    const cls = lines('class A {\n  run() {\n    go();\n  }\n  stop() {\n    halt();\n  }\n}');
    const method = lines('run() {\n  go();\n  log();\n  more();\n  evenMore();\n}');
    const pasted = new MergeOrder(cls, method, new Set(), { indents: [0, 2, 4, 2, 2, 4, 2, 0], sketchIndents: [0, 2, 2, 2, 2, 0] });
    assert.ok(!pasted.allows('run() {'), 'the class opens first');
    write(pasted, 'class A {\nrun() {\ngo();\nlog();\nmore();\nevenMore();\n}');
    assert.ok(!pasted.mayEnd(), 'the methods after it are kept');
    write(pasted, 'stop() {\nhalt();\n}\n}');
    assert.ok(pasted.mayEnd());
    write(new MergeOrder(cls, method), 'run() {');
  });

  it('keeps a repeated line where it stands next to a kept line in both texts', () => {
    const original = lines('f() {\nx = 1;\nreturn this;\n}\ng() {\nreturn this;\n}');
    // `x = 1;`, `return this;`, then a marker: the `return this;` after `x = 1;` is the original's.
    const order = new MergeOrder(original, lines('x = 1;\nreturn this;'), new Set([2]));
    assert.deepEqual(order.pairs(), [[1, 0], [2, 1]]);
    write(order, 'f() {\nx = 1;\nreturn this;');
    // Read as another line, the sketch's `return this;` would leave a reading free to skip to `g()`.
    assert.ok(!order.allows('g() {'), 'the marker goes on with the original after the kept line');
    write(order, '}\ng() {\nreturn this;\n}');
  });

  it('drops the original\'s lines between two kept lines the sketch shows with nothing elided between', () => {
    const original = lines('a();\nold();\n\nb();');
    const shown = new MergeOrder(original, lines('a();\nfresh();\nb();'));
    write(shown, 'a();');
    assert.ok(!shown.allows('old();') && !shown.allows(''), 'the sketch shows all that stands between `a();` and `b();`');
    write(shown, 'fresh();\nb();');
    // With a marker between them, the original's lines there may stay.
    const elided = new MergeOrder(original, lines('a();\nfresh();\nb();'), new Set([1]));
    write(elided, 'a();\nold();\n\nfresh();\nb();');
  });

  it('does not keep a line a window holds once when the whole file holds it more often', () => {
    const window = lines('a();\nbreak;\nb();');
    const sketch = lines('x();\nbreak;');
    assert.deepEqual(new MergeOrder(window, sketch).pairs(), [[1, 1]]);
    // Elsewhere in the file there is another `break;`: the sketch's may be a new one.
    const order = new MergeOrder(window, sketch, new Set(), { repeated: new Set(['break;']) });
    assert.deepEqual(order.pairs(), []);
    write(order, 'x();\nbreak;\na();\nbreak;\nb();');
  });

  it('ends a marker\'s stretch at the run of lines the sketch shows after the marker, where the original has that run once', () => {
    // The window's end: a test's last lines, then its closers. The sketch elides the test and adds
    // one after it.
    const text = '  t.after(end)\n  const instance = pino(transport)\n  assert.deepEqual(result, {\n    pid\n  })\n})';
    const original = lines(`  const transport = pino.transport({\n  })\n${text}`);
    const indents = [2, 2, 2, 2, 2, 4, 2, 0];
    const sketch = lines('  })\n})\n\ntest(more)\n})');
    const sketchIndents = [2, 0, 0, 0, 0];
    // Markers before the sketch and after it.
    const order = new MergeOrder(original, sketch, new Set([0, 5]), { indents, sketchIndents });
    // `  })` then `})` stand in a row once in the original, at its end: they are the lines kept there.
    assert.deepEqual(order.pairs(), [[6, 0], [7, 1]]);
    write(order, '  const transport = pino.transport({\n  })\n  t.after(end)');
    assert.ok(!order.allows('})'), 'the stretch does not end at the first `})` it meets');
    write(order, '  const instance = pino(transport)\n  assert.deepEqual(result, {\n    pid\n  })\n})\n\ntest(more)\n})');
    // Not where the run stands more than once: `})` alone there pairs nowhere (with a marker after
    // the new line; without one, the new line is the file's last, after the original's last run).
    assert.deepEqual(new MergeOrder(lines('  })\n})\n  })\n})'), lines('  })\n})\nnext()'), new Set([0, 3]), { indents: [2, 0, 2, 0], sketchIndents: [2, 0, 0] }).pairs(), []);
    assert.deepEqual(new MergeOrder(lines('  })\n})\n  })\n})'), lines('  })\n})\nnext()'), new Set([0]), { indents: [2, 0, 2, 0], sketchIndents: [2, 0, 0] }).pairs(), [[2, 0], [3, 1]]);
  });

  it('anchors a snippet of closers around one changed line by the runs of them the original has once', () => {
    const original = lines('      },\n      { connection, check: false }\n    );\n  }\n\n  other() {\n    f();\n  }\n}');
    const indents = [6, 6, 4, 2, 0, 2, 4, 2, 0];
    const sketch = lines('      },\n      { connection, check }\n    );\n  }');
    const sketchIndents = [6, 6, 4, 2];
    // `    );` then `  }` stands once in a row; `      },` alone is one line, not a run.
    assert.deepEqual(new MergeOrder(original, sketch, new Set(), { indents, sketchIndents }).pairs(), [[2, 2], [3, 3]]);
    // In a window of a file that holds both lines elsewhere too, the run may be that other copy.
    const window = new MergeOrder(original, sketch, new Set(), { indents, sketchIndents, repeated: new Set([');', '}']) });
    assert.deepEqual(window.pairs(), []);
  });

  it('writes a new line that rewrites an original line in that line\'s place', () => {
    const original = lines('a();\nif (x) {\nold(1);\n}\nb();');
    const free = new MergeOrder(original, lines('new(1);'), new Set([0, 1]));
    write(free, 'a();');
    assert.ok(free.allows('new(1);'), 'unplaced, the new line may come anywhere in the stretch');
    const placed = new MergeOrder(original, lines('new(1);'), new Set([0, 1]));
    placed.place([[2, 0]]);
    assert.deepEqual(placed.pairs(), [], 'a rewritten line is not a kept one');
    write(placed, 'a();');
    assert.ok(!placed.allows('new(1);'), 'the marker stands for `if (x) {` too');
    write(placed, 'if (x) {\nnew(1);');
    assert.ok(!placed.allows('old(1);') && !placed.allows('b();'), 'the old line is gone; the original goes on after it');
    write(placed, '}\nb();');
    assert.ok(placed.mayEnd());
  });

  it('takes a line that changes only a value as the old line rewritten', () => {
    const original = lines("port,\nhost: env.HOST ?? '0.0.0.0',\nhosts: env.HOSTS,\ndir: resolve(env.DIR),");
    // The literal is most of the old line's tokens: counted whole, the rest of the line is the same.
    const sketch = lines('host: env.HOST ?? hostname(),');
    const order = new MergeOrder(original, sketch, new Set([0, 1]));
    const placed: [number, number][] = [];
    assert.deepEqual(replacedLines(original, sketch, order.pairs(), order.markers(), placed), ["host: env.HOST ?? '0.0.0.0',"]);
    assert.deepEqual(placed, [[1, 0]]);
  });

  it('reads a snippet that ends with the closing line of a block it keeps the start of as ending where that block does', () => {
    // `return null;` and the closing lines after it are found elsewhere in the file too, so they are not kept: the block's end anchors the sketch's end.
    const original = lines('lookup(t) {\ntry {\nconst link = read(t);\nreturn link.role ? link : null;\n} catch {\nreturn null;\n}\n}\n\n// Lists.\nlist(w) {\ntry {\nreturn read(w);\n} catch {\nreturn null;\n}\n}');
    const sketch = lines('lookup(t) {\ntry {\nreturn link.role || link.kind ? link : null;\n} catch (error) {\nwarn(error);\nreturn null;\n}\n}');
    const indents = [2, 4, 6, 6, 4, 6, 4, 2, 0, 2, 2, 4, 6, 4, 6, 4, 2];
    const sketchIndents = [2, 4, 6, 4, 6, 6, 4, 2];
    const order = new MergeOrder(original, sketch, new Set([2]), { indents, sketchIndents, repeated: new Set(['return null;', '}', 'try {', '} catch {']) });
    assert.ok(order.markers().has(sketch.length), 'a marker is implied after the sketch\'s last line');
    // The part after the marker keeps no line of code of its own: its new lines rewrite those between `try {` and the block's end.
    const placed: [number, number][] = [];
    const replaced = replacedLines(original, sketch, order.pairs(), order.markers(), placed);
    assert.deepEqual(replaced, ['return link.role ? link : null;', '} catch {']);
    assert.deepEqual(placed, [[3, 2], [4, 3]]);
    order.place(placed);
    for (const [line, indent] of [['lookup(t) {', 2], ['try {', 4], ['const link = read(t);', 6]] as const) order.push(line, indent);
    assert.ok(!order.allows('return link.role ? link : null;', 6), 'the old line is rewritten');
    writeShaped(order, [['return link.role || link.kind ? link : null;', 6], ['} catch (error) {', 4], ['warn(error);', 6], ['return null;', 6], ['}', 4], ['}', 2]]);
    assert.ok(!order.mayEnd(), 'the file goes on after the block');
  });

  it('keeps the blank lines alone at a window\'s edge that a sketch with markers starts after', () => {
    // A window that starts with the two blank lines before a Python function.
    const original = lines('\n\ndef f(a):\nx = 1\ny = 2\nreturn x');
    const order = new MergeOrder(original, lines('def f(a):\nx = 3\n'), new Set([2]));
    assert.ok(!order.allows('def f(a):'), 'the blank lines before the function come first');
    write(order, '\n\ndef f(a):\nx = 3\ny = 2\nreturn x');
    assert.ok(order.mayEnd());
  });

  it('writes as many blank lines before new code after a marker as the sketch shows, once begun', () => {
    const order = new MergeOrder(lines('def f():\nreturn 1'), lines('\n\ndef g():\nreturn 2'), new Set([0]));
    write(order, 'def f():\nreturn 1\n');
    assert.ok(!order.allows('def g():'), 'two blank lines before `def g():`, as the sketch has');
    write(order, '\ndef g():\nreturn 2');
    assert.ok(order.mayEnd());
  });

  it('reads a sketch without markers as a snippet of a window around its anchors, however long', () => {
    // The window ends with the context after the method; the sketch, as long, rewrites the method only.
    const original = lines('close() {\na();\nb();\n}\n\n// Next.\nmodel() {');
    const sketch = lines('close() {\na();\ntry {\nb();\n} finally {\nc();\n}\n}');
    const indents = [2, 4, 4, 2, 0, 2, 2];
    const sketchIndents = [2, 4, 4, 6, 4, 6, 4, 2];
    const whole = new MergeOrder(original, sketch, new Set(), { indents, sketchIndents });
    write(whole, 'close() {\na();\ntry {\nb();\n} finally {\nc();\n}\n}');
    assert.ok(whole.mayEnd(), 'as the whole new file, it may drop what follows');
    const window = new MergeOrder(original, sketch, new Set(), { indents, sketchIndents, window: true });
    write(window, 'close() {\na();\ntry {\nb();\n} finally {\nc();\n}\n}');
    assert.ok(!window.mayEnd(), 'in a window, the lines after the method stay');
    write(window, '\n// Next.\nmodel() {');
    assert.ok(window.mayEnd());
  });

  it('does not skip a comment the original has at the sketch\'s start as a chat model\'s note', () => {
    const original = lines("/** Renamed. */\n| { type: 'move' }\n/** Reopens. */\n| { type: 'reopen' };\n\nexport const x = 1;");
    const order = new MergeOrder(original, lines("/** Reopens. */\n| { type: 'reopen' }\n| { type: 'close' };\n"), new Set([0, 4]));
    write(order, '/** Renamed. */');
    assert.ok(!order.allows("| { type: 'reopen' }"), 'the kept comment comes first, after the lines before it');
    write(order, "| { type: 'move' }\n/** Reopens. */\n| { type: 'reopen' }\n| { type: 'close' };\n\nexport const x = 1;");
    assert.ok(order.mayEnd());
  });

  it('lets new lines rewrite a line that holds no name when it is much like one of them', () => {
    // `return "    "` rewrites `return "  "`: they share only the keyword, and are alike in all else.
    const original = lines('def unit():\nif a:\nreturn 1\nreturn "  "\n\n\ndef blocks():');
    const order = new MergeOrder(original, lines('def unit():\nif a:\nreturn 1\nreturn "    "'), new Set([4]));
    write(order, 'def unit():\nif a:\nreturn 1\nreturn "    "\n\n\ndef blocks():');
    assert.ok(order.mayEnd());
  });

  it('writes the blank lines a window ends with when the rest of the file follows it', () => {
    const original = lines('def unit():\nreturn a\n\n');
    const last = new MergeOrder(original, lines('def unit():\nreturn a + b'), new Set([2]));
    write(last, 'def unit():\nreturn a + b\n');
    assert.ok(last.mayEnd(), 'at the file\'s end, trailing blank lines may go');
    const followed = new MergeOrder(original, lines('def unit():\nreturn a + b'), new Set([2]), { followed: true });
    write(followed, 'def unit():\nreturn a + b\n');
    assert.ok(!followed.mayEnd(), 'two blank lines stand before the code after the window');
    write(followed, '');
    assert.ok(followed.mayEnd());
  });

  it('keeps a window\'s context before a snippet without markers that starts with a kept line', () => {
    // The window starts with the end of the function before and a blank line.
    const original = lines('}\n\nfunction close(drop) {\nconst index = find(drop);\nreturn index;\n}\n\nexport function reduce() {');
    const sketch = lines('function close(drop) {\nconst at = find(drop);\nreturn at;\n}');
    const indents = [0, 0, 0, 2, 2, 0, 0, 0];
    const sketchIndents = [0, 2, 2, 0];
    const whole = new MergeOrder(original, sketch, new Set(), { indents, sketchIndents });
    assert.ok(whole.allows('function close(drop) {', 0), 'as a whole file, the sketch may drop what comes before');
    const window = new MergeOrder(original, sketch, new Set(), { indents, sketchIndents, window: true });
    assert.ok(!window.allows('function close(drop) {', 0), 'in a window, the lines before it are context');
    writeShaped(window, [['}', 0], ['', 0], ['function close(drop) {', 0], ['const at = find(drop);', 2], ['return at;', 2], ['}', 0], ['', 0], ['export function reduce() {', 0]]);
    assert.ok(window.mayEnd());
  });

  it('takes a new line that extends the original\'s line next to a kept line, before a marker, as that line rewritten', () => {
    const original = lines('const doc = make(id);\n// The file may have changed.\nreplaceText(doc, diskText);\ndoc.shadow = doc.text;');
    const sketch = lines("// The file may have changed.\nreplaceText(doc, diskText, { author: 'disk', socketId: null });");
    assert.deepEqual(replacedLines(original, sketch, [[1, 0]], new Set([0, 2])), ['replaceText(doc, diskText);']);
    // Not a line that only starts the same way.
    assert.deepEqual(replacedLines(original, lines('// The file may have changed.\nreplaceText.cache.clear(all, keys, now);'), [[1, 0]], new Set([0, 2])), []);
  });

  it('reads a Markdown heading as text the sketch requires, and a rewritten one above its paragraph as the old one replaced', () => {
    const original = lines('| a | b |\n\n## Scaled mode\n\nEmbedded mode keeps everything in one process.\nMore text.');
    const sketch = lines('## Scaled mode (quick start)\n\nEmbedded mode keeps everything in one process.');
    const order = new MergeOrder(original, sketch, new Set([0, 3]));
    write(order, '| a | b |\n');
    assert.ok(!order.allows('Embedded mode keeps everything in one process.'), 'the new heading is not a note to leave out');
    assert.deepEqual(replacedLines(original, sketch, order.pairs(), order.markers()), ['## Scaled mode']);
  });

  it('reads a snippet that closes a method and then the class at the file\'s end as reaching the end', () => {
    // The method `left` after `closed` is gone: the sketch closes `closed`, then the class, the file's last line.
    const original = lines('closed(p) {\nthis.emit(p);\n}\n\nleft(all) {\nfor (const p of all) this.closed(p);\n}\n}');
    const sketch = lines('closed(p) {\nthis.emit(p);\n}\n}');
    const indents = [2, 4, 2, 0, 2, 4, 2, 0];
    const sketchIndents = [2, 4, 2, 0];
    const order = new MergeOrder(original, sketch, new Set(), { indents, sketchIndents, window: true });
    writeShaped(order, [['closed(p) {', 2], ['this.emit(p);', 4], ['}', 2], ['}', 0]]);
    assert.ok(order.mayEnd());
    // Where the rest of the file follows the window, the class goes on after it.
    const followed = new MergeOrder(original, sketch, new Set(), { indents, sketchIndents, window: true, followed: true });
    for (const [line, indent] of [['closed(p) {', 2], ['this.emit(p);', 4], ['}', 2]] as const) followed.push(line, indent);
    assert.ok(!followed.allows('}', 0) || !followed.mayEnd());
  });

  it('writes the blank line a sketch puts between a marker and code it adds after the whole file', () => {
    const order = new MergeOrder(lines('export const A = 1;\nexport const B = 2;'), lines('\nexport const C = 3;'), new Set([0]));
    write(order, 'export const A = 1;\nexport const B = 2;');
    assert.ok(!order.allows('export const C = 3;'), 'the blank line first');
    write(order, '\nexport const C = 3;');
    assert.ok(order.mayEnd());
  });

  it('keeps the blank lines a window ends with after a markerless snippet that shows a whole function', () => {
    const original = lines('\n\ndef extension(path):\nreturn path\n\n');
    const sketch = lines('def extension(path):\n"""The extension."""\nreturn path');
    const order = new MergeOrder(original, sketch, new Set(), { indents: [0, 0, 0, 4, 0, 0], sketchIndents: [0, 4, 4], window: true, followed: true });
    writeShaped(order, [['', 0], ['', 0], ['def extension(path):', 0], ['"""The extension."""', 4], ['return path', 4]]);
    assert.ok(!order.mayEnd(), 'the two blank lines before the next function stay');
    write(order, '\n');
    assert.ok(order.mayEnd());
  });

  it('reads Markdown bold at a line start as text the sketch requires, not a comment', () => {
    const order = new MergeOrder(lines('alpha\n\nbeta gamma'), lines('**Note:** read this.\nbeta gamma'));
    assert.ok(!order.allows('beta gamma'), 'the note is required');
    const comment = new MergeOrder(lines('alpha\n\nbeta gamma'), lines('* Refactored: beta\nbeta gamma'));
    assert.ok(comment.allows('beta gamma'), 'a leading comment may be a chat model\'s note');
  });

  it('does not leave out a blank line both texts have right before a kept line', () => {
    const original = lines('a one\nend();\n\nb two');
    const order = new MergeOrder(original, lines('a one\nnew();\n}\n\nb two'));
    write(order, 'a one\nnew();\n}');
    assert.ok(!order.allows('b two'), 'the blank line before `b two` is in both texts');
    write(order, '\nb two');
  });


  it('keeps a new block between two blocks apart from the one after it, as the original keeps them apart', () => {
    // The sketch's blank line after `}` is the original's; the marker after the new block stands for `// parse` on.
    const original = lines('if (a) {\nx();\n}\n\n// parse\nif (b) {\ny();\n}');
    const indents = [2, 4, 2, 0, 2, 2, 4, 2];
    const order = new MergeOrder(original, lines('x();\n}\n\nif (c) {\nz();\n}'), new Set([0, 6]), { indents, sketchIndents: [4, 2, 0, 2, 4, 2] });
    writeShaped(order, [['if (a) {', 2], ['x();', 4], ['}', 2], ['', 0], ['if (c) {', 2], ['z();', 4], ['}', 2]]);
    assert.ok(!order.allows('// parse', 2), 'the new block and the next one stand apart');
    assert.ok(!order.allows('if (b) {', 2), 'nor is the comment before the next block passed instead');
    order.push('', 0);
    writeShaped(order, [['// parse', 2], ['if (b) {', 2], ['y();', 4], ['}', 2]]);
    assert.ok(order.mayEnd());
    // A new block that rewrites the line after the blank closes nothing the next line stands beside.
    const inner = new MergeOrder(lines('if (a) {\nx();\n}\n\nwrite(html);\n}'), lines('x();\n}\n\nwait(() => {\nwrite(html, done);\n});'), new Set([0, 6]), {
      indents: [4, 6, 4, 0, 4, 2],
      sketchIndents: [6, 4, 0, 4, 6, 4],
    });
    writeShaped(inner, [['if (a) {', 4], ['x();', 6], ['}', 4], ['', 0], ['wait(() => {', 4], ['write(html, done);', 6], ['});', 4], ['}', 2]]);
    assert.ok(inner.mayEnd());
  });
  it('adds a last part of new code after a marker at the end, unless it rewrites the line where it stands', () => {
    const original = lines('start();\nf(a);\ng(a);\nlike(a, b);\nsplit(key);');
    const sketch = lines('start();\nisWord(key) {\nreturn test(key);\n}');
    const order = new MergeOrder(original, sketch, new Set([1]));
    write(order, 'start();\nf(a);\ng(a);');
    assert.ok(!order.allows('isWord(key) {'), 'the marker stands for `like` and `split` too: the new code goes after them');
    write(order, 'like(a, b);\nsplit(key);\nisWord(key) {\nreturn test(key);\n}');
    assert.ok(order.mayEnd());
    // Where the new code rewrites the next line, it stands in that line's place.
    const rewrite = new MergeOrder(original, lines('start();\nsplit(key, 2);'), new Set([1]));
    write(rewrite, 'start();\nf(a);');
    assert.ok(!rewrite.allows('split(key, 2);'), '`g(a);` is not the line it rewrites');
    write(rewrite, 'g(a);\nlike(a, b);\nsplit(key, 2);');
    assert.ok(rewrite.mayEnd());
  });

  it('does not end a file whose sketch ends with new code after a marker by leaving out what the marker stands for', () => {
    // `split(key, 2);` rewrites `split(key);`, not `other();` after it: ending there would delete that.
    const order = new MergeOrder(lines('start();\nf(a);\nsplit(key);\nother();'), lines('start();\nsplit(key, 2);'), new Set([1]));
    write(order, 'start();\nf(a);\nsplit(key, 2);');
    assert.ok(!order.mayEnd(), '`other();` is left');
    write(order, 'other();');
    assert.ok(order.mayEnd());
  });

  it('puts a snippet with no kept line where one of its lines goes on from the original\'s, and closes what the file closes after it', () => {
    // `out.write(html, (err) => {` goes on from `out.write(html);`: the snippet wraps that line.
    // `await new Promise(...)` reads like `return new Promise(...)` in `read`, but is new code.
    const shaped: [string, number][] = [
      ['async function start() {', 0], ['if (output) {', 2], ['return save(output);', 4], ['}', 2], ['out.write(html);', 2], ['}', 0], ['', 0],
      ['function read() {', 0], ['return new Promise((resolve, reject) => {', 2], ["stdin.on('error', reject);", 4], ['});', 2], ['}', 0], ['', 0],
      ['function camelize(text) {', 0], ['return text.toUpperCase();', 2], ['}', 0],
    ];
    const snippet: [string, number][] = [
      ['await new Promise((resolve, reject) => {', 2], ['out.write(html, (err) => {', 4], ['if (err) reject(err);', 6], ['else resolve();', 6], ['});', 4], ['});', 2],
    ];
    const original = shaped.map(([line]) => line);
    const sketch = snippet.map(([line]) => line);
    const order = new MergeOrder(original, sketch, new Set(), { indents: shaped.map(([, n]) => n), sketchIndents: snippet.map(([, n]) => n) });
    const placed: [number, number][] = [];
    assert.deepEqual(replacedLines(original, sketch, order.pairs(), order.markers(), placed), ['out.write(html);']);
    assert.deepEqual(placed, [[4, 1]]);
    order.place(placed);
    writeShaped(order, [...shaped.slice(0, 4), ...snippet]);
    // The snippet's lines close what they open: the function's `}` at 0 still comes.
    assert.ok(!order.allows(''), 'the lines after the snippet resume after the function\'s end, not past it');
    assert.ok(!order.allows('function read() {', 0));
    writeShaped(order, shaped.slice(5));
    assert.ok(order.mayEnd());
  });

  it('keeps a window\'s lines past a snippet that ends with new code', () => {
    // The window holds the function after the one the snippet rewrites: that one is context.
    const shaped: [string, number][] = [['return docs', 4], ['', 0], ['', 0], ['def write(path, docs):', 0], ['path.mkdir()', 4], ['with open(path) as f:', 4], ['f.write(docs)', 8], ['', 0], ['', 0], ['def summarize(docs):', 0], ['return len(docs)', 4]];
    const snippet: [string, number][] = [['def write(path, docs):', 0], ['path.mkdir()', 4], ['count = 0', 4], ['with open(path) as f:', 4], ['f.write(docs)', 8], ['count += 1', 8], ['return count', 4]];
    const layout = { window: true, followed: true };
    const order = shapedOrder(shaped, snippet, [], layout);
    writeShaped(order, [...shaped.slice(0, 5), ['count = 0', 4], ...shaped.slice(5, 7), ['count += 1', 8], ['return count', 4], ['', 0], ['', 0]]);
    assert.ok(!order.mayEnd(), '`summarize` is not deleted');
    writeShaped(order, shaped.slice(9));
    assert.ok(order.mayEnd());
  });

  it('keeps a window\'s context after a sketch that ends without a marker, though it has one before', () => {
    // The window ends with the next function's first lines, which the sketch does not show.
    const shaped: [string, number][] = [['}', 2], ['', 0], ['const code = best.trim();', 2], ['return code ? code : null;', 2], ['}', 0], ['', 0], ['/** Asks. */', 0], ['export async function ask(config) {', 0]];
    const sketch: [string, number][] = [['const code = best.trim();', 2], ['if (!code) return null;', 2], ['return code;', 2], ['}', 0]];
    const layout = { window: true, followed: true };
    const order = shapedOrder(shaped, sketch, [0], layout);
    writeShaped(order, [['}', 2], ['', 0], ...sketch]);
    assert.ok(!order.mayEnd(), 'the next function\'s lines stay');
    writeShaped(order, shaped.slice(5));
    assert.ok(order.mayEnd());
    // Lines repeated as they are, before a window's last lines of punctuation: those stay too.
    const tail: [string, number][] = [['next();', 6], ['} catch {', 4], ["next(new Error('unauthorized'));", 6], ['}', 4], ['});', 2], ['', 0]];
    const same = tail.slice(1, 4);
    const unchanged = shapedOrder(tail, same, [], { window: true, followed: true });
    writeShaped(unchanged, tail.slice(0, 4));
    assert.ok(!unchanged.mayEnd(), 'the callback\'s `});` stays');
    writeShaped(unchanged, tail.slice(4));
    assert.ok(unchanged.mayEnd());
  });

  it('does not end a marker\'s stretch with new lines that leave the block it stands in open', () => {
    const shaped: [string, number][] = [['function describe(body) {', 0], ['const text = body.trim();', 2], ['return text;', 2], ['}', 0], ['', 0], ['function abortError() {', 0], ["const e = new Error('aborted');", 2], ["e.name = 'AbortError';", 2], ['return e;', 2], ['}', 0]];
    const sketch: [string, number][] = [['', 0], ['function abortError(reason) {', 0], ['const e = new Error(reason);', 2], ["e.name = 'AbortError';", 2], ['return e;', 2], ['}', 0]];
    const order = shapedOrder(shaped, sketch, [0]);
    writeShaped(order, shaped.slice(0, 3));
    assert.ok(!order.allows('function abortError(reason) {', 0), '`describe` is closed first');
    writeShaped(order, [['}', 0], ['', 0], ...sketch.slice(1)]);
    assert.ok(order.mayEnd());
  });

  it('does not go on with the original inside a block whose opening line it passed', () => {
    const shaped: [string, number][] = [['const closeTab = useCallback((path) => {', 2], ['dispatch(path);', 4], ['}, []);', 2], ['const closeActive = useCallback(() => {', 2], ['if (active) closeTab(active);', 4], ['}, [closeTab]);', 2]];
    // The new line shares a name with `closeActive`'s first line, so it might have rewritten it.
    const sketch: [string, number][] = [['const closeTab = useCallback((path) => {', 2], ['dispatch(path);', 4], ['requestAnimationFrame(closeActive);', 4], ['}, [closeActive]);', 2]];
    const layout = { window: true, followed: true };
    const order = shapedOrder(shaped, sketch, [], layout);
    writeShaped(order, sketch);
    assert.ok(!order.allows('if (active) closeTab(active);', 4), '`closeActive`\'s first line is not dropped');
    writeShaped(order, shaped.slice(3));
    assert.ok(order.mayEnd());
    // Where the output opens a block there itself (that line rewritten), the original goes on inside it.
    const header = 'const closeTab = useCallback((path, why) => {';
    const rewritten = shapedOrder(shaped, [[header, 2], ['}, [focus]);', 2]], [1], layout);
    writeShaped(rewritten, [[header, 2], ['dispatch(path);', 4]]);
  });

  it('reads a block the sketch shows as a marker alone as that block, its closing line the block\'s own', () => {
    const shaped: [string, number][] = [['close(path) {', 2], ['setStates((prev) => {', 4], ['return next;', 6], ['});', 4], ['done();', 4], ['}', 2]];
    const sketch: [string, number][] = [['close(path) {', 2], ['setStates((prev) => {', 4], ['});', 4], ['focus();', 4], ['}', 2]];
    const order = shapedOrder(shaped, sketch, [2]);
    writeShaped(order, shaped.slice(0, 4));
    assert.ok(!order.allows('done();', 4), 'the sketch shows what follows the block: `focus();`');
    writeShaped(order, [['focus();', 4], ['}', 2]]);
    assert.ok(order.mayEnd());
  });

  it('reads a repeated line shown after a marker and right before a kept line as the end of the block before it', () => {
    // `return None` ends `match_path`; the sketch then shows `match_stack`: `match_banner` between is gone.
    const shaped: [string, number][] = [
      ['def match_path(self, path):', 4], ['if not path:', 8], ['return None', 12], ['return self.find(path)', 8], ['return None', 8], ['', 0],
      ['def match_banner(self, text):', 4], ['found = self.banner.search(text)', 8], ['return found', 8], ['', 0],
      ['def match_stack(self, names):', 4], ['return names', 8],
    ];
    const sketch: [string, number][] = [['def match_path(self, path):', 4], ['return None', 8], ['', 0], ['def match_stack(self, names):', 4]];
    const order = shapedOrder(shaped, sketch, [1, 4]);
    assert.deepEqual(order.pairs(), [[0, 0], [4, 1], [10, 3]]);
    writeShaped(order, shaped.slice(0, 6));
    assert.ok(!order.allows('def match_banner(self, text):', 4), 'the sketch shows `match_stack` next');
    writeShaped(order, shaped.slice(10));
    assert.ok(order.mayEnd());
  });

  it('keeps a window\'s context before a sketch that starts with a new comment, and replaces the comment it rewrites', () => {
    // The window starts with the end of `accept`; the sketch rewrites `nextWord`'s doc comment.
    const shaped: [string, number][] = [["userEvent: 'input.complete',", 4], ['});', 2], ['return true;', 2], ['}', 0], ['', 0], ['/** The next word of a suggestion. */', 0], ['export function nextWord(text) {', 0], ['return text;', 2], ['}', 0]];
    const sketch: [string, number][] = [['/**', 0], ['* The next word of a suggestion.', 1], ['* Accepting words this way never splits one.', 1], ['*/', 1], ['export function nextWord(text) {', 0]];
    const original = shaped.map(([l]) => l);
    const lines = sketch.map(([l]) => l);
    const layout = { window: true, followed: true };
    const order = shapedOrder(shaped, sketch, [], { ...layout, preceded: true });
    assert.deepEqual(replacedLines(original, lines, order.pairs(), order.markers()), ['/** The next word of a suggestion. */']);
    assert.ok(!order.allows('/**', 0), '`accept`\'s last lines come first');
    writeShaped(order, [...shaped.slice(0, 5), ...sketch, ...shaped.slice(7)]);
    assert.ok(order.mayEnd());
    // At the file's start, the sketch's first lines may rewrite the file's first lines.
    const top = shapedOrder(shaped, sketch, [], layout);
    assert.ok(top.allows('/**', 0));
  });

  it('writes the blank line a sketch puts between a kept line and the new lines after it', () => {
    // The file's last function is shown whole (its `}` kept), then a new one after a blank line.
    const shaped: [string, number][] = [['/** The last segment. */', 0], ['export function baseName(path) {', 0], ['return path.slice(1);', 2], ['}', 0]];
    const sketch: [string, number][] = [...shaped, ['', 0], ['/** The extension. */', 0], ['export function extensionOf(path) {', 0]];
    const order = shapedOrder(shaped, sketch, [0]);
    writeShaped(order, shaped);
    assert.ok(!order.allows('/** The extension. */', 0), 'a blank line first');
    writeShaped(order, sketch.slice(4));
    assert.ok(order.mayEnd());
  });

  it('pairs the closing line of a block whose first line the sketch rewrites, by the kept lines inside it', () => {
    const shaped: [string, number][] = [['}', 2], ['', 0], ['static isLinkId(id) {', 2], ['return LINK_ID.test(id);', 4], ['}', 2], ['', 0], ['static hash(token) {', 2], ['return digest(token);', 4], ['}', 2]];
    const sketch: [string, number][] = [['static isValidLinkId(id) {', 2], ['return LINK_ID.test(id);', 4], ['}', 2]];
    const order = shapedOrder(shaped, sketch, [0, 3]);
    assert.deepEqual(order.pairs(), [[3, 1], [4, 2]]);
    writeShaped(order, [...shaped.slice(0, 2), ...sketch, ...shaped.slice(5, 7)]);
    assert.ok(!order.allows('}', 2), 'the sketch\'s `}` closed `isValidLinkId`; it is not written again');
    writeShaped(order, shaped.slice(7));
    assert.ok(order.mayEnd());
  });

  it('reads a block body moved up out of a block the sketch shows whole as new lines there, and the block as kept', () => {
    // `if (isObject(thing)) {`'s body moves up into a new first check; the sketch shows the old
    // block whole with a new body, and a marker for the checks between.
    const shaped: [string, number][] = [
      ['export function atomOf(thing, property) {', 0], ['if (isArray(thing)) {', 2], ['return thing.atom;', 4], ['}', 2],
      ['if (isSet(thing)) {', 2], ['return thing.setAtom;', 4], ['}', 2],
      ['if (isObject(thing)) {', 2], ['if (!property) {', 4], ['return die(26);', 6], ['}', 4], ['const found = thing.values.get(property);', 4], ['return found ?? die(27, property);', 4], ['}', 2],
      ['return die(28);', 2], ['}', 0],
    ];
    const sketch: [string, number][] = [
      ['export function atomOf(thing, property) {', 0], ['const adm = thing.admin;', 2], ['if (isObjectAdmin(adm)) {', 2], ['if (!property) {', 4], ['return die(26);', 6], ['}', 4],
      ['const found = thing.values.get(property);', 4], ['return found ?? die(27, property);', 4], ['}', 2], ['if (isArray(thing)) {', 2], ['return thing.atom;', 4], ['}', 2],
      ['if (isObject(thing)) {', 2], ['return atomOf(thing.admin, property);', 4], ['}', 2],
    ];
    const order = shapedOrder(shaped, sketch, [12, 15]);
    // Not the moved body (the longer run of lines found once in each): the block's first line, and the checks around.
    assert.deepEqual(order.pairs(), [[0, 0], [1, 9], [2, 10], [3, 11], [7, 12], [13, 14]]);
    writeShaped(order, [...sketch.slice(0, 12), ...shaped.slice(4, 8), ...sketch.slice(13), ...shaped.slice(14)]);
    assert.ok(order.mayEnd());
  });

  it('puts new code with no anchor right after the last function of the file it uses', () => {
    const shaped: [string, number][] = [
      ['const LIMIT = 10;', 0], ['', 0], ['/** Whether a value is a draft. */', 0], ['export const isDraft = (value) => !!value && !!value[STATE];', 0], ['', 0],
      ['export function isPlain(value) {', 0], ['return typeof value === "object";', 2], ['}', 0], ['', 0], ['export function shallow(value) {', 0], ['return { ...value };', 2], ['}', 0],
      ['', 0], ['export function freeze(value) {', 0], ['return Object.freeze(value);', 2], ['}', 0],
    ];
    const helper: [string, number][] = [['', 0], ['/** Whether a draft was modified. */', 0], ['export function isModified(value) {', 0], ['if (!isDraft(value)) return false;', 2], ['return value[STATE].modified;', 2], ['}', 0], ['', 0]];
    const order = shapedOrder(shaped, helper, []);
    writeShaped(order, shaped.slice(0, 4));
    assert.ok(order.allows('', 0));
    writeShaped(order, [['', 0]]);
    assert.ok(!order.allows('export function isPlain(value) {', 0), 'the helper comes first: it uses `isDraft`');
    writeShaped(order, helper.slice(1, 3));
    assert.ok(!order.allows('export function isPlain(value) {', 0), 'the new code first, then a blank line');
    writeShaped(order, [...helper.slice(3), ...shaped.slice(5)]);
    assert.ok(order.mayEnd());
    // Before `isDraft`, the helper may not start.
    const early = shapedOrder(shaped, helper, []);
    writeShaped(early, shaped.slice(0, 2));
    assert.ok(!early.allows('/** Whether a draft was modified. */', 0));
    // A constant it uses does not place it.
    const constant = shapedOrder(shaped, [['export function limit() {', 0], ['return LIMIT;', 2], ['}', 0]], []);
    assert.ok(constant.allows('export function limit() {', 0), 'it may go first, before `LIMIT`');
    // A Python function's body ends it: the helper goes after the body, not inside it.
    const python: [string, number][] = [['import os', 0], ['', 0], ['', 0], ['def extension(path):', 0], ['base = os.path.basename(path)', 4], ['return base.rsplit(".", 1)[-1]', 4], ['', 0], ['', 0], ['def marker(path):', 0], ['return "#" if extension(path) == "py" else "//"', 4], ['', 0], ['', 0], ['def note(path):', 0], ['return marker(path) + " note"', 4]];
    const isMarkdown: [string, number][] = [['', 0], ['', 0], ['def is_markdown(path):', 0], ['return extension(path) in ("md", "markdown")', 4]];
    const placed = shapedOrder(python, isMarkdown, []);
    writeShaped(placed, python.slice(0, 5));
    assert.ok(!placed.allows('def is_markdown(path):', 0), 'not inside `extension`');
    writeShaped(placed, [python[5]]);
    assert.ok(!placed.allows('def is_markdown(path):', 0), 'after the two blank lines the file has there');
    writeShaped(placed, [...isMarkdown, ...python.slice(6)]);
    assert.ok(placed.mayEnd());
  });

  it('goes on after new lines, where an indented marker follows them, at a line indented as the marker', () => {
    const shaped: [string, number][] = [
      ['if (isEvent(attribute)) {', 3], ['capture(attribute);', 4], ['// value properties are not attributes', 4], ["} else if (attribute.name !== 'value') {", 3], ['push(attribute);', 4], ['count++;', 4], ['}', 3],
      ["} else if (attribute.type === 'Bind') {", 2], ['bind(attribute);', 3],
    ];
    const sketch: [string, number][] = [["} else if (isInput(node) && attribute.name === 'value') {", 3], ['spread = true;', 4]];
    const markerIndents = new Map([[0, 4], [2, 4]]);
    const order = () => new MergeOrder(shaped.map(([l]) => l), sketch.map(([l]) => l), new Set([0, 2]), { indents: shaped.map(([, n]) => n), sketchIndents: sketch.map(([, n]) => n), markerIndents });
    const inserted = order();
    writeShaped(inserted, [...shaped.slice(0, 2), ...sketch]);
    assert.ok(!inserted.allows("} else if (attribute.name !== 'value') {", 3), 'the marker stands for lines at depth 4');
    writeShaped(inserted, shaped.slice(2));
    assert.ok(inserted.mayEnd());
    // Not right after a line that opens a block, closing it before its body.
    const emptied = order();
    writeShaped(emptied, shaped.slice(0, 4));
    assert.ok(!emptied.allows(sketch[0][0], 3));
    // Nor past the last place the new branch can go and the original go on at depth 4.
    const late = order();
    writeShaped(late, shaped.slice(0, 5));
    assert.ok(!late.allows('count++;', 4), 'after it, the original has nothing at depth 4 to go on with');
    assert.ok(late.allows(sketch[0][0], 3));
    // At the end of a window that the rest of the file follows, the marker's lines are not there.
    const upTo = (followed: boolean) => new MergeOrder(shaped.slice(0, 7).map(([l]) => l), sketch.map(([l]) => l), new Set([0, 2]), { indents: shaped.map(([, n]) => n), sketchIndents: sketch.map(([, n]) => n), markerIndents, followed });
    const atFileEnd = upTo(false);
    writeShaped(atFileEnd, shaped.slice(0, 7));
    assert.ok(atFileEnd.allows(sketch[0][0], 3), 'at the file\'s end the marker may stand for nothing');
    const inWindow = upTo(true);
    writeShaped(inWindow, shaped.slice(0, 5));
    assert.ok(!inWindow.allows('count++;', 4));
  });

  it('reads a new line that defines a name the file defines in a block as that whole definition rewritten', () => {
    const shaped: [string, number][] = [['static isLinkId(id) {', 2], ['return LINK_ID.test(id);', 4], ['}', 2], ['', 0], ['private static hash(token) {', 2], ["return createHash('sha256').update(token).digest('hex');", 4], ['}', 2], ['', 0], ['get root() {', 2], ['return this.dir;', 4], ['}', 2]];
    const arrow = "private static hash = (token) => createHash('sha256').update(token).digest('hex');";
    const original = shaped.map(([l]) => l);
    const order = new MergeOrder(original, [arrow], new Set([0, 1]), { indents: shaped.map(([, n]) => n), sketchIndents: [2] });
    const placed: [number, number][] = [];
    const ends = new Map<number, number>();
    assert.deepEqual(replacedLines(original, [arrow], order.pairs(), order.markers(), placed, ends), ['private static hash(token) {', "return createHash('sha256').update(token).digest('hex');"]);
    assert.deepEqual([placed, [...ends]], [[[4, 0]], [[4, 6]]]);
    order.place(placed, ends);
    writeShaped(order, [...shaped.slice(0, 4), [arrow, 2]]);
    assert.ok(!order.allows('}', 2), 'the old method\'s body and closing line are gone');
    writeShaped(order, shaped.slice(7));
    assert.ok(order.mayEnd());
    // Code added at the end that redefines the file's last function rewrites it, rather than adding a second one.
    const fn = lines('export const x = 1;\n\nfunction capitalize(s) {\nreturn s.toUpperCase();\n}');
    const redefined = lines('\nconst capitalize = (s) => s.toUpperCase();');
    const atEnd = new MergeOrder(fn, redefined, new Set([0]), { indents: [0, 0, 0, 2, 0], sketchIndents: [0, 0] });
    const endPlaced: [number, number][] = [];
    const endEnds = new Map<number, number>();
    replacedLines(fn, redefined, atEnd.pairs(), atEnd.markers(), endPlaced, endEnds);
    atEnd.place(endPlaced, endEnds);
    writeShaped(atEnd, [['export const x = 1;', 0], ['', 0], ['const capitalize = (s) => s.toUpperCase();', 0]]);
    assert.ok(atEnd.mayEnd());
    assert.ok(!atEnd.allows('return s.toUpperCase();', 2));
  });

  it('tells the name a line defines, and a line that goes on from another', () => {
    const defined: [string, string][] = [
      ['function capitalize(s: string): string {', 'capitalize'],
      ['export async function* walk(dir) {', 'walk'],
      ['const capitalize = (s: string): string => s.toUpperCase();', 'capitalize'],
      ['private static hash = (token: string): string => digest(token);', 'hash'],
      ['static isLinkId(id: string): boolean {', 'isLinkId'],
      ['async lookup(token: string): Promise<ShareLink | null> {', 'lookup'],
      ['def match_path(self, rel_path):', 'match_path'],
    ];
    for (const [line, name] of defined) assert.equal(definedName(line), name, line);
    for (const line of ["describe('box', () => {", 'if (ready) {', 'hash = digest(token);', 'return capitalize(s);', 'for (const x of xs) {']) assert.equal(definedName(line), null, line);
    assert.ok(continuesLine(tokens("out.write(html + '\\n');"), tokens("out.write(html + '\\n', (err) => {")));
    assert.ok(!continuesLine(tokens("onProgress({ percent }, previousChunk);"), tokens("onProgress({ percent: 1 }, finalChunk);")));
  });

  it('lets a copy try lines without moving the original', () => {
    const order = new MergeOrder(lines('a();\nb();'), lines(''));
    const copy = order.clone();
    copy.push('b();');
    assert.ok(!copy.allows('a();'));
    assert.ok(order.allows('a();'));
  });
});
