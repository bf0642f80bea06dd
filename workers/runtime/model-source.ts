/**
 * Where each model role's weights come from. A role is a local model folder (the default: the
 * model shipped in models/) or, only when configured, a hub id; OpenAI-compatible endpoints are
 * configured per role by the features that use them.
 *
 *   LOOKAHEAD_TAB_MODEL=/path/to/folder       local folder with config.json, tokenizer.json, onnx/
 *   LOOKAHEAD_APPLY_MODEL=hub:org/name        a hub id; needs LOOKAHEAD_ALLOW_REMOTE_MODELS=1
 *   LOOKAHEAD_TAB_DTYPE=fp32                  float32 weights instead of the default 8-bit ones
 *   LOOKAHEAD_TAB_THREADS=2                   threads per forward pass (default: 1, see below)
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ModelRole = 'tab' | 'apply' | 'chat';

/**
 * q8 (onnx/model_quantized.onnx, 8-bit weights, the default): a decode step reads every weight,
 * so a quarter of the bytes makes it about twice as fast, at the same held-out quality
 * (BENCHMARKS.md). fp32 (onnx/model.onnx) runs in float32 on training's weights stored as float16
 * (half the bytes; the same held-out quality).
 */
export type ModelDtype = 'fp32' | 'q8';

export type ModelSource = ({ kind: 'folder'; path: string } | { kind: 'hub'; id: string }) & { dtype?: ModelDtype; threads?: number };

/**
 * One thread per forward pass by default: a decode step of a small model is too short to gain
 * from splitting, and a second spinning thread competes with the server's own event loop on a
 * small machine (BENCHMARKS.md, "Threads"). Long prefills gain from more; configure per role.
 */
export const DEFAULT_THREADS = 1;

/**
 * Apply verifies a draft of many tokens per forward pass: that work is compute-bound rows, which
 * split well over threads (BENCHMARKS.md, "Apply"); it runs in bursts, in its own worker.
 */
export const DEFAULT_APPLY_THREADS = 2;

/** The model this project trains and ships (training/README.md reproduces it). */
export const SHIPPED_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'lookahead-code');

/** The apply model: the code model fine-tuned on sketch + file -> updated file (training/apply/). */
export const SHIPPED_APPLY_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'lookahead-apply');

export function modelSourceFor(role: ModelRole, env: Record<string, string | undefined> = process.env): ModelSource {
  const configured = env[`LOOKAHEAD_${role.toUpperCase()}_MODEL`];
  // The apply model ships float32 only (stored as float16, run as float32): its verification
  // passes of many rows are faster on float32 weights than on 8-bit ones (BENCHMARKS.md, "Apply").
  const dtypeSetting = env[`LOOKAHEAD_${role.toUpperCase()}_DTYPE`] ?? (role === 'apply' ? 'fp32' : 'q8');
  if (dtypeSetting !== 'fp32' && dtypeSetting !== 'q8') throw new Error(`LOOKAHEAD_${role.toUpperCase()}_DTYPE must be fp32 or q8, got "${dtypeSetting}"`);
  const dtype: ModelDtype = dtypeSetting;
  const threadsSetting = env[`LOOKAHEAD_${role.toUpperCase()}_THREADS`] ?? String(role === 'apply' ? DEFAULT_APPLY_THREADS : DEFAULT_THREADS);
  const threads = Number(threadsSetting);
  if (!/^\d+$/.test(threadsSetting) || threads < 1 || threads > 64) {
    throw new Error(`LOOKAHEAD_${role.toUpperCase()}_THREADS must be a whole number from 1 to 64, got "${threadsSetting}"`);
  }
  if (!configured) return { kind: 'folder', path: role === 'apply' ? SHIPPED_APPLY_MODEL_DIR : SHIPPED_MODEL_DIR, dtype, threads };
  if (configured.startsWith('hub:')) {
    if (env.LOOKAHEAD_ALLOW_REMOTE_MODELS !== '1') {
      throw new Error(`${role} model "${configured}" is a hub id, but remote models are off; set LOOKAHEAD_ALLOW_REMOTE_MODELS=1 to allow downloads`);
    }
    return { kind: 'hub', id: configured.slice(4), dtype, threads };
  }
  const path = resolve(configured);
  if (!existsSync(join(path, 'config.json'))) throw new Error(`${role} model folder ${path} has no config.json`);
  return { kind: 'folder', path, dtype, threads };
}
