/** The parts of apply that are not the model: elision markers, drafts, windows of long files. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplyInputError, isChatNote, isElisionMarker, validateApplyInput } from '../workers/apply/apply-input';
import { planWindows } from '../workers/apply/apply-windows';
import { DraftSource } from '../workers/apply/draft-source';

describe('elision markers', () => {
  it('recognises the ways chat models elide code, and not code', () => {
    for (const line of ['// ... existing code ...', '  # ...', '/* ... */', '<!-- ... existing sections ... -->', '...', '    // rest of the file unchanged', '{/* ... */}', '// (unchanged)', '// other methods...', '// (rest of code ...)']) {
      assert.ok(isElisionMarker(line), line);
    }
    for (const line of ['const x = [...items];', 'return ...args;', '// compute the total', 'foo(...)', '', '  // text/* and application/json, xml, javascript, ... are easily compressible']) {
      assert.ok(!isElisionMarker(line), line);
    }
  });

  it('recognises a chat model\'s note about the edit, and not a comment about the code', () => {
    for (const line of ['// Refactored with inlined method', '# Changes: compute_total', '/* Updated getTotal */', "// Here's the updated code", '  // Added validation', "Here's the updated constructor with a shorter hint:", 'Sure! Below is the new function:']) {
      assert.ok(isChatNote(line), line);
    }
    for (const line of ['// Adds tax to the total', 'updated = true;', '// the list is updated in place', '', 'def here_is(value):', 'else:', 'Here is the list of steps', 'The updated value (see below):']) {
      assert.ok(!isChatNote(line), line);
    }
  });
});

describe('apply input', () => {
  it('refuses what cannot give a sensible file, with a message that says why', () => {
    const cases: [unknown, unknown, RegExp][] = [
      ['a\n', '', /sketch is empty/],
      ['a\n', '  \n\t', /sketch is empty/],
      ['a\u0000b', 'x', /binary/],
      ['x'.repeat(600 * 1024), 'y', /too large/],
      ['a\n', 'b\u0000', /binary/],
      ['function a() {}\n', '// ... existing code ...\nclass Other {\n  run() {}\n}\n', /another file/],
      [42, 'x', /text/],
    ];
    for (const [original, sketch, message] of cases) {
      assert.throws(() => validateApplyInput(original, sketch), (e: Error) => e instanceof ApplyInputError && message.test(e.message), String(sketch).slice(0, 30));
    }
    // No markers and no shared lines: a whole new version of the file, which the model may write.
    assert.doesNotThrow(() => validateApplyInput('let a = 1;\n', 'const b = 2;\n'));
    // Markers and only new code, but in the file's own names: an addition the model places.
    const file = 'export function total(items) {\n  return items.reduce((sum, item) => sum + item.price, 0);\n}\n';
    assert.doesNotThrow(() => validateApplyInput(file, '// ... existing code ...\nexport const average = (items) => total(items) / items.length;\n'));
    // Only comments, or comments around code in the file's names: prose says little about which
    // file it is for, so the model places it.
    assert.doesNotThrow(() => validateApplyInput(file, '// ... existing code ...\n  // Prices are in cents, never negative.\n// ... existing code ...\n'));
    assert.doesNotThrow(() => validateApplyInput(file, '// ... existing code ...\n// Averages what customers paid per ordered line\nexport const average = (items) => total(items) / items.length;\n'));
    // A marker, then the file's last lines (bare punctuation too), then new code: an addition at
    // the end, though it shares no line of code and few names with the file.
    const tests = "test('a', async () => {\n  await app.inject({ method: 'GET' })\n})\n";
    const appended = "  // ... existing code ...\n})\n\ntest('fallback aborts', async (t) => {\n  const server = Fastify()\n  t.plan(2)\n})\n";
    assert.doesNotThrow(() => validateApplyInput(tests, appended));
    // Not where the lines after the marker are not the file's last ones.
    assert.throws(() => validateApplyInput(`${tests}// end\n`, appended), /another file/);
  });
});

describe('draft source', () => {
  it('drafts the original from the start, then reads on after the output re-aligns', () => {
    const original = [1, 2, 3, 4, 5, 6, 7, 8];
    const sketch = [20, 21, 22];
    const drafts = new DraftSource([original, sketch]);
    assert.deepEqual(drafts.propose([], 3), [1, 2, 3]);
    assert.deepEqual(drafts.propose([1, 2, 3], 2), [4, 5]);
    // Diverged into the sketch's new code: the draft follows the sketch.
    assert.deepEqual(drafts.propose([1, 2, 3, 20], 2), [21, 22]);
    // Back on the original after the insertion.
    assert.deepEqual(drafts.propose([1, 2, 3, 20, 21, 22, 4, 5], 2), [6, 7]);
    // Nothing to align with: no draft.
    assert.deepEqual(drafts.propose([99], 2), []);
  });

  it('re-aligns by characters when the output spells in pieces what the sources hold as whole tokens', () => {
    // A toy vocabulary: whole words, and single characters.
    const vocab = ['const', ' total', ' =', ' 1', ';', '\n', 'c', 'o', 'n', 's', 't', ' ', 'a', 'l', '=', '1'];
    const id = (text: string) => vocab.indexOf(text);
    const encode = (text: string) => {
      const ids: number[] = [];
      for (let at = 0; at < text.length; ) {
        const word = vocab.filter((v) => text.startsWith(v, at)).sort((a, b) => b.length - a.length)[0];
        ids.push(id(word));
        at += word.length;
      }
      return ids;
    };
    const original = 'const total = 1;\n';
    const drafts = new DraftSource([encode(original)], { texts: [original], tokenText: (i) => vocab[i], encode });
    // `c o n s t` and ` t o`: no token of the output's tail is in the original's tokens.
    const output = [...'const to'].map(id);
    assert.deepEqual(drafts.propose(output, 3), encode('tal = 1;').slice(0, 3));
    // Without the texts there is nothing to align with.
    assert.deepEqual(new DraftSource([encode(original)]).propose(output, 3), []);
  });

  it('reads on in a source\'s own tokens after re-aligning by characters, encoding only the rest of a token', () => {
    const vocab = ['const', ' total', ' =', ' 1', ';', '\n', 'c', 'o', 'n', 's', 't', ' ', 'a', 'l', '=', '1'];
    const encoded: string[] = [];
    const encode = (text: string) => {
      encoded.push(text);
      const ids: number[] = [];
      for (let at = 0; at < text.length; ) {
        const word = vocab.filter((v) => text.startsWith(v, at)).sort((a, b) => b.length - a.length)[0];
        ids.push(vocab.indexOf(word));
        at += word.length;
      }
      return ids;
    };
    const original = 'const total = 1;\n';
    const tokens = encode(original);
    encoded.length = 0;
    const drafts = new DraftSource([tokens], { texts: [original], tokenText: (i) => vocab[i], encode });
    const id = (text: string) => vocab.indexOf(text);
    assert.deepEqual(drafts.propose([...'const to'].map(id), 4), [id('t'), id('a'), id('l'), id(' =')]);
    assert.deepEqual(encoded, ['tal'], 'only the rest of ` total` is encoded');
    assert.deepEqual(drafts.propose([...'const total'].map(id), 2), [id(' ='), id(' 1')]);
    assert.deepEqual(encoded, ['tal'], 'at a token boundary, nothing is');
  });

  it('offers each source\'s own best match as an alternative draft, without moving on', () => {
    const original = [1, 2, 3, 4, 5, 6];
    const sketch = [9, 2, 3, 7, 8];
    const drafts = new DraftSource([original, sketch]);
    assert.deepEqual(drafts.alternatives([2, 3], 2), [[4, 5], [7, 8]]);
    assert.deepEqual(drafts.alternatives([5], 3), [[6]]);
    assert.deepEqual(drafts.alternatives([], 3), []);
    // The cursors did not move: the proposal reads on from the start as before.
    assert.deepEqual(drafts.propose([1], 2), [2, 3]);
  });

  it('prefers the longest match, and among equals the one reading on', () => {
    const original = [7, 1, 2, 9, 7, 1, 3, 9, 7, 1, 4];
    const drafts = new DraftSource([original]);
    assert.deepEqual(drafts.propose([9, 7, 1], 1), [3]); // [9,7,1] occurs at 3..5 and 7..9; the first after the cursor
    assert.deepEqual(drafts.propose([3, 9, 7, 1], 1), [4]);
  });
});

function longFile(functions: number): string {
  return Array.from({ length: functions }, (_, i) => `export function step${i}(value) {\n  const next = value + ${i};\n  return next * 2;\n}\n\n`).join('');
}

/** Windows up to 2,000 characters; whole files with markers only up to `whole` characters. */
function budget(whole = 0) {
  return { fits: (o: string) => o.length < 2000, wholeFits: (o: string) => o.length < whole };
}

describe('apply windows', () => {
  it('keeps one window over the whole file when it fits', () => {
    const w = planWindows('a\nb\n', 'a\nc\n', { fits: () => true, wholeFits: () => true });
    assert.deepEqual(w, [{ start: 0, end: 4, sketch: 'a\nc\n', ownLines: true }]);
  });

  it('rewrites only the anchored parts of a file that fits when the sketch elides code, unless the file is small', () => {
    const original = longFile(12);
    const sketch = '// ... existing code ...\nexport function step6(value) {\n  const next = value + 60;\n// ... existing code ...\n';
    assert.ok(original.length < 2000);
    const windows = planWindows(original, sketch, budget());
    assert.equal(windows.length, 1);
    const text = original.slice(windows[0].start, windows[0].end);
    assert.ok(text.includes('step6(') && !text.includes('step2(') && !text.includes('step10('), text);
    assert.deepEqual(planWindows(original, sketch, budget(2000)), [{ start: 0, end: original.length, sketch, ownLines: true }]);
  });

  it('gives the model the whole file when a sketch without markers fits, whatever the file size', () => {
    const original = longFile(12);
    const sketch = 'export function step6(value) {\n  const next = value + 60;\n';
    assert.deepEqual(planWindows(original, sketch, budget()), [{ start: 0, end: original.length, sketch, ownLines: true }]);
  });

  it('anchors each part of the sketch of a long file to its own lines, with context around', () => {
    const original = longFile(200);
    const sketch = [
      '// ... existing code ...',
      'export function step40(value) {',
      '  const next = value + 40;',
      '  log(next);',
      '  return next * 2;',
      '}',
      '// ... existing code ...',
      'export function step150(value) {',
      '  return value;',
      '}',
      '// ... existing code ...',
      '',
    ].join('\n');
    const windows = planWindows(original, sketch, budget());
    assert.equal(windows.length, 2);
    const [a, b] = windows;
    assert.ok(original.slice(a.start, a.end).includes('export function step40(value)'));
    assert.ok(!original.slice(a.start, a.end).includes('step45'));
    assert.ok(original.slice(b.start, b.end).includes('export function step150(value)'));
    assert.ok(a.sketch.includes('log(next);') && !a.sketch.includes('step150'));
    assert.ok(b.sketch.includes('return value;'));
    // Windows start and end on line boundaries.
    for (const w of windows) {
      assert.ok(w.start === 0 || original[w.start - 1] === '\n');
      assert.equal(original[w.end - 1], '\n');
    }
  });

  it('anchors a part by its lines together: a common line does not pull the window to its first occurrence', () => {
    const original = longFile(200);
    // `return next * 2;` is in every function; the part belongs at the end of step119.
    const sketch = '// ... existing code ...\n  return next * 2;\n}\n\nexport function step120(value) {\n  const next = value + 121;\n// ... existing code ...\n';
    const windows = planWindows(original, sketch, budget());
    assert.equal(windows.length, 1);
    const text = original.slice(windows[0].start, windows[0].end);
    assert.ok(text.includes('export function step120(value) {\n  const next = value + 120;'), text);
    assert.ok(text.includes('step119') && !text.includes('step117'), text);
  });

  it('does not stretch a window to a line found once in the file that holds no name (`} finally {`)', () => {
    const original = longFile(200).replace('const next = value + 20;', 'try {\n    run();\n  } finally {\n    done();\n  }\n  const next = value + 20;');
    // The sketch wraps step150's body in a new try/finally: its `} finally {` is not step20's.
    const sketch = '// ... existing code ...\nexport function step150(value) {\n  try {\n    const next = value + 150;\n  } finally {\n    log(value);\n  }\n// ... existing code ...\n';
    const [w, more] = planWindows(original, sketch, budget());
    assert.equal(more, undefined);
    assert.ok(original.slice(w.start, w.end).includes('step150') && !original.slice(w.start, w.end).includes('step20('));
  });

  it('widens a window by the part\'s lines beside its anchors: new code there may replace as many lines', () => {
    const original = longFile(200);
    // Four new lines before the anchor (`step120`): the window starts that much earlier than context alone.
    const sketch = '// ... existing code ...\nexport function inserted(value) {\n  return value;\n}\n\nexport function step120(value) {\n// ... existing code ...\n';
    const [w] = planWindows(original, sketch, budget());
    const text = original.slice(w.start, w.end);
    assert.ok(text.includes('export function step119(value) {'), text);
    assert.ok(!text.includes('step118(value)'), text);
  });

  it('takes in the file\'s last few lines when the sketch ends with new lines and no marker', () => {
    const original = longFile(200);
    const near = '// ... existing code ...\nexport function step198(value) {\n  const next = value * 3;\n  log(next);\n';
    const [w] = planWindows(original, near, budget());
    assert.equal(w.end, original.length, 'the sketch\'s end is the file\'s: its new lines may replace the last ones');
    // Not when many lines follow: those stay as the file has them.
    const far = near.replace('step198', 'step150');
    const [v] = planWindows(original, far, budget());
    assert.ok(v.end < original.length - 200);
    // Nor with a marker at the sketch's end.
    const [u] = planWindows(original, `${near}// ... existing code ...\n`, budget());
    assert.ok(u.end < original.length);
    // The same at the start: new lines first, with no marker before them.
    const [t] = planWindows(original, 'import { log } from "./log";\n\nexport function step1(value) {\n// ... existing code ...\n', budget());
    assert.equal(t.start, 0);
  });

  it('adds new code at the file\'s end where the sketch\'s last part starts with the file\'s last lines', () => {
    const original = longFile(200);
    // Every function ends so; with no marker after the new function, it is the file's last.
    const sketch = '// ... existing code ...\n  return next * 2;\n}\n\nexport function added(value) {\n  return value;\n}\n';
    const [w] = planWindows(original, sketch, budget());
    assert.equal(w.end, original.length);
    assert.ok(original.slice(w.start, w.end).includes('step199') && !original.slice(w.start, w.end).includes('step198'));
    // With a marker after it, the part is anchored by its lines as usual.
    const [v] = planWindows(original, `${sketch}// ... existing code ...\n`, budget());
    assert.ok(v.end < original.length);
  });

  it('adds a last part of new code only, after a marker and with none after it, at the file\'s end', () => {
    const original = longFile(200);
    const sketch = '// ... existing code ...\nexport function step40(value) {\n  const next = value + 41;\n// ... existing code ...\nexport function added(value) {\n  return value;\n}\n';
    const windows = planWindows(original, sketch, budget());
    assert.equal(windows.length, 2);
    const [a, b] = windows;
    assert.ok(original.slice(a.start, a.end).includes('step40(') && !a.sketch.includes('added'));
    assert.equal(b.end, original.length);
    assert.ok(original.slice(b.start, b.end).includes('step199') && b.sketch.includes('export function added(value) {'), b.sketch);
    // With a marker after it, it joins the part before it, as a part that anchors nowhere does.
    const [v, more] = planWindows(original, `${sketch}// ... existing code ...\n`, budget());
    assert.equal(more, undefined);
    assert.ok(v.sketch.includes('added') && v.end < original.length);
  });

  it('anchors a part of new code only, between anchored parts, at the line it rewrites', () => {
    const original = longFile(200).replace('const next = value + 120;', "const next = value + 120;\n  const label = 'step one hundred and twenty';");
    // The middle part changes a string in step120 and has no line of the file; the parts around it anchor.
    const sketch = [
      '// ... existing code ...',
      'export function step40(value) {',
      '  const next = value + 41;',
      '// ... existing code ...',
      "  const label = `step ${value}`;",
      '// ... existing code ...',
      'export function step150(value) {',
      '  const next = value + 151;',
      '// ... existing code ...',
      '',
    ].join('\n');
    const windows = planWindows(original, sketch, budget());
    assert.equal(windows.length, 3);
    const middle = original.slice(windows[1].start, windows[1].end);
    assert.ok(middle.includes("const label = 'step one hundred") && windows[1].sketch.includes('const label = `step'), middle);
    assert.ok(!original.slice(windows[0].start, windows[0].end).includes('label'));
    // A line that shares only parts of names with a line of the file (`set`, `use`, `State`) is new code: it joins the part before it.
    const withState = longFile(200).replace('const next = value + 120;', 'const [isAtBottom, setIsAtBottom] = useState<boolean>(false);');
    const stateSketch = sketch.replace("  const label = `step ${value}`;", '  const [hello, setHello] = useState(false);');
    for (const w of planWindows(withState, stateSketch, budget())) assert.ok(!withState.slice(w.start, w.end).includes('isAtBottom'));
  });

  it('anchors parts of punctuation alone where the file next has them, not in the window before them', () => {
    const original = `export class Steps {\n${longFile(200).replace(/^(?=.)/gm, '  ')}}\n\nexport const steps = new Steps();\n`;
    // `}` closes the class: with the method's window it would close the class there.
    const sketch = '// ... existing code ...\n  export function step40(value) {\n    const next = value + 41;\n// ... existing code ...\n}\n';
    const windows = planWindows(original, sketch, budget());
    assert.equal(windows.length, 2);
    const [method, end] = windows;
    assert.ok(!method.sketch.trimEnd().endsWith('\n}'), method.sketch);
    // The class's end, and not what follows it: the sketch does not show that.
    const text = original.slice(end.start, end.end);
    assert.ok(text.endsWith('  }\n\n}\n') && !text.includes('new Steps'), text);
    // A JSON file's `{` before the first marker and `},` closing a list stand at their own lines.
    const json = `{\n  "name": "x",\n${Array.from({ length: 120 }, (_, i) => `  "k${i}": ${i},`).join('\n')}\n  "deps": {\n    "a": "^1.0.0",\n    "b": "^2.0.0",\n${Array.from({ length: 40 }, (_, i) => `    "d${i}": "^${i}.0.0",`).join('\n')}\n    "z": "^9.0.0"\n  },\n  "private": true\n}\n`;
    const jsonSketch = '{\n  // ... existing fields ...\n  "deps": {\n    "a": "^1.0.1",\n    // ... existing deps ...\n  },\n  // ... existing fields ...\n}\n';
    const parts = planWindows(json, jsonSketch, budget());
    const texts = parts.map((w) => json.slice(w.start, w.end));
    assert.ok(texts[0].startsWith('{\n') && parts[0].sketch.startsWith('{\n') && !parts[0].sketch.includes('"deps"'), parts[0].sketch);
    const list = parts.findIndex((w) => w.sketch.includes('  },'));
    assert.ok(list >= 0 && texts[list].includes('"z": "^9.0.0"') && !parts[list].sketch.includes('"a"'), texts[list]);
  });

  it('anchors a sketch of one rewritten line in a long file at the line it rewrites', () => {
    const original = longFile(200).replace('const next = value + 120;', "const next = value + 120;\n  const label = 'step one hundred and twenty';");
    const [w, more] = planWindows(original, "  const label = `step ${value}`;\n", budget());
    assert.equal(more, undefined);
    assert.ok(original.slice(w.start, w.end).includes("const label = 'step one hundred"));
  });

  it('adds a last part at the end when its one line the file has stands inside a new block, indented otherwise', () => {
    const rules = Array.from({ length: 150 }, (_, i) => `.rule${i} {\n  color: red;\n  margin: ${i}px;\n}\n`).join('\n');
    const original = `${rules}\n.status-bar {\n  height: 24px;\n}\n\n${rules.replace(/rule/g, 'more')}`;
    const sketch = '/* ... existing styles ... */\n\n@media (max-width: 600px) {\n  .status-bar {\n    font-size: 11px;\n  }\n}\n';
    const windows = planWindows(original, sketch, budget());
    assert.equal(windows[windows.length - 1].end, original.length);
    assert.ok(!windows.some((w) => original.slice(w.start, w.end).includes('height: 24px')), 'not at `.status-bar`, which it only copies');
    // Wrapped in a new block with the line after it, a line the file has still anchors.
    const wrapped = planWindows(original, '/* ... */\n@media (max-width: 600px) {\n  .status-bar {\n    height: 24px;\n  }\n}\n', budget());
    assert.ok(wrapped.some((w) => original.slice(w.start, w.end).includes('.status-bar {')));
  });

  it('adds a last part at the end when its lines the file has stand inside a new block and are found more than once', () => {
    // A new test after the last one: its `await press('k');` is in many tests, none of them the place.
    const tests = Array.from({ length: 120 }, (_, i) => `  it('case ${i}', async () => {\n    await press('k');\n    check(${i});\n  });\n`).join('\n');
    const original = `describe('box', () => {\n${tests}});\n`;
    const sketch = "  // ... existing tests ...\n\n  it('opens no box', async () => {\n    await press('k');\n    assert.equal(count(), 0);\n  });\n});\n";
    const windows = planWindows(original, sketch, budget());
    assert.equal(windows[windows.length - 1].end, original.length);
    assert.ok(!original.slice(windows[0].start, windows[0].end).includes("it('case 0'"), 'not at the first test that presses `k`');
  });

  it('puts a part that closes the block the part before opens where the file closes that block', () => {
    // The marker is the callback's body; `});` and `}, [focus]);` close the callback and the
    // hook that `closeTab` opens, not `}, [focus]);` found in `closeOverlay` further on.
    const between = Array.from({ length: 60 }, (_, i) => `  const handler${i} = useCallback(() => run(${i}), []);`).join('\n');
    const original = `function Workspace() {\n  const closeTab = useCallback((path) => {\n    dispatch(path);\n    setStates((prev) => {\n      const next = { ...prev };\n      delete next[path];\n      return next;\n    });\n  }, []);\n${between}\n  const closeOverlay = useCallback(() => {\n    focus();\n  }, [focus]);\n}\n`;
    const sketch = '  const closeTab = useCallback((path) => {\n    dispatch(path);\n    setStates((prev) => {\n      // ... existing code ...\n    });\n    requestAnimationFrame(focus);\n  }, [focus]);\n';
    const windows = planWindows(original, sketch, budget());
    assert.equal(windows.length, 1);
    const text = original.slice(windows[0].start, windows[0].end);
    assert.ok(text.includes('  }, []);') && !text.includes('closeOverlay'), text);
    // After code of the block, a marker may stand for the rest of it and more: no such anchor.
    const more = planWindows(original, '  const closeTab = useCallback((path) => {\n    dispatch(path);\n    // ... existing code ...\n  }, [focus]);\n', budget());
    assert.ok(original.slice(more[more.length - 1].start, more[more.length - 1].end).includes('closeOverlay'));
  });

  it('takes in the closing line of a block the part shows to its end, however many lines it replaced', () => {
    const body = Array.from({ length: 10 }, (_, i) => `    step${i}();`).join('\n');
    const original = `${longFile(100)}export async function exists(id) {\n  if (!id) return false;\n  try {\n${body}\n  } catch {\n    return false;\n  }\n}\n\n${longFile(100).replace(/step/g, 'more')}`;
    // Two new lines replace the try/catch: the window must reach the function's own `}`.
    const sketch = 'export async function exists(id) {\n  if (!id) return false;\n  const stat = await check(id);\n  return stat;\n}\n';
    const [w] = planWindows(original, sketch, budget());
    const text = original.slice(w.start, w.end);
    assert.ok(text.includes('    return false;\n  }\n}\n'), text);
  });

  it('gives the model the whole file when no part of a sketch with markers anchors, if it fits', () => {
    const original = longFile(12);
    const sketch = '// ... existing code ...\nexport const twice = (value) => step3(step3(value));\n// ... existing code ...\n';
    assert.deepEqual(planWindows(original, sketch, budget()), [{ start: 0, end: original.length, sketch, ownLines: true }]);
  });

  it('gives the model the whole file when a part anchors only by lines the file has more than once, if it fits', () => {
    const original = longFile(12);
    // `return next * 2;` ends every function: it says nothing about where the new line goes.
    const sketch = '// ... existing code ...\n  const doubled = next * 4;\n  return next * 2;\n// ... existing code ...\n';
    assert.deepEqual(planWindows(original, sketch, budget()), [{ start: 0, end: original.length, sketch, ownLines: true }]);
    // One line found once in the file anchors the part: a window around it.
    const sure = '// ... existing code ...\n  const next = value + 6;\n  const doubled = next * 4;\n  return next * 2;\n// ... existing code ...\n';
    const [window] = planWindows(original, sure, budget());
    assert.ok(window.end - window.start < original.length && original.slice(window.start, window.end).includes('step6('));
  });

  it('refuses a long file whose sketch anchors nowhere, or whose change is too wide for a window', () => {
    const original = longFile(200);
    assert.throws(() => planWindows(original, 'totally.different();\n// ...\n', budget()), /shares no line/);
    // No marker between the two: one change from step1 to step190, far wider than a window.
    const wide = 'export function step1(value) {\n  changed();\nexport function step190(value) {\n';
    assert.throws(() => planWindows(original, wide, budget()), /spans too much/);
  });

  it('applies a short snippet without markers in a window around it when the whole file is longer than training', () => {
    const original = longFile(12);
    const snippet = 'export function step6(value) {\n  const next = value + 60;\n  log(next);\n';
    const trainedShare = (o: string, s: string) => (o.length + s.length + Math.max(o.length, s.length)) / 1200;
    const fits = { fits: () => true, wholeFits: () => false };
    // Within the trained length, the model sees the whole file (the sketch might be all of it).
    assert.deepEqual(planWindows(original, snippet, { ...fits, trainedShare: () => 0.5 }), [{ start: 0, end: original.length, sketch: snippet, ownLines: true }]);
    // Past it, the whole file would be cut in pieces that split the snippet: one window around it instead.
    const [w, more] = planWindows(original, snippet, { ...fits, trainedShare });
    assert.equal(more, undefined);
    const text = original.slice(w.start, w.end);
    assert.ok(text.includes('step6(') && !text.includes('step2(') && !text.includes('step10(') && w.sketch === snippet && !w.ownLines, text);
  });

  it('cuts a window longer than the model was trained on at lines the original and sketch share, least indented first', () => {
    const original = longFile(12);
    // The sketch adds a long function after step3 and keeps the rest: the window is the whole file.
    const added = Array.from({ length: 30 }, (_, i) => `  total += ${i};\n`).join('');
    const sketch = original.replace('export function step4(value) {\n', `export function extra(total) {\n${added}  return total;\n}\n\nexport function step4(value) {\n`);
    // Share: original + sketch + the longer of the two, in characters, out of 2,400.
    const trainedShare = (o: string, s: string) => (o.length + s.length + Math.max(o.length, s.length)) / 2400;
    const whole = { fits: () => true, wholeFits: () => true };
    assert.ok(trainedShare(original, sketch) > 1);
    assert.deepEqual(planWindows(original, sketch, whole), [{ start: 0, end: original.length, sketch, ownLines: true }]);
    const pieces = planWindows(original, sketch, { ...whole, trainedShare });
    assert.ok(pieces.length >= 2, JSON.stringify(pieces));
    // The pieces follow on from each other over the whole file and the whole sketch.
    assert.equal(pieces[0].start, 0);
    assert.equal(pieces[pieces.length - 1].end, original.length);
    for (let i = 1; i < pieces.length; i++) assert.equal(pieces[i].start, pieces[i - 1].end);
    assert.equal(pieces.map((p) => p.sketch).join(''), sketch);
    for (const p of pieces) {
      const o = original.slice(p.start, p.end);
      assert.ok(trainedShare(o, p.sketch) <= 1, `${o.length} + ${p.sketch.length}`);
      // Each later piece begins at a line both share, between functions (not indented).
      if (p.start > 0) {
        const line = o.slice(0, o.indexOf('\n') + 1);
        assert.ok(p.sketch.startsWith(line) && line.startsWith('export function'), line);
      }
    }
    // A file too long for one window, rewritten whole (no markers): pieces, not a refusal.
    const long = longFile(200);
    const rewritten = long.replace('value + 150;', 'value + 151;');
    const small = { fits: (o: string, s: string) => o.length + s.length < 4000, wholeFits: () => false };
    assert.throws(() => planWindows(long, rewritten, small), /spans too much/);
    const cut = planWindows(long, rewritten, { ...small, trainedShare });
    assert.equal(cut.map((p) => p.sketch).join(''), rewritten);
    assert.equal(cut.map((p) => long.slice(p.start, p.end)).join(''), long);
    for (const p of cut) assert.ok(trainedShare(long.slice(p.start, p.end), p.sketch) <= 1);
    // Pieces of the whole file hold their lines as their own; a window a marked part anchors does not.
    assert.ok(cut.every((p) => p.ownLines) && pieces.every((p) => p.ownLines));
    const anchored = planWindows(long, '// ... existing code ...\nexport function step150(value) {\n  const next = value + 151;\n// ... existing code ...\n', small);
    assert.ok(anchored.length === 1 && !anchored[0].ownLines);
    // A window with no line to share stays whole.
    const other = Array.from({ length: 40 }, (_, i) => `const other${i} = ${i};\n`).join('');
    assert.deepEqual(planWindows(original, other, { ...whole, trainedShare }), [{ start: 0, end: original.length, sketch: other, ownLines: true }]);
  });
});
