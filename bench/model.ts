/**
 * Model quality and speed on code the model never saw:
 *   heldout:        bits per byte on held-out package files (and xz -9 on the same bytes, for scale)
 *   lineCompletion: exact rest-of-line matches of `complete` at cursors inside held-out lines
 *   decode:         greedy decode tokens per second; prefill: time for a 2,048-token prompt
 *   tabGate:        show rate and precision of the Tab confidence gate per threshold
 * Prints JSON. `npm run -s bench -- model --json [--files N] [--cases N] [--gate-cases N]`.
 */
import { percentile, round } from './stats';
import { execFileSync } from 'node:child_process';
import { completeAtCursor } from '../workers/completion/complete-at-cursor';
import { CausalLm } from '../workers/runtime/causal-lm';
import { decodeTokens } from '../workers/runtime/decode';
import { modelSourceFor } from '../workers/runtime/model-source';
import { scoreTexts } from '../workers/runtime/score';
import { lineCases, loadHeldoutFiles, sampleFiles } from './heldout-set';

const SCORE_WINDOW = 1024;


export async function benchModel(args: string[]): Promise<unknown> {
  const arg = (name: string, fallback: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const lm = await CausalLm.load(modelSourceFor('tab'));
  const files = loadHeldoutFiles();

  const scored = sampleFiles(files, arg('--files', 80), 30_000);
  const score = await scoreTexts(lm, scored.map((f) => f.text), SCORE_WINDOW);
  const all = Buffer.from(scored.map((f) => f.text).join(''));
  const xzBytes = execFileSync('xz', ['-9', '-c'], { input: all, maxBuffer: 1 << 28 }).byteLength;

  const cases = lineCases(files, arg('--cases', 200));
  let exact = 0;
  const ms: number[] = [];
  const misses: { name: string; expected: string; got: string }[] = [];
  const outcomes: { weakest: number; right: boolean }[] = [];
  for (const c of cases) {
    const started = performance.now();
    const { completion, minLogProb } = await completeAtCursor(lm, { prefix: c.prefix, suffix: c.suffix });
    ms.push(performance.now() - started);
    const got = completion.trimEnd();
    if (got === c.expected) exact++;
    else if (misses.length < 5) misses.push({ name: c.name, expected: c.expected, got: completion });
    // Right as the Tab gate counts it: the exact rest of the line, or a correct start of it.
    if (got) outcomes.push({ weakest: minLogProb, right: c.expected.startsWith(got) });
  }
  // The Tab gate as it ships: generation stops before the first token below the threshold and
  // the confident start is shown. Per threshold: how often something is shown, how much of what
  // is shown is right (the exact rest of the line or a correct start of it), and the characters
  // of right suggestions per cursor (what Tab saves).
  const gateCases = cases.slice(0, arg('--gate-cases', 200));
  const gate = [];
  for (const threshold of [-0.2, -0.35, -0.5, -0.75, -1, -1.5]) {
    let shown = 0;
    let right = 0;
    let rightChars = 0;
    for (const c of gateCases) {
      const got = (await completeAtCursor(lm, { prefix: c.prefix, suffix: c.suffix, minLogProb: threshold })).completion.trimEnd();
      if (!got) continue;
      shown++;
      if (c.expected.startsWith(got)) {
        right++;
        rightChars += got.length;
      }
    }
    gate.push({
      threshold,
      showRate: round(shown / gateCases.length, 3),
      precision: shown ? round(right / shown, 3) : null,
      rightCharsPerCursor: round(rightChars / gateCases.length, 2),
    });
  }
  // The all-or-nothing rule for comparison: the whole completion shown only when every token passed.
  const allOrNothing = [-0.2, -0.5, -1, -1.5, -Infinity].map((threshold) => {
    const shown = outcomes.filter((o) => o.weakest >= threshold);
    return {
      threshold,
      showRate: round(shown.length / cases.length, 3),
      precision: shown.length ? round(shown.filter((o) => o.right).length / shown.length, 3) : null,
    };
  });

  // Decode speed: greedy tokens after a realistic prompt (400 tokens, so 400-600 of context),
  // end-of-text suppressed. The median of five runs: this machine's speed drifts between runs.
  const prompt = lm.encode(scored[0].text.slice(0, 2000)).slice(0, 400);
  const rates: number[] = [];
  let decoded = 0;
  for (let run = 0; run < 5; run++) {
    const start = await lm.prefill(prompt, lm.emptyCache());
    const state = { cache: start.cache, lastLogits: start.lastLogits };
    const decodeStarted = performance.now();
    decoded = 0;
    for await (const _ of decodeTokens(lm, state, { maxTokens: 200, pick: (l) => argmaxExcept(l, lm.special.eos) })) decoded++;
    rates.push((decoded / (performance.now() - decodeStarted)) * 1000);
  }

  const long = lm.encode(files.map((f) => f.text).join('\n')).slice(0, 2048);
  const prefills: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await lm.prefill(long, lm.emptyCache());
    prefills.push(performance.now() - t);
  }

  return {
    heldout: { files: scored.length, bytes: score.bytes, bitsPerByte: round(score.bitsPerByte, 3), xz9BitsPerByte: round((xzBytes * 8) / all.byteLength, 3) },
    lineCompletion: { cases: cases.length, exact, exactRate: round(exact / cases.length, 3), p50Ms: round(percentile(ms, 50), 1), p90Ms: round(percentile(ms, 90), 1), sampleMisses: misses },
    tabGate: { confidentStart: gate, allOrNothing },
    decode: { tokens: decoded, runs: rates.length, tokensPerSecond: round(percentile(rates, 50), 0), slowestRun: round(Math.min(...rates), 0), fastestRun: round(Math.max(...rates), 0) },
    prefill: { tokens: long.length, medianMs: round(percentile(prefills, 50), 1) },
  };
}

function argmaxExcept(row: Float32Array, except: number): number {
  let best = except === 0 ? 1 : 0;
  for (let i = 0; i < row.length; i++) if (i !== except && row[i] > row[best]) best = i;
  return best;
}

