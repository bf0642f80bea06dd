/**
 * The headless interface: `npm run -s cli -- <command> ...`. Input JSON comes from files, output is
 * JSON on stdout; errors go to stderr with exit code 1 (2 for usage). The model is loaded once per
 * call, from the shipped folder unless LOOKAHEAD_TAB_MODEL says otherwise, and nothing touches the
 * network.
 *
 *   score --batch <files.json>      [{"name","text"}]          -> {"bytes","nats","bitsPerByte"}
 *   complete --batch <cases.json>   [{"name","prefix","suffix"}] -> [{"name","completion","ms"}]
 *   apply --original <file> --sketch <file> [--plain]              -> the updated file
 *   apply --batch <cases.json> [--plain]  [{"name","original","sketch"}]
 *                                         -> [{"name","output","ms","outputTokens","forwardPasses"}]
 * apply loads the apply model (LOOKAHEAD_APPLY_MODEL to override); --plain decodes token by token
 * without drafts, the baseline that speculative edits must equal.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { applyEdit } from './apply/apply-edit';
import { completeAtCursor } from './completion/complete-at-cursor';
import { CausalLm } from './runtime/causal-lm';
import { modelSourceFor } from './runtime/model-source';
import { scoreTexts } from './runtime/score';

/** Scoring window in tokens: the longest context the shipped model was trained on. */
const SCORE_WINDOW = 1024;

const scoreInput = z.array(z.strictObject({ name: z.string(), text: z.string() }));
const applyInput = z.array(z.object({ name: z.string(), original: z.string(), sketch: z.string() }));
const completeInput = z.array(z.strictObject({ name: z.string(), prefix: z.string(), suffix: z.string() }));

class UsageError extends Error {}

function readJson<T>(path: string | undefined, schema: z.ZodType<T>): T {
  if (!path) throw new UsageError('missing --batch <file.json>');
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

function readText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return text;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'score') {
    const files = readJson(flag(args, '--batch'), scoreInput);
    const lm = await CausalLm.load(modelSourceFor('tab'));
    const result = await scoreTexts(lm, files.map((f) => f.text), SCORE_WINDOW);
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  if (command === 'complete') {
    const cases = readJson(flag(args, '--batch'), completeInput);
    const lm = await CausalLm.load(modelSourceFor('tab'));
    const results = [];
    for (const c of cases) {
      const started = performance.now();
      const { completion } = await completeAtCursor(lm, { prefix: c.prefix, suffix: c.suffix });
      results.push({ name: c.name, completion, ms: Math.round((performance.now() - started) * 10) / 10 });
    }
    process.stdout.write(JSON.stringify(results) + '\n');
    return;
  }
  if (command === 'apply') {
    const plain = args.includes('--plain');
    const batch = flag(args, '--batch');
    if (batch) {
      const cases = readJson(batch, applyInput);
      const lm = await CausalLm.load(modelSourceFor('apply'));
      const results = [];
      for (const c of cases) {
        const started = performance.now();
        try {
          const { output, ms, outputTokens, forwardPasses } = await applyEdit(lm, { original: c.original, sketch: c.sketch, plain });
          results.push({ name: c.name, output, ms, outputTokens, forwardPasses });
        } catch (e) {
          // One bad case does not sink the batch: its output is empty and `error` says why.
          const ms = Math.round((performance.now() - started) * 10) / 10;
          results.push({ name: c.name, output: '', ms, outputTokens: 0, forwardPasses: 0, error: (e as Error).message });
        }
      }
      process.stdout.write(JSON.stringify(results) + '\n');
      return;
    }
    const originalPath = flag(args, '--original');
    const sketchPath = flag(args, '--sketch');
    if (!originalPath || !sketchPath) throw new UsageError('apply needs --original <file> --sketch <file>, or --batch <cases.json>');
    const original = readText(originalPath);
    const sketch = readText(sketchPath);
    const lm = await CausalLm.load(modelSourceFor('apply'));
    const { output } = await applyEdit(lm, { original, sketch, plain });
    process.stdout.write(output);
    return;
  }
  throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}; commands: score, complete, apply`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`lookahead cli: ${(e as Error).message}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
