/**
 * The held-out evaluation set: source files of packages the model never saw in training
 * (training/packages-heldout.json), as built by training/corpus/build.py into
 * training/out/heldout/files.jsonl. Files and line-completion cases are drawn deterministically.
 */
import { existsSync, readFileSync } from 'node:fs';
import { seededRandom } from '../test/support/random';

export interface HeldoutFile {
  name: string;
  text: string;
}

export interface LineCase {
  name: string;
  prefix: string;
  suffix: string;
  /** What the rest of the line really says. */
  expected: string;
}

export const HELDOUT_PATH = 'training/out/heldout/files.jsonl';

export function loadHeldoutFiles(path = HELDOUT_PATH): HeldoutFile[] {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: build it with \`/usr/bin/python3 training/corpus/build.py\` (held-out packages only need npm)`);
  }
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { package: string; path: string; text: string })
    .map((f) => ({ name: `${f.package}/${f.path}`, text: f.text }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A deterministic sample of files, at most `maxChars` characters each. */
export function sampleFiles(files: HeldoutFile[], count: number, maxChars: number, seed = 7): HeldoutFile[] {
  const rand = seededRandom(seed);
  const code = files.filter((f) => /\.(m?[jt]sx?|cjs|cts|mts)$/.test(f.name) && !f.name.endsWith('.d.ts'));
  const picked: HeldoutFile[] = [];
  const pool = [...code];
  while (picked.length < count && pool.length) {
    const [f] = pool.splice(Math.floor(rand() * pool.length), 1);
    picked.push({ name: f.name, text: f.text.slice(0, maxChars) });
  }
  return picked;
}

/**
 * Line-completion cases: a cursor somewhere inside a line of real code (after its indentation),
 * the rest of the line to predict, and the file around it as prefix and suffix.
 */
export function lineCases(files: HeldoutFile[], count: number, seed = 11): LineCase[] {
  const rand = seededRandom(seed);
  const cases: LineCase[] = [];
  const pool = sampleFiles(files, Math.min(files.length, count * 2), 200_000, seed);
  for (let attempt = 0; cases.length < count && attempt < count * 20; attempt++) {
    const file = pool[Math.floor(rand() * pool.length)];
    const lines = file.text.split('\n');
    const n = Math.floor(rand() * lines.length);
    const line = lines[n];
    const indent = line.length - line.trimStart().length;
    if (line.trim().length < 8 || /^\s*(\/\/|\*|\/\*)/.test(line)) continue;
    const cut = indent + 1 + Math.floor(rand() * (line.length - indent - 1));
    const expected = line.slice(cut).trimEnd();
    if (!expected) continue;
    const before = lines.slice(0, n).join('\n') + (n > 0 ? '\n' : '');
    const after = '\n' + lines.slice(n + 1).join('\n');
    cases.push({ name: `${file.name}:${n + 1}`, prefix: before + line.slice(0, cut), suffix: after, expected });
  }
  return cases;
}
