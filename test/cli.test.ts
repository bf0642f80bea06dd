/** The headless interface with the shipped model, run as other tools run it, network cut. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'lookahead-cli-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content));
  return path;
}

/** `npm run -s cli -- ...` inside a network namespace with no interfaces up: nothing can be fetched. */
function cli(...args: string[]) {
  const run = spawnSync('unshare', ['-n', 'npm', 'run', '-s', 'cli', '--', ...args], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('cli', () => {
  it('score --batch prints bytes, nats and bits per byte for the whole set', () => {
    const texts = ['export function add(a, b) {\n  return a + b;\n}\n', 'const names: string[] = ["é"];\nnames.push("x");\n'];
    const files = file('files.json', texts.map((text, i) => ({ name: `f${i}`, text })));
    const run = cli('score', '--batch', files);
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.bytes, Buffer.byteLength(texts.join('')));
    assert.ok(out.nats > 0);
    assert.ok(Math.abs(out.bitsPerByte - out.nats / Math.LN2 / out.bytes) < 1e-9);
  });

  it('complete --batch prints one completion per case with its time', () => {
    const cases = file('cases.json', [
      { name: 'ret', prefix: 'function add(a, b) {\n  return a', suffix: '\n}\n' },
      { name: 'empty', prefix: '', suffix: '' },
    ]);
    const run = cli('complete', '--batch', cases);
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { name: string; completion: string; ms: number }[];
    assert.deepEqual(out.map((r) => r.name), ['ret', 'empty']);
    for (const r of out) {
      assert.equal(typeof r.completion, 'string');
      assert.ok(r.ms >= 0);
    }
    assert.ok(!out[0].completion.includes('\n'), 'mid-block line completion stays on its line');
  });

  it('bad input gets a clear message and a failing exit code', () => {
    const cases: [string[], RegExp, number][] = [
      [['score', '--batch', join(dir, 'missing.json')], /cannot read/, 1],
      [['score', '--batch', file('bad.json', '{not json')], /not valid JSON/, 1],
      [['complete', '--batch', file('shape.json', [{ name: 'x', prefix: 1 }])], /prefix/, 1],
      [['score'], /--batch/, 2],
      [['frobnicate'], /unknown command/, 2],
    ];
    for (const [args, message, status] of cases) {
      const run = cli(...args);
      assert.equal(run.status, status, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });

  it('apply prints the updated file, and apply --batch one result per case in the documented shape', () => {
    const original = 'export function greet(name) {\n  return "Hello, " + name;\n}\n\nexport const answer = 42;\n';
    const sketch = 'export function greet(name) {\n  return `Hello, ${name}!`;\n}\n\n// ... existing code ...\n';
    const one = cli('apply', '--original', file('original.js', original), '--sketch', file('sketch.js', sketch));
    assert.equal(one.status, 0, one.stderr);
    assert.ok(one.stdout.length > 0);
    const plain = cli('apply', '--original', file('original.js', original), '--sketch', file('sketch.js', sketch), '--plain');
    assert.equal(plain.stdout, one.stdout, 'speculative and plain decoding print the same file');

    const cases = file('apply.json', [
      { name: 'greet', original, sketch },
      { name: 'empty sketch', original, sketch: '' },
    ]);
    const run = cli('apply', '--batch', cases);
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(out[0]), ['name', 'output', 'ms', 'outputTokens', 'forwardPasses']);
    assert.equal(out[0].output, one.stdout);
    assert.ok((out[0].forwardPasses as number) >= 1 && (out[0].outputTokens as number) >= (out[0].forwardPasses as number));
    // A bad case does not sink the batch: empty output and the reason.
    assert.equal(out[1].output, '');
    assert.match(String(out[1].error), /sketch is empty/);
  });

  it('apply with bad arguments or files says what is wrong', () => {
    const cases: [string[], RegExp, number][] = [
      [['apply', '--original', file('o.js', 'a\n')], /--sketch/, 2],
      [['apply', '--original', join(dir, 'nope.js'), '--sketch', file('s.js', 'b\n')], /cannot read/, 1],
      [['apply', '--original', file('bin.dat', Buffer.from([0, 1, 2, 3])), '--sketch', file('s.js', 'b\n')], /binary/, 1],
      [['apply', '--batch', file('bad-apply.json', [{ name: 'x', original: 'a' }])], /sketch/, 1],
    ];
    for (const [args, message, status] of cases) {
      const run = cli(...args);
      assert.equal(run.status, status, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });
});
