/**
 * Apply: exact match and speed of speculative edits against plain greedy decoding.
 *
 *   npm run -s bench -- apply [--json] [--suite continue|heldout|valid|long|chat|all] [--limit N] [--no-plain] [--repeat N]
 *
 * Suites: ../shared/peer-suites/continue-lazy-apply (another project's cases) and held-out version
 * diffs (training/apply/eval_cases.py; packages the model never saw). `valid` holds version diffs
 * of the corpus's valid packages, also never trained on: settings are chosen on it, not on the
 * other two. `long` rewrites long held-out files whole: the sketch is the new version of a file
 * of 8,000 to 40,000 characters, with no markers (the file is applied in pieces the length the model
 * was trained on). `chat` holds sketches written the way chat models answer edit requests, against
 * this repository's own files (bench/fixtures/apply-chat-cases.json). `all` runs continue and heldout. A case passes when the output
 * equals the expected file with trailing whitespace of each line and trailing blank lines ignored.
 * Each case runs speculative and --plain; outputs must be identical, and tokens/s are compared.
 * `guardAllowsExpected` counts the cases whose expected file the line guard lets be written at all.
 * Timings on a shared machine vary from run to run (the same case has taken up to 2.8x longer);
 * `--repeat N` runs each case N times both ways and keeps the fastest of each.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyEdit, type ApplyResult } from '../workers/apply/apply-edit';
import { LineGuard, toBytes } from '../workers/apply/line-guard';
import { CausalLm } from '../workers/runtime/causal-lm';
import { modelSourceFor } from '../workers/runtime/model-source';
import { percentile, round } from './stats';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONTINUE = join(ROOT, '..', 'shared', 'peer-suites', 'continue-lazy-apply', 'cases.json');
const CASES_DIR = join(ROOT, 'training', 'out', 'apply');

interface Case {
  name: string;
  original: string;
  sketch: string;
  expected: string;
}

export function normalise(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
}

function loadSuite(name: string): Case[] {
  if (name === 'continue') {
    if (!existsSync(CONTINUE)) throw new Error(`${CONTINUE} not found (../shared beside the repository)`);
    const raw = JSON.parse(readFileSync(CONTINUE, 'utf8')) as Record<string, Omit<Case, 'name'>>;
    return Object.entries(raw).map(([n, c]) => ({ name: n, ...c }));
  }
  if (name === 'long') return longFiles();
  if (name === 'chat') return chatCases();
  if (name !== 'heldout' && name !== 'valid') throw new Error(`unknown suite ${name} (continue, heldout, valid, long, chat or all)`);
  const file = join(CASES_DIR, `${name}-cases.json`);
  if (!existsSync(file)) {
    const pairs = join(CASES_DIR, `${name}-pairs.jsonl`);
    throw new Error(`${file} not found; make it with: /usr/bin/python3 training/apply/version_pairs.py --out training/out/apply --split ${name} && /usr/bin/python3 training/apply/eval_cases.py --pairs ${pairs} --out ${file}`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Case[];
}

const CHAT = join(ROOT, 'bench', 'fixtures', 'apply-chat-cases.json');

/**
 * Sketches written the way chat models answer an edit request, against files of this repository
 * at a commit (read with git, so the checkout needs its history); the expected file is the
 * original with the case's changes to its lines.
 */
function chatCases(): Case[] {
  const fixture = JSON.parse(readFileSync(CHAT, 'utf8')) as {
    files: Record<string, { path: string; commit: string }>;
    cases: { name: string; file: string; sketch: string; changes: [number, number, string | null][] }[];
  };
  const originals = new Map<string, string>();
  const originalOf = (key: string) => {
    let text = originals.get(key);
    if (text === undefined) {
      const { path, commit } = fixture.files[key];
      try {
        text = execFileSync('git', ['show', `${commit}:${path}`], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch {
        throw new Error(`${path} at ${commit.slice(0, 8)} is not in this checkout's history (the chat suite needs a full clone)`);
      }
      originals.set(key, text);
    }
    return text;
  };
  return fixture.cases.map((c) => {
    const original = originalOf(c.file);
    const lines = original.split('\n');
    for (const [start, end, text] of [...c.changes].reverse()) lines.splice(start, end - start, ...(text === null ? [] : text.split('\n')));
    return { name: c.name, original, sketch: c.sketch, expected: lines.join('\n') };
  });
}

/** Files of the long suite, taken in turn from each held-out package (sorted by package and path). */
const LONG_FILES = 12;

/** Long held-out source files, each rewritten whole: the sketch is the file's next version. */
function longFiles(): Case[] {
  const file = join(CASES_DIR, 'heldout-pairs.jsonl');
  if (!existsSync(file)) throw new Error(`${file} not found; make it with: /usr/bin/python3 training/apply/version_pairs.py --out training/out/apply --split heldout`);
  const byPackage = new Map<string, Case[]>();
  const pairs = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { package: string; from: string; to: string; path: string; before: string; after: string });
  for (const p of pairs) {
    if (p.before === p.after || p.before.length < 8_000 || p.before.length > 40_000 || !/\.(?:[cm]?js|ts)$/.test(p.path) || /(?:^|\/)(?:dist|build)\/|\.d\.ts$/.test(p.path)) continue;
    const list = byPackage.get(p.package) ?? [];
    list.push({ name: `${p.package}@${p.from}..${p.to}:${p.path}`, original: p.before, sketch: p.after, expected: p.after });
    byPackage.set(p.package, list);
  }
  const lists = [...byPackage.keys()].sort().map((k) => byPackage.get(k)!.sort((a, b) => (a.name < b.name ? -1 : 1)));
  const cases: Case[] = [];
  for (let round = 0; cases.length < LONG_FILES && lists.some((l) => l.length > round); round++) {
    for (const list of lists) if (list[round] && cases.length < LONG_FILES) cases.push(list[round]);
  }
  return cases;
}

/**
 * Whether the line guard lets the expected file be written (over the whole file, one byte per
 * step): the cases it refuses cannot match whatever the model does, so this bounds exact match.
 */
function guardAllows(c: Case): boolean {
  const guard = new LineGuard({ original: c.original.split('\n'), sketch: c.sketch.split('\n') }, (id) => String.fromCharCode(id), 0, new Set());
  const text = toBytes(normalise(c.expected) + '\n');
  for (let i = 0; i < text.length; i++) {
    const id = text.charCodeAt(i);
    if (id === 0 || !guard.allows(id)) return false;
    guard.push(id);
  }
  return guard.allows(0);
}

async function runSuite(lm: CausalLm, cases: Case[], withPlain: boolean, repeat: number) {
  let exact = 0;
  let identical = 0;
  let errors = 0;
  let specTokens = 0;
  let specMs = 0;
  let plainTokens = 0;
  let plainMs = 0;
  let specPasses = 0;
  const speedups: number[] = [];
  const failed: string[] = [];
  for (const c of cases) {
    let spec;
    try {
      spec = await fastest(repeat, () => applyEdit(lm, { original: c.original, sketch: c.sketch }));
    } catch (e) {
      errors++;
      failed.push(`${c.name} (${(e as Error).message.slice(0, 60)})`);
      continue;
    }
    if (normalise(spec.output) === normalise(c.expected)) exact++;
    else failed.push(c.name);
    specTokens += spec.outputTokens;
    specMs += spec.ms;
    specPasses += spec.forwardPasses;
    if (withPlain) {
      const plain = await fastest(repeat, () => applyEdit(lm, { original: c.original, sketch: c.sketch, plain: true }));
      if (plain.output === spec.output) identical++;
      plainTokens += plain.outputTokens;
      plainMs += plain.ms;
      speedups.push(plain.ms / spec.ms);
    }
  }
  return {
    cases: cases.length,
    exactMatch: round((100 * exact) / cases.length),
    exact,
    guardAllowsExpected: cases.filter(guardAllows).length,
    errors,
    ...(withPlain ? { identicalToPlain: `${identical}/${cases.length - errors}` } : {}),
    tokensPerSecond: round((1000 * specTokens) / specMs),
    ...(withPlain
      ? {
          plainTokensPerSecond: round((1000 * plainTokens) / plainMs),
          speedup: round(plainMs / specMs, 2),
          speedupPerCaseP50: round(percentile(speedups, 50), 2),
        }
      : {}),
    tokensPerForwardPass: round(specTokens / Math.max(1, specPasses), 2),
    failed: failed.slice(0, 40),
  };
}

/** The fastest of `repeat` runs (greedy decoding gives the same output every time). */
async function fastest(repeat: number, run: () => Promise<ApplyResult>): Promise<ApplyResult> {
  let best = await run();
  for (let i = 1; i < repeat; i++) {
    const next = await run();
    if (next.ms < best.ms) best = next;
  }
  return best;
}

export async function benchApply(args: string[]) {
  const at = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const suite = at('--suite') ?? 'all';
  const limit = Number(at('--limit') ?? Infinity);
  const withPlain = !args.includes('--no-plain');
  const repeat = Number(at('--repeat') ?? 1);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat wants a whole number of runs, at least 1 (got ${at('--repeat')})`);
  const lm = await CausalLm.load(modelSourceFor('apply'));
  const names = suite === 'all' ? ['continue', 'heldout'] : [suite];
  const result: Record<string, unknown> = {};
  for (const name of names) result[name] = await runSuite(lm, loadSuite(name).slice(0, limit), withPlain, repeat);
  return result;
}
