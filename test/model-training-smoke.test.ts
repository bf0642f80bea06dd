/**
 * The training pipeline end to end in its smoke mode: a tiny corpus from pinned npm packages, a
 * tokenizer, a few training steps, ONNX export, and the result loaded and run by the Node runtime.
 * Needs Debian's python3-torch, python3-onnx, python3-numpy and python3-regex.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { completeAtCursor } from '../workers/completion/complete-at-cursor';
import { CausalLm } from '../workers/runtime/causal-lm';

describe('model training (smoke mode)', () => {
  it('trains a few steps, exports a folder Node loads, and the result completes code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookahead-smoke-'));
    const out = join(dir, 'model');
    const run = spawnSync('/usr/bin/python3', ['training/make_model.py', '--smoke', '--out', out, '--work', join(dir, 'work')], { encoding: 'utf8' });
    assert.equal(run.status, 0, `make_model.py --smoke failed:\n${run.stdout}\n${run.stderr}`);
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) assert.ok(existsSync(join(out, f)), f);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    assert.equal(config.model_type, 'llama');
    // The corpus never contains held-out packages.
    const train = readFileSync(join(dir, 'work', 'corpus', 'train.jsonl'), 'utf8');
    for (const name of ['"package": "ky@', '"package": "superstruct@']) assert.ok(!train.includes(name), name);
    const lm = await CausalLm.load({ kind: 'folder', path: out });
    const result = await completeAtCursor(lm, { prefix: 'const x = ', suffix: ';\n' });
    assert.equal(typeof result.completion, 'string');
    assert.ok(result.tokens >= 0);
    // The float32 graph ships with its weights stored as float16 and runs in float32.
    const graph = readFileSync(join(out, 'onnx', 'model.onnx'));
    assert.ok(graph.includes('embed_tokens.weight_fp16'), 'the float32 graph stores its weights as float16');
    const fp32 = await CausalLm.load({ kind: 'folder', path: out, dtype: 'fp32' });
    const ids = fp32.encode('function add(a, b) {');
    const logits = (await fp32.forward(ids, fp32.emptyCache())).logits;
    assert.equal(logits.length, ids.length * fp32.vocabSize);
    assert.ok(logits.every(Number.isFinite), 'finite logits');
  });
});
