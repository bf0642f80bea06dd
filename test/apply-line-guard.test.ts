/** Apply's constrained decoding: the output is made of the original's and the sketch's lines. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineGuard, repeatedLines, toBytes } from '../workers/apply/line-guard';
import { CausalLm } from '../workers/runtime/causal-lm';
import { modelSourceFor } from '../workers/runtime/model-source';

/** A guard over tokens of one character each (id = char code), 0 the end token, 1 blocked. */
function charGuard(original: string, sketch: string): LineGuard {
  return new LineGuard({ original: original.split('\n'), sketch: sketch.split('\n') }, (id) => String.fromCharCode(id), 0, new Set([1]));
}

function write(guard: LineGuard, text: string): void {
  for (const ch of text) {
    assert.ok(guard.allows(ch.charCodeAt(0)), `"${ch}" refused while writing ${JSON.stringify(text)}`);
    guard.push(ch.charCodeAt(0));
  }
}

describe('line guard', () => {
  it('lets the output keep, move and drop lines of the original and the sketch', () => {
    const guard = charGuard('a();\nb();\nd();\n', 'c();\nb();\n');
    write(guard, 'c();\nb();\n');
    assert.ok(guard.allows(0), 'the end is allowed where a line ends');
  });

  it('does not end before the sketch\'s last line of code', () => {
    const guard = charGuard('a();\nb();\n', 'a();\nc();\n}\n');
    write(guard, 'a();\n');
    assert.ok(!guard.allows(0));
    write(guard, 'c();\n');
    assert.ok(guard.allows(0), 'a closing `}` is not code the output must reach');
  });

  it('indents a line as one of the texts does, or shifts the sketch as its kept lines are shifted', () => {
    // The sketch is pasted at column 0; its `a();` is the original's, indented by 2.
    const original = 'if (x) {\n  a();\n  b();\n}\n';
    const sketch = 'a();\nc();\n';
    const guard = charGuard(original, sketch);
    write(guard, 'if (x) {\n  a();\n  c();\n');
    assert.ok(!guard.allows('b'.charCodeAt(0)), '`b();` only as the original indents it');
    write(guard, '  b();\n');
    const three = charGuard(original, sketch);
    write(three, 'if (x) {\n  a();\n  ');
    assert.ok(!three.allows(' '.charCodeAt(0)), 'no line is indented by 3');
    // Its first line is one the file has deeper in: its new lines go in shifted only.
    const pasted = charGuard(original, sketch);
    write(pasted, 'if (x) {\n  a();\n');
    assert.ok(!pasted.allows('c'.charCodeAt(0)), '`c();` as pasted, at column 0');
    // As the output will have it, the shifted sketch is a source of drafts; a sketch in place is not shifted.
    assert.equal(pasted.shiftedSketch, '  a();\n  c();');
    assert.equal(charGuard(original, 'if (x) {\n  a();\n  c();\n').shiftedSketch, null);
  });

  it('writes a line the sketch keeps from the original once, others as often as both texts hold them', () => {
    const original = '  multiply(number) {\n  }\n';
    const sketch = '  multiply(number) {\n  }\n  divide(number) {\n  }\n';
    const guard = charGuard(original, sketch);
    write(guard, '  multiply(number) {\n  }\n');
    // In both texts, it is the same line kept: once, not twice. `divide` may still come.
    write(guard, '  ');
    assert.ok(!guard.allows('m'.charCodeAt(0)));
    assert.ok(guard.allows('d'.charCodeAt(0)));
    const short = charGuard('x;\n', 'x;\nx;\n');
    write(short, 'x;\nx;\nx;\n');
    assert.ok(!short.allows('x'.charCodeAt(0)), 'a fourth `x;` line');
  });

  it('keeps each text\'s order: a line the output has passed in both texts does not come back', () => {
    const guard = charGuard('load(a);\nsave(a);\nload(b);\nsave(b);\n', 'load(b);\nflush(true);\n');
    write(guard, 'load(a);\nsave(a);\nload(b);\n');
    // `load(b);` is the original's third line kept by the sketch: both texts are read past it.
    assert.ok(!guard.allows('l'.charCodeAt(0)), 'neither `load` line is ahead any more');
    // The sketch shows `flush(true);` right after `load(b);`.
    assert.ok(!guard.allows('s'.charCodeAt(0)) && !guard.allows(0), 'the sketch\'s next line comes first');
    write(guard, 'flush(true);\nsave(');
    assert.ok(!guard.allows('a'.charCodeAt(0)), '`save(a);` is behind: the model lost its place');
    assert.ok(guard.allows('b'.charCodeAt(0)));
    write(guard, 'b);\n');
    assert.ok(guard.allows(0));
  });

  it('bounds blanks, so decoding cannot run on in spaces or blank lines', () => {
    const guard = charGuard('  a();\n    \n\n  c();', 'b();');
    write(guard, '  a();\n' + ' '.repeat(4));
    assert.ok(!guard.allows(' '.charCodeAt(0)), 'no line, and no line of blanks alone, is longer');
    write(guard, '\n\n');
    assert.ok(!guard.allows('\n'.charCodeAt(0)), 'a third blank line: the original has two there');
    const tail = charGuard('a();  \n', 'a();\n');
    write(tail, 'a();' + ' '.repeat(2));
    assert.ok(!tail.allows(' '.charCodeAt(0)), 'no more trailing blanks than the inputs have');
    assert.ok(tail.allows('\n'.charCodeAt(0)), 'trailing blanks after a whole line, then the newline');
    // A line of blanks alone only where a blank line may come: begun anywhere else, nothing could finish it.
    const spaced = charGuard('a();\n  \nb();\nc();\n', 'a();\n  \nb();\nc();\n');
    write(spaced, 'a();\n ');
    write(spaced, ' \nb();\n');
    assert.ok(!spaced.allows(' '.charCodeAt(0)), 'no text has a blank line after `b();`');
    write(spaced, 'c();\n');
    // A line of blanks alone is one the inputs have: not tabs where they have spaces.
    const tabbed = charGuard('  a();\n    \n  b();\n', '  a();\n\n  c();\n  b();\n');
    write(tabbed, '  a();\n ');
    assert.ok(!tabbed.allows('\t'.charCodeAt(0)), 'no input has a blank line of a space and a tab');
    assert.ok(!tabbed.allows('\n'.charCodeAt(0)), 'nor one of a single space');
    write(tabbed, '   \n  c();\n');
  });

  it('splits no two lines both texts keep together with a blank line', () => {
    // The sketch adds `power` after `divide`, with a blank line before it; `add` it elides.
    const original = 'class C {\n  add(n) {\n    this.r += n;\n    return this;\n  }\n\n  divide(n) {\n    this.r /= n;\n    return this;\n  }\n}\n';
    const sketch = '// ... existing code ...\n\n  divide(n) {\n    this.r /= n;\n    return this;\n  }\n\n  power(e) {\n    this.r **= e;\n    return this;\n  }\n\n// ... rest of code ...\n';
    const guard = charGuard(original, sketch);
    write(guard, 'class C {\n  add(n) {\n    this.r += n;\n');
    // A blank line could come here as the sketch's (it ends the elided stretch), but no line that
    // follows a blank line in either text may come after it (`return this;` may not), nor the
    // end: so no blank line, rather than one that leads nowhere.
    assert.ok(!guard.allows('\n'.charCodeAt(0)), 'no blank line inside `add`');
    write(guard, '    return this;\n  }\n\n  divide(n) {\n    this.r /= n;\n    return this;\n  }\n');
    // After a blank line: the lines that follow one in a text (or follow a marker, or start one).
    write(guard, '\n');
    assert.ok(guard.allows(' '.charCodeAt(0)) && !guard.allows('}'.charCodeAt(0)), '`power` may follow the blank line; the class\'s `}` may not');
    write(guard, '  power(e) {\n    this.r **= e;\n    return this;\n  }\n}\n');
    assert.ok(guard.allows(0));
    // A snippet's first line may follow a blank line: a snippet may go anywhere.
    const methods = (body: string) => ['e', 'f', 'g', 'h', 'k'].map((m) => `  ${m}() {\n${m === 'g' ? body : `    ${m}();\n`}  }\n`).join('\n');
    const snippet = charGuard(`class A {\n${methods('    y();\n')}}\n`, '  /**\n   * G.\n   */\n  g() {\n    x();\n  }\n');
    write(snippet, `class A {\n${methods('    x();\n').replace('  g() {', '  /**\n   * G.\n   */\n  g() {')}}\n`);
  });

  it('writes a line\'s indentation in blanks alone only up to where the vocabulary\'s own tokens end it', () => {
    // The vocabulary writes `    x();` after a newline as `\n   ` then ` x();`.
    const tokens = ['<end>', '\n', '   ', ' ', ' x();', 'x();', 'a {', '}', '  '];
    const id = (t: string) => tokens.indexOf(t);
    const lead = (shape: string) => (shape === '    x();' ? [3] : []);
    const texts = { original: ['a {', '    x();', '}'], sketch: ['a {', '    x();', '}'] };
    const guard = new LineGuard(texts, (i) => tokens[i], 0, new Set(), false, lead);
    for (const t of ['a {', '\n']) guard.push(id(t));
    assert.ok(!guard.allows(id(' ')), 'one blank is not where the vocabulary ends them');
    assert.ok(guard.allows(id('   ')));
    guard.push(id('   '));
    assert.ok(!guard.allows(id(' ')), 'the fourth blank belongs to the token that starts the text');
    assert.ok(guard.allows(id(' x();')) && !guard.allows(id('x();')));
    // Without the vocabulary's ends, any blanks that lead to the line.
    const free = new LineGuard(texts, (i) => tokens[i], 0, new Set());
    for (const t of ['a {', '\n', '   ']) free.push(id(t));
    assert.ok(free.allows(id(' ')));
    // The output's first line has no newline before it: its blanks are not held to those ends.
    const first = new LineGuard({ original: ['    x();', '}'], sketch: ['    x();', '}'] }, (i) => tokens[i], 0, new Set(), false, lead);
    for (const t of ['  ', '  ']) {
      assert.ok(first.allows(id(t)));
      first.push(id(t));
    }
    assert.ok(first.allows(id('x();')));
  });

  it('reads the newline that ends a text as the end of its last line, not a blank line after it', () => {
    // The sketch (the whole new file) ends with a newline; the original has no blank line there.
    const guard = charGuard('a();\nb();\nc();', 'a();\nx();\n');
    write(guard, 'a();\nx();\n');
    assert.ok(!guard.allows('\n'.charCodeAt(0)), 'no blank line comes from the sketch\'s final newline');
    assert.ok(guard.allows(0));
  });

  it('does not write a blank line where the file may end if it would leave the file unable to end', () => {
    // The sketch changes class A and elides the rest. Once the whole file is written it may end;
    // a blank line there fits only a reading that took B's `r();` for the sketch's (A's still to
    // come), which would have to go on writing the original's B.
    const original = 'class A {\n  f() {\n    r();\n  }\n}\n\nclass B {\n  g() {\n    r();\n  }\n}\n';
    const sketch = '// ...\n\nclass A {\n  f() {\n    s();\n\n    r();\n  }\n}\n\n// ...\n';
    const guard = charGuard(original, sketch);
    write(guard, 'class A {\n  f() {\n    s();\n\n    r();\n  }\n}\n\nclass B {\n  g() {\n    r();\n  }\n}\n');
    assert.ok(guard.allows(0));
    assert.ok(!guard.allows('\n'.charCodeAt(0)), 'the blank line fits only a reading that cannot end');
  });

  it('closes a block at the indentation it opened with, and no block that is not open', () => {
    const original = 'class A {\n  f() {\n    a();\n  }\n}\n';
    const sketch = 'class A {\n  f() {\n    b();\n  }\n  g() {\n  }\n}\n';
    const guard = charGuard(original, sketch);
    write(guard, 'class A {\n  f() {\n    b();\n');
    assert.ok(!guard.allows('}'.charCodeAt(0)), '`f() {` opened at 2 spaces: `}` at column 0 would close the class');
    write(guard, '  }\n  g() {\n  }\n}\n');
    assert.ok(guard.allows(0));
    assert.ok(!guard.allows('}'.charCodeAt(0)), 'nothing is open: a `}` more would close a block the file never opened');
    // A window cut from inside a block may close the blocks around it, as often as the texts do.
    const inner = charGuard('    a();\n  }\n}\n', '    b();\n  }\n');
    write(inner, '    b();\n  }\n  ');
    assert.ok(!inner.allows('}'.charCodeAt(0)), 'neither text closes two blocks at 2 spaces');
    const outer = charGuard('    a();\n  }\n}\n', '    b();\n  }\n');
    write(outer, '    b();\n  }\n}\n');
    assert.ok(outer.allows(0));
    // Texts that do not keep to the rule (a block closed at another indentation) go without it.
    const loose = charGuard('f() {\n    a();\n    }\n', 'f() {\n    b();\n    }\n');
    write(loose, 'f() {\n    b();\n    }\n');
    assert.ok(loose.allows(0));
  });

  it('keeps each line\'s indentation from the text it is read from in a file rewritten whole', () => {
    const file = 'class A<\n  TKey\n> {\n  f<\n      TKey\n  >() {}\n}\n';
    const rewritten = file.replace('f<', 'g<');
    const whole = new LineGuard({ original: file.split('\n'), sketch: rewritten.split('\n'), whole: true }, (id) => String.fromCharCode(id), 0, new Set());
    write(whole, 'class A<\n  ');
    assert.ok(!whole.allows(' '.charCodeAt(0)), '`TKey` at 6 is the copy further on');
    write(whole, 'TKey\n');
    // A window of a file: a line may take the indentation of another copy (the window may be misplaced).
    const window = charGuard(file, rewritten);
    write(window, 'class A<\n      TKey\n');
  });

  it('writes a line inside an open block deeper than the line that opened it, where both texts do', () => {
    const original = 'class A {\n  f() {\n    a();\n  }\n}\n';
    const sketch = 'class A {\n  // ...\n  g() {\n  }\n}\n';
    const guard = charGuard(original, sketch);
    write(guard, 'class A {\n  f() {\n  ');
    assert.ok(!guard.allows('g'.charCodeAt(0)), '`g() {` at the depth of `f() {`, with `f` still open');
    write(guard, '  a();\n  }\n  g() {\n  }\n}\n');
    // A text with a line no deeper than its block (a template string at column 0) goes without it.
    const flat = charGuard('f() {\n  s = `\nx\n`;\n}\n', 'f() {\n  s = `\nx\n`;\n  g();\n}\n');
    write(flat, 'f() {\n  s = `\nx\n');
  });

  it('does not end with more blocks open than one of the texts leaves open', () => {
    // Closing lines are not code the output must reach: the order alone would let it end here.
    const original = 'class A {\n  f() {\n    a();\n  }\n}\n';
    const sketch = 'class A {\n  f() {\n    c();\n  }\n}\n';
    const guard = charGuard(original, sketch);
    write(guard, 'class A {\n  f() {\n    c();\n  }\n');
    assert.ok(!guard.allows(0), 'the class opened by the output is still open');
    write(guard, '}');
    assert.ok(guard.allows(0), 'the last line closes it: the end may follow it directly');
    write(guard, '\n');
    assert.ok(guard.allows(0));
    // A window that ends inside a block, or a snippet cut short, may leave as many open as it does.
    const cut = charGuard('f() {\n  a();\n  b();\n', 'f() {\n  c();\n  b();\n');
    write(cut, 'f() {\n  c();\n  b();\n');
    assert.ok(cut.allows(0), 'both texts leave `f() {` open');
  });

  it('does not keep an original line the sketch shows rewritten between two lines it keeps', () => {
    const original = 'start();\nconst total = sum(items);\nfinish();\n';
    const sketch = 'start();\nconst total = sum(items, tax);\nfinish();\n';
    const guard = charGuard(original, sketch);
    write(guard, 'start();\nconst total = sum(items');
    assert.ok(!guard.allows(')'.charCodeAt(0)), 'the old `sum(items)` line is replaced by the sketch\'s');
    write(guard, ', tax);\nfinish();\n');
    // With a marker between the kept lines the sketch does not show the stretch whole: the old line may stay.
    const elided = charGuard(original, 'start();\n// ... existing code ...\nconst total = sum(items, tax);\nfinish();\n');
    write(elided, 'start();\nconst total = sum(items);\nconst total = sum(items, tax);\nfinish();\n');
    // Where what the sketch shows ends, a new line right after a kept line replaces the original's
    // line right after it, if much alike.
    const ends = charGuard(original, 'start();\nconst total = sum(items, tax);\n');
    write(ends, 'start();\nconst total = sum(items');
    assert.ok(!ends.allows(')'.charCodeAt(0)));
    // A part between two markers with one line of code, new: it replaces the line most like it.
    const alone = charGuard(`log(a);\n${original}log(b);\n`, '// ...\nconst total = sum(items, tax);\n// ...\n');
    write(alone, 'log(a);\nstart();\nconst total = sum(items');
    assert.ok(!alone.allows(')'.charCodeAt(0)));
    write(alone, ', tax);\nfinish();\nlog(b);\n');
    // With more new lines (and no line of the file) there, each replaces the line most like it.
    const both = charGuard(`log(a);\n${original}log(b);\n`, '// ...\nconst total = sum(items, tax);\nfinish(total);\n// ...\n');
    write(both, 'log(a);\nstart();\nconst total = sum(items, tax);\nfinish(');
    assert.ok(!both.allows(')'.charCodeAt(0)), 'the old `finish();` is the line the sketch rewrites');
    write(both, 'total);\nlog(b);\n');
    // A short sketch of one new line, without markers: markers are implied around it, and names
    // are compared by their parts (`createAutoAnnotation` and `getAutoAnnotation` share two).
    const imports = 'import {\n  first,\n  getAutoAnnotation,\n  last,\n} from "./internal";\n\nrun();\n';
    const bare = charGuard(imports, '  createAutoAnnotation,\n');
    write(bare, 'import {\n  first,\n  ');
    assert.ok(!bare.allows('g'.charCodeAt(0)), 'the old name is the line the sketch rewrites');
    write(bare, 'createAutoAnnotation,\n  last,\n');
    // Alike means sharing a name or a number, not only punctuation.
    write(charGuard('a();\nb();\n', 'a();\nc();\n'), 'a();\nc();\nb();\n');
  });

  it('finds the lines a file repeats, as the guard keys them (trimmed)', () => {
    assert.deepEqual([...repeatedLines(['  break;', 'a();', 'break;', '', '']).keys()].sort(), ['', 'break;']);
  });

  it('does not write a chat model\'s note above the sketch\'s code, unless the file has it', () => {
    const noted = charGuard('a();\nb();\n', '// Refactored b\na();\nc();\n');
    assert.ok(!noted.allows('/'.charCodeAt(0)));
    write(noted, 'a();\nc();\n');
    assert.ok(noted.allows(0));
    write(charGuard('// Updated daily\na();\n', '// Updated daily\na();\nb();\n'), '// Updated daily\na();\nb();\n');
  });

  it('tells how far a run of tokens goes before one it refuses, and stays where it was', () => {
    const guard = charGuard('a();\nb();\nc();\n', 'a();\nB();\nc();\n');
    write(guard, 'a();\n');
    const ids = (text: string) => [...text].map((ch) => ch.charCodeAt(0));
    // `b();` is the line the sketch rewrote; neither text has a line `// ...`.
    assert.equal(guard.allowedRun(ids('B();\nc();\n')), 10);
    assert.equal(guard.allowedRun(ids('b();\nc();\n')), 0);
    assert.equal(guard.allowedRun(ids('B();\n// ...')), 5);
    assert.equal(guard.allowedRun([]), 0);
    write(guard, 'B();\nc();\n');
    assert.ok(guard.allows(0), 'the runs tried left the guard as it was');
  });

  it('puts a new function that calls one of the file\'s after it, apart by the file\'s blank lines, rewriting nothing', () => {
    const original = [
      'import os', '', '', '# The extension of a path.', 'def extension(path):', '    return path.rsplit(".", 1)[-1]', '', '',
      '# A comment marker for a path.', 'def marker(path):', '    return "#" if extension(path) == "py" else "//"', '',
    ].join('\n');
    // Much like `extension`'s lines, but a new function that calls it: not `extension` rewritten.
    const sketch = '# Whether a path is Markdown.\ndef is_markdown(path):\n    return extension(path) in ("md", "markdown")\n';
    const guard = charGuard(original, sketch);
    write(guard, 'import os\n\n\n# The extension of a path.\ndef extension(path):\n    return path.rsplit(".", 1)[-1]\n\n\n' + sketch);
    assert.ok(!guard.allows('#'.charCodeAt(0)), 'two blank lines first, as before it');
    write(guard, '\n\n# A comment marker for a path.\ndef marker(path):\n    return "#" if extension(path) == "py" else "//"\n');
    assert.ok(guard.allows(0));
  });

  it('rules out lines for the next line only, where decoding went back from a dead end', () => {
    // No sketch lines: any of the original's lines, in order, may be written.
    const guard = new LineGuard({ original: ['a();', 'ab();', '', 'b();'], sketch: [] }, (id) => String.fromCharCode(id), 0, new Set([1]));
    assert.ok(guard.atLineStart());
    guard.ban(new Set(['a();']));
    assert.ok(guard.allows('a'.charCodeAt(0)), '`ab();` still may come');
    write(guard, 'a');
    assert.ok(!guard.allows(';'.charCodeAt(0)) && !guard.allows('('.charCodeAt(0)), 'not `a();`');
    write(guard, 'b();\n');
    assert.ok(guard.atLineStart());
    const copy = guard.clone();
    copy.ban(new Set(['', 'b();']));
    assert.ok(!copy.allows('\n'.charCodeAt(0)) && !copy.allows('b'.charCodeAt(0)), 'no blank line, no `b();`');
    assert.ok(guard.allows('\n'.charCodeAt(0)) && guard.allows('b'.charCodeAt(0)), 'the copy\'s bans are its own');
    write(guard, 'b();\n');
    const ids = (text: string) => [...text].map((ch) => ch.charCodeAt(0));
    assert.equal(guard.nextLine(ids('  x();  \ny')), '  x();');
    assert.equal(guard.nextLine(ids('  \n')), '');
    assert.equal(guard.nextLine(ids('x()')), null);
    // From inside a line, the next line is the one after it; so is the line a ban rules out.
    const inside = new LineGuard({ original: ['a();', 'ab();', 'b();'], sketch: [] }, (id) => String.fromCharCode(id), 0, new Set([1]));
    write(inside, 'a()');
    assert.ok(!inside.atLineStart() && inside.endsLine('\n'.charCodeAt(0)) && !inside.endsLine(';'.charCodeAt(0)));
    assert.equal(inside.nextLine(ids(';\nab();\nb')), 'ab();');
    inside.ban(new Set(['ab();']));
    write(inside, ';\n');
    assert.ok(!inside.allows('a'.charCodeAt(0)), 'not `ab();` on the line after');
    write(inside, 'b();\n');
    const after = new LineGuard({ original: ['a();', 'ab();', 'b();'], sketch: [] }, (id) => String.fromCharCode(id), 0, new Set([1]));
    write(after, 'a()');
    after.ban(new Set(['a();']));
    assert.ok(after.allows(';'.charCodeAt(0)), 'the unfinished line is not the one ruled out');
  });

  it('chooses the highest-scoring allowed token, and handles tokens that span lines and multi-byte characters', () => {
    const guard = new LineGuard({ original: ['é = 1;', 'x = 2;'], sketch: [] }, (id) => ['<end>', toBytes('é'), ' = 1;\nx', ' = 2;', ' = 3;', '\n', 'zz'][id], 0, new Set());
    const row = (scores: number[]) => Float32Array.from(scores);
    assert.equal(guard.choose(row([0, 1, 0, 0, 0, 0, 9])), 1, '"zz" starts no line; "é" is next best');
    guard.push(1);
    assert.equal(guard.choose(row([0, 0, 5, 1, 9, 0, 0])), 2, 'a token may end one line and start the next');
    guard.push(2);
    assert.equal(guard.choose(row([0, 0, 0, 1, 9, 0, 0])), 3, '"x = 3;" is not a line; "x = 2;" is');
    guard.push(3);
    assert.equal(guard.choose(row([9, 0, 0, 0, 0, 1, 0])), 0, 'the end right after a whole line');
  });

  it('tips close calls towards the sketch\'s new lines, and only close ones', () => {
    const row = (scores: Record<string, number>) => {
      const r = new Float32Array(128).fill(-10);
      for (const [ch, v] of Object.entries(scores)) r[ch.charCodeAt(0)] = v;
      return r;
    };
    const guard = charGuard('a = 1;\n', '// ...\na = 2;\n');
    write(guard, 'a = ');
    assert.equal(guard.choose(row({ '1': 5, '2': 3 })), '2'.charCodeAt(0), 'the sketch\'s value, 2 logits behind');
    assert.equal(guard.choose(row({ '1': 5, '2': 1 })), '1'.charCodeAt(0), 'the original\'s value, when the model is sure');
    assert.equal(guard.choose(row({ '1': 5, '2': 3, x: 9 })), '2'.charCodeAt(0), 'a refused token does not count');
  });

  it('chooses what checking every token of the row would choose, on the apply model\'s tokens', async () => {
    const lm = await CausalLm.load(modelSourceFor('apply'));
    const text = (id: number) => Buffer.from(lm.tokenBytes[id]).toString('latin1');
    const original = 'export function area(r) {\n  const pi = 3.14;\n  return pi * r * r;\n}\n\nexport const unit = "m²";\n';
    const updated = 'export function area(r) {\n  const pi = Math.PI;\n  return pi * r * r;\n}\n\nexport const unit = "m²";\n';
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 20 - 10;
    for (const sketch of ['// ... existing code ...\n  return pi * r * r;\n}\n', '  const pi = Math.PI;\n// ... existing code ...\n']) {
      const guard = new LineGuard({ original: original.split('\n'), sketch: sketch.split('\n') }, text, lm.special.eos, lm.specialIds);
      const fresh = sketch.includes('Math.PI');
      for (const next of lm.encode(fresh ? updated : original)) {
        for (let n = 0; n < 2; n++) {
          // Random scores: the best is rarely allowed, so the row is searched beyond its top few.
          const row = Float32Array.from({ length: lm.vocabSize }, random);
          let best = lm.special.eos;
          for (let id = 0; id < row.length; id++) if (guard.allows(id) && (best === lm.special.eos || row[id] > row[best])) best = id;
          const chosen = guard.choose(row);
          if (!fresh) assert.equal(chosen, best, `after ${JSON.stringify(lm.decode([next]))}`);
          else {
            assert.ok(chosen === best || guard.allows(chosen), 'a new line\'s token is an allowed one');
            assert.ok(row[chosen] >= row[best] - 4, 'and a close call');
          }
        }
        assert.ok(guard.allows(next));
        guard.push(next);
      }
    }
  });

  it('works on the apply model\'s own token bytes, multi-byte characters included', async () => {
    const lm = await CausalLm.load(modelSourceFor('apply'));
    const text = (id: number) => Buffer.from(lm.tokenBytes[id]).toString('latin1');
    const original = 'const greeting = "héllo wörld";\nexport default greeting;\n';
    const guard = new LineGuard({ original: original.split('\n'), sketch: [] }, text, lm.special.eos, lm.specialIds);
    for (const id of lm.encode(original)) {
      assert.ok(guard.allows(id), `token ${JSON.stringify(lm.decode([id]))} refused`);
      guard.push(id);
    }
    assert.ok(guard.allows(lm.special.eos));
    assert.ok(!guard.allows(lm.special.sketch));
  });
});
