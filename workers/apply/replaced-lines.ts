/**
 * Lines the sketch rewrites. Between two lines the sketch keeps from the original (merge-order.ts
 * pairs them), with no elision marker between them in the sketch, the sketch shows the whole
 * stretch: an original line there that the sketch leaves out but shows rewritten (a new line of
 * the sketch there much like it) is the old version of that line. Apply's line guard writes it
 * once less, so a small model that prefers the text it can copy cannot keep the old line where the
 * user changed it.
 *
 * Lines are keys (trimmed). Only lines of code count (merge-order.ts's `isCode`).
 */
import { isCode } from './merge-order';

/** How alike two lines must be (shared tokens, 2·common / total) to be one line rewritten. */
const REWRITE_SIMILARITY = 0.6;

/**
 * The original's lines (keys, one entry per line replaced) that the sketch shows rewritten.
 * @param pairs [original, sketch] positions of kept lines, in order
 * @param elisions sketch positions where an elision marker stood just before that line
 */
export function replacedLines(
  original: readonly string[],
  sketch: readonly string[],
  pairs: readonly (readonly [number, number])[],
  elisions: ReadonlySet<number>,
): string[] {
  const inOriginal = new Set(original);
  const inSketch = new Set(sketch);
  const replaced: string[] = [];
  for (let n = 1; n < pairs.length; n++) {
    const [pa, qa] = pairs[n - 1];
    const [pb, qb] = pairs[n];
    let elided = false;
    for (let q = qa + 1; q <= qb && !elided; q++) elided = elisions.has(q);
    if (elided) continue;
    const old = original.slice(pa + 1, pb).filter((key) => isCode(key) && !inSketch.has(key));
    const fresh = sketch.slice(qa + 1, qb).filter((key) => isCode(key) && !inOriginal.has(key));
    if (!old.length || !fresh.length) continue;
    // The most alike first; each line is matched at most once.
    const candidates: [number, number, number][] = [];
    old.forEach((a, i) => {
      const ta = tokens(a);
      fresh.forEach((b, j) => {
        const s = similarity(ta, tokens(b));
        if (s >= REWRITE_SIMILARITY) candidates.push([s, i, j]);
      });
    });
    candidates.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
    const usedOld = new Set<number>();
    const usedFresh = new Set<number>();
    for (const [, i, j] of candidates) {
      if (usedOld.has(i) || usedFresh.has(j)) continue;
      usedOld.add(i);
      usedFresh.add(j);
      replaced.push(old[i]);
    }
  }
  return replaced;
}

function tokens(key: string): string[] {
  return key.match(/[A-Za-z_$][\w$]*|\d+|\S/g) ?? [];
}

/** 2·(longest common subsequence of tokens) / (tokens in both). */
function similarity(a: readonly string[], b: readonly string[]): number {
  if (!a.length || !b.length) return 0;
  let prev = new Int32Array(b.length + 1);
  let row = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) row[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    [prev, row] = [row, prev];
  }
  return (2 * prev[b.length]) / (a.length + b.length);
}
