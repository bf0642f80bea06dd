/**
 * The apply model's training data tools: sketches that open with a chat model's note, and the rule
 * that extends the pinned version-pair chains. Runs the Python modules with /usr/bin/python3
 * (standard library only); nothing is fetched.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

function python(code: string): unknown {
  const run = spawnSync('/usr/bin/python3', ['-c', `import sys, json, random\nsys.path.insert(0, "training/apply")\n${code}`], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

const BEFORE = 'function total(items) {\n  return items.length;\n}\n\nfunction first(items) {\n  return items[0];\n}\n'.repeat(3);
const AFTER = BEFORE.replace('return items[0];', 'return items.at(firstIndex);');

describe('apply training data', () => {
  it('opens a share of sketches with a note naming the edit, and leaves sketches without notes as they were', () => {
    const result = python(`
import sketch
before, after = json.loads(${JSON.stringify(JSON.stringify([BEFORE, AFTER]))})
plain = [sketch.make_sketch("a.ts", before, after, random.Random(s)) for s in range(40)]
zero = [sketch.make_sketch("a.ts", before, after, random.Random(s), 0.0) for s in range(40)]
noted = [sketch.make_sketch("a.ts", before, after, random.Random(s), 1.0) for s in range(40)]
py = sketch.make_sketch("a.py", "x = 1\\n", "x = compute_total()\\n", random.Random(1), 1.0)
md = sketch.make_sketch("a.md", "# Title\\n", "# Heading\\n", random.Random(1), 1.0)
print(json.dumps({"same": plain == zero, "noted": noted, "plain": plain, "py": py, "md": md}))
`) as { same: boolean; noted: string[]; plain: string[]; py: string; md: string };
    assert.ok(result.same, 'a note share of 0 draws nothing: the same seed gives the same sketch');
    assert.ok(result.plain.every((s) => !/^\/\/ (?!\.\.\.|\(unchanged\))/.test(s)), 'no notes unless asked for');
    for (const [i, s] of result.noted.entries()) {
      const [note, ...rest] = s.split('\n');
      assert.match(note, /^\/\/ /, `sketch ${i} opens with a line comment`);
      assert.match(note, /firstIndex|items/, `the note names a word of the new line: ${note}`);
      assert.equal(rest.join('\n'), result.plain[i], 'the rest is the sketch made without the note');
    }
    assert.match(result.py, /^# .*compute_total/);
    assert.match(result.md, /^<!-- .*Heading.* -->\n/);
  });

  it('makes a share of sketches fragments: the changed method alone, at column 0, no markers', () => {
    const method = (name: string) => `  ${name}(items) {\n    const picked = items.filter((item) => item.${name});\n    return picked;\n  }\n\n`;
    const before = `class Cart {\n${['total', 'tax', 'shipping'].map(method).join('')}  count(items) {\n    return items.length;\n  }\n\n` +
      `${['first', 'last', 'empty'].map(method).join('')}}\n`;
    const after = before.replace('return items.length;', 'return items.filter(Boolean).length;');
    const result = python(`
import sketch
before, after = json.loads(${JSON.stringify(JSON.stringify([before, after]))})
plain = [sketch.make_sketch("a.ts", before, after, random.Random(s)) for s in range(40)]
zero = [sketch.make_sketch("a.ts", before, after, random.Random(s), 0.0, 0.0) for s in range(40)]
fragments = [sketch.make_sketch("a.ts", before, after, random.Random(s), 0.0, 1.0) for s in range(40)]
print(json.dumps({"same": plain == zero, "fragments": fragments}))
`) as { same: boolean; fragments: string[] };
    assert.ok(result.same, 'a fragment share of 0 draws nothing: the same seed gives the same sketch');
    for (const f of result.fragments) {
      const lines = f.trimEnd().split('\n');
      assert.ok(lines.some((l) => l === 'return items.filter(Boolean).length;' || l.endsWith(' return items.filter(Boolean).length;')), f);
      assert.ok(!/\.\.\.|unchanged/.test(lines[0]) && !/\.\.\.|unchanged/.test(lines.at(-1)!), `no marker at either end:\n${f}`);
      assert.ok(lines.some((l) => l.length > 0 && !/^\s/.test(l)), `moved to column 0:\n${f}`);
      assert.ok(!f.includes('class Cart'), 'the class around the change is left out');
    }
    const bad = spawnSync('/usr/bin/python3', ['training/apply/examples.py', '--tokenizer', 'models/lookahead-code/tokenizer.json', '--pairs', '/nonexistent',
      '--corpus', '/nonexistent', '--out', join(mkdtempSync(join(tmpdir(), 'lookahead-ex-')), 'out'), '--fragment-share', '1.5'], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--fragment-share is a share from 0 to 1, got 1.5/);
  });

  it('extends a chain back by the pins\' rule, and refuses a bad count', () => {
    const versions = ['1.0.0', '1.0.1', '1.1.0', '1.1.1', '1.1.2', '1.1.3', '1.1.4', '1.1.5', '1.2.0', '1.2.1'];
    const result = python(`
import pin_pairs as p
versions = ${JSON.stringify(versions)}
print(json.dumps({
    "minor": p.step_back(versions, "1.2.0"),
    "capped": p.step_back(versions, "1.1.5"),
    "first_line": p.step_back(versions, "1.0.1"),
    "oldest": p.step_back(versions, "1.0.0"),
    "unknown": p.step_back(versions, "9.9.9"),
    "chain": p.extend([["1.2.0", "1.2.1"]], versions, 4),
    "runs_out": p.extend([["1.0.0", "1.0.1"]], versions, 3),
}))
`) as Record<string, unknown>;
    assert.equal(result.minor, '1.1.5', 'the last release of the previous minor line');
    assert.equal(result.capped, '1.1.1', 'at most 4 releases back');
    assert.equal(result.first_line, '1.0.0');
    assert.equal(result.oldest, null);
    assert.equal(result.unknown, null);
    assert.deepEqual(result.chain, [['1.0.1', '1.1.1'], ['1.1.1', '1.1.5'], ['1.1.5', '1.2.0'], ['1.2.0', '1.2.1']], 'pairs chain, oldest first');
    assert.deepEqual(result.runs_out, [['1.0.0', '1.0.1']], 'a package whose history runs out keeps what it has');

    const dir = mkdtempSync(join(tmpdir(), 'lookahead-pins-'));
    const pins = join(dir, 'pins.json');
    const original = readFileSync('training/apply/version-pairs.json', 'utf8');
    writeFileSync(pins, original);
    const bad = spawnSync('/usr/bin/python3', ['training/apply/pin_pairs.py', '--pairs-per-package', '0', '--pairs', pins], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--pairs-per-package must be at least 1/);
    assert.equal(readFileSync(pins, 'utf8'), original, 'the pins file is untouched');
    // Already long enough: no registry call, and the file is written back byte for byte.
    const same = spawnSync('/usr/bin/python3', ['training/apply/pin_pairs.py', '--pairs-per-package', '1', '--pairs', pins], { encoding: 'utf8' });
    assert.equal(same.status, 0, same.stderr);
    assert.equal(readFileSync(pins, 'utf8'), original, 'the layout round-trips');
  });
});
