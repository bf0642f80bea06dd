/**
 * Loads an exported model folder in Node (the runtime the product uses), runs a prompt, checks
 * that cached decoding matches a full recompute and (when the folder has reference.json, written
 * by export.py) that the ONNX graph computes what torch computed, and prints a JSON summary.
 * Exits 1 on failure.
 *   npx tsx training/check-model.ts <model-folder>
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { argmax, CausalLm } from '../workers/runtime/causal-lm';

const folder = process.argv[2];
if (!folder) {
  process.stderr.write('usage: check-model.ts <model-folder>\n');
  process.exit(2);
}
const lm = await CausalLm.load({ kind: 'folder', path: resolve(folder), dtype: 'fp32' });
const ids = [lm.special.eos, ...lm.encode('function add(a, b) {\n  return a + b;\n}\n')];
const full = await lm.forward(ids, lm.emptyCache());
const head = await lm.forward(ids.slice(0, 5), lm.emptyCache());
const tail = await lm.forward(ids.slice(5), head.cache);
let diff = 0;
const ref = full.logits.subarray(5 * lm.vocabSize);
for (let i = 0; i < ref.length; i++) diff = Math.max(diff, Math.abs(ref[i] - tail.logits[i]));
// The 8-bit copy loads too and stays close to fp32 (its argmax agrees almost everywhere).
const q8 = await CausalLm.load({ kind: 'folder', path: resolve(folder), dtype: 'q8' });
const quantized = await q8.forward(ids, q8.emptyCache());
let agree = 0;
for (let i = 0; i < ids.length; i++) if (argmax(lm.row(full.logits, i)) === argmax(q8.row(quantized.logits, i))) agree++;
// The graph against torch: same argmax everywhere, last row within float tolerance.
let referenceDiff = 0;
let referenceArgmax = 1;
const referencePath = join(resolve(folder), 'reference.json');
if (existsSync(referencePath)) {
  const reference = JSON.parse(readFileSync(referencePath, 'utf8')) as { ids: number[]; argmax: number[]; lastRow: number[] };
  const out = await lm.forward(reference.ids, lm.emptyCache());
  const last = lm.row(out.logits, reference.ids.length - 1);
  reference.lastRow.forEach((v, i) => (referenceDiff = Math.max(referenceDiff, Math.abs(v - last[i]))));
  referenceArgmax = reference.argmax.filter((id, i) => id === argmax(lm.row(out.logits, i))).length / reference.ids.length;
}
const ok = referenceDiff < 2e-3 && referenceArgmax >= 0.95 && diff < 1e-3 && lm.decode(ids) === 'function add(a, b) {\n  return a + b;\n}\n' && agree / ids.length >= 0.9;
process.stdout.write(JSON.stringify({ folder, ok, vocabSize: lm.vocabSize, layers: lm.shape.layers, cachedVsFullMaxDiff: diff, torchMaxDiff: referenceDiff, torchArgmaxAgreement: referenceArgmax, q8ArgmaxAgreement: agree / ids.length }) + '\n');
process.exit(ok ? 0 : 1);
