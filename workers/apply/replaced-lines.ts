/**
 * Lines the sketch rewrites. Between two lines the sketch keeps from the original (merge-order.ts
 * pairs them), with no elision marker between them in the sketch, the sketch shows the whole
 * stretch: an original line there that the sketch leaves out but shows rewritten (a new line of
 * the sketch there much like it) is the old version of that line. So is the original's line right
 * next to a kept line where the sketch has a new line much like it (or extending it) right next to
 * the same kept line (at the end of what the sketch shows there), and, in a part between two markers (or
 * before the first marker, at the file's top) that has no line of the original, the original
 * line each new line of code is clearly most like (that new line then takes the old one's place:
 * merge-order.ts's `place`); in a part that has lines of the original but keeps none of its code
 * (`return null;`, found all over the file), the same among the lines between the kept lines
 * around it; in such a part, a new line that goes on from the one original line it starts with
 * (`write(html);` to `write(html, (err) => {`) is that line, and places the part there. A new
 * comment right before a kept line replaces the original's comment right before it (a doc
 * comment rewritten). A new line that defines a name the original defines at the head of a block
 * rewrites that whole definition (`definitionOf`). Apply's line guard writes it once less, so a small model that
 * prefers the text it can copy cannot keep the old line where the user changed it.
 *
 * Lines are keys (trimmed). Only lines of code count (merge-order.ts's `isCode`).
 */
import { codeTokens, continuesLine, definedName, extendsLine, likeness, REWRITE_SIMILARITY, sharesNames, similarity, tokens } from './line-likeness';
import { closes } from './block-structure';
import { COMMENT_EDGE, isCode, isComment } from './merge-order';

/**
 * The original's lines (keys, one entry per line replaced) that the sketch shows rewritten.
 * @param pairs [original, sketch] positions of kept lines, in order
 * @param elisions sketch positions where an elision marker stands just before that line (given, or implied at a snippet's edges)
 */
export function replacedLines(
  original: readonly string[],
  sketch: readonly string[],
  pairs: readonly (readonly [number, number])[],
  elisions: ReadonlySet<number>,
  /**
   * Receives [original, sketch] positions of the lines of a part between two markers that take
   * the place of the original line they rewrite (in order; merge-order.ts's `place`).
   */
  placed?: [number, number][],
  /**
   * Receives, for a placed line that rewrites a whole definition, its original position and the
   * position of the definition's closing line (merge-order.ts's `place`).
   */
  ends?: Map<number, number>,
): string[] {
  const inOriginal = new Set(original);
  const inSketch = new Set(sketch);
  const replaced: string[] = [];
  /** Whether a marker stands between sketch lines `a` and `b` (either order). */
  const elidedBetween = (a: number, b: number) => {
    for (let q = Math.min(a, b) + 1; q <= Math.max(a, b); q++) if (elisions.has(q)) return true;
    return false;
  };
  for (let n = 1; n < pairs.length; n++) {
    const [pa, qa] = pairs[n - 1];
    const [pb, qb] = pairs[n];
    if (elidedBetween(qa, qb)) continue;
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
  // At an end of the sketch's shown stretch (a kept line with a marker or the sketch's edge on
  // the other side), a new line right next to a kept line replaces the original's line right next
  // to it there, if it is much like it; past as many blank lines in both (a Markdown heading
  // rewritten above its paragraph).
  const shownTo = (n: number, step: number) => {
    const [p, q] = pairs[n];
    const other = pairs[n + step];
    // On the other side, a marker that stands for at least one more original line than `y`.
    if (other && (!elidedBetween(q, other[1]) || Math.abs(other[0] - p) <= 2)) return;
    let k = 1;
    while (sketch[q + k * step] === '' && original[p + k * step] === '' && !elisions.has(step > 0 ? q + k : q - k + 1)) k++;
    const x = sketch[q + k * step];
    const y = original[p + k * step];
    if (x === undefined || y === undefined || elisions.has(step > 0 ? q + k : q - k + 1)) return;
    if (!isCode(x) || inOriginal.has(x) || !isCode(y) || inSketch.has(y)) return;
    const [tx, ty] = [tokens(x), tokens(y)];
    if (likeness(tx, ty) >= REWRITE_SIMILARITY || extendsLine(ty, tx)) replaced.push(y);
  };
  for (let n = 0; n < pairs.length; n++) {
    shownTo(n, 1);
    shownTo(n, -1);
  }
  // A new comment right before a kept line, after a marker (or the sketch's start, or a blank
  // line), is that line's comment rewritten: the original's comment right before it is replaced.
  const commentLine = (key: string) => isComment(key) || COMMENT_EDGE.test(key);
  for (const [p, q] of pairs) {
    let k = q;
    while (k > 0 && !elisions.has(k) && commentLine(sketch[k - 1])) k--;
    if (k === q || !(k === 0 || elisions.has(k) || sketch[k - 1] === '')) continue;
    const fresh = sketch.slice(k, q);
    if (!fresh.some(isCode) || fresh.some((key) => isCode(key) && inOriginal.has(key))) continue;
    let m = p;
    while (m > 0 && commentLine(original[m - 1])) m--;
    const old = original.slice(m, p);
    if (!old.some(isCode) || old.some((key) => isCode(key) && inSketch.has(key))) continue;
    for (const key of old) if (isCode(key)) replaced.push(key);
  }
  // A part of the sketch between two markers (given, or implied at a snippet's edges), or before
  // its first marker, that has no line of the original: each of its lines of code replaces the
  // original line it is clearly most like (the only one that much like it), each original line at
  // most once.
  const bounds = elisions.size ? [...new Set([0, ...elisions])].sort((a, b) => a - b) : [];
  const oldLines = original.map((key, p) => (isCode(key) && !inSketch.has(key) ? p : -1)).filter((p) => p >= 0);
  // Also string literals aside, where the two share most names: a line that changes a value is
  // as like the old one as the rest of it is.
  const oldTokens = oldLines.map((p) => tokens(original[p]));
  const oldCode = oldLines.map((p) => codeTokens(original[p]));
  const taken = new Set<number>();
  /** Takes a definition rewritten whole (definitionOf): its lines of code are replaced, its first line placed. */
  const takeDefinition = (definition: [number, number, number] | null): boolean => {
    if (!definition || taken.has(definition[0])) return false;
    const [p, q, end] = definition;
    taken.add(p);
    for (let k = p; k <= end; k++) if (isCode(original[k]) && !inSketch.has(original[k])) replaced.push(original[k]);
    placed?.push([p, q]);
    ends?.set(p, end);
    return true;
  };
  for (let n = 1; n < bounds.length; n++) {
    const from = bounds[n - 1];
    const code = sketch.slice(from, bounds[n]).filter(isCode);
    if (!code.length) continue;
    // The kept lines around the part, and the original positions between them.
    const before = pairs.findLast(([, q]) => q < from);
    const after = pairs.find(([, q]) => q >= from);
    const [keptBefore, keptAfter] = [before ? before[0] : -1, after ? after[0] : original.length];
    // A new line that defines a name the original defines once, in a block (`const capitalize =
    // (s) => ...` for `function capitalize(s) {`), rewrites that whole definition: it takes the
    // place of its first line, and the original goes on after its closing line.
    if (takeDefinition(definitionOf(original, sketch, from, bounds[n], inOriginal, inSketch, keptBefore, keptAfter))) continue;
    // A new line that goes on from the one original line it starts with (`write(html)` gaining a
    // callback), between the kept lines around the part, says where the part goes: it takes that
    // line's place, and the part's other lines are new code around it, not rewrites of lines
    // elsewhere that read alike.
    const extension = extensionOf(sketch, from, bounds[n], oldLines, oldTokens, inOriginal, keptBefore, keptAfter);
    if (extension) {
      if (!taken.has(extension[0])) {
        taken.add(extension[0]);
        replaced.push(original[extension[0]]);
        placed?.push(extension);
      }
      continue;
    }
    // Where the part has lines the original has too (`return null;`) but keeps none of its code
    // (the original's copies are elsewhere), its lines rewrite lines between the kept lines
    // around it, if there are such lines on both sides (a closing line of the part may be one).
    let [lo, hi] = [-1, original.length];
    if (code.some((key) => inOriginal.has(key))) {
      if (!before || !after || pairs.some(([, q]) => q >= from && q < bounds[n] && isCode(sketch[q]))) continue;
      [lo, hi] = [keptBefore, keptAfter];
    }
    let lastPlaced = -1;
    for (let q = from; q < bounds[n]; q++) {
      const key = sketch[q];
      // A line the original has is that line, not another one rewritten.
      if (!isCode(key) || inOriginal.has(key)) continue;
      const t = tokens(key);
      const c = codeTokens(key);
      let best = -1;
      let bestScore = 0;
      let second = 0;
      oldLines.forEach((p, k) => {
        if (p <= lo || p >= hi) return;
        const s = Math.max(likeness(oldTokens[k], t), sharesNames(original[p], key) ? similarity(oldCode[k], c) : 0);
        if (s > bestScore) [second, bestScore, best] = [bestScore, s, p];
        else if (s > second) second = s;
      });
      if (bestScore >= REWRITE_SIMILARITY && second < bestScore && !taken.has(best)) {
        taken.add(best);
        replaced.push(original[best]);
        // In the order of the part's lines, it takes the old line's place.
        if (best > lastPlaced) {
          placed?.push([best, q]);
          lastPlaced = best;
        }
      }
    }
  }
  // A last part after the last marker (code added at the end) that redefines a name the file
  // defines rewrites that definition too, rather than adding a second one.
  const last = bounds.length ? bounds[bounds.length - 1] : -1;
  if (last >= 0 && !pairs.some(([, q]) => q >= last)) {
    const before = pairs.findLast(([, q]) => q < last);
    takeDefinition(definitionOf(original, sketch, last, sketch.length, inOriginal, inSketch, before ? before[0] : -1, original.length));
  }
  return replaced;
}

/**
 * The [original, sketch] positions of the one new line of a part (sketch lines `from` to `to`)
 * that goes on from an original line between `lo` and `hi` (continuesLine), where it is the only such
 * pair; null otherwise.
 */
function extensionOf(
  sketch: readonly string[],
  from: number,
  to: number,
  oldLines: readonly number[],
  oldTokens: readonly string[][],
  inOriginal: ReadonlySet<string>,
  lo: number,
  hi: number,
): [number, number] | null {
  let found: [number, number] | null = null;
  for (let q = from; q < to; q++) {
    const key = sketch[q];
    if (!isCode(key) || inOriginal.has(key)) continue;
    const t = tokens(key);
    for (let k = 0; k < oldLines.length; k++) {
      const p = oldLines[k];
      if (p <= lo || p >= hi || !continuesLine(oldTokens[k], t)) continue;
      if (found) return null;
      found = [p, q];
    }
  }
  return found;
}

/**
 * The definition a part rewrites whole: [the original's first line, the part's line, the
 * original's closing line], where the part (sketch lines `from` to `to`) has one new line that
 * defines a name the original defines on one line only, between `lo` and `hi`, at the head of a
 * block (the line ends with `{`) that a bare closing line ends; null otherwise.
 */
function definitionOf(
  original: readonly string[],
  sketch: readonly string[],
  from: number,
  to: number,
  inOriginal: ReadonlySet<string>,
  inSketch: ReadonlySet<string>,
  lo: number,
  hi: number,
): [number, number, number] | null {
  let found: [number, number, number] | null = null;
  for (let q = from; q < to; q++) {
    const key = sketch[q];
    const name = isCode(key) && !inOriginal.has(key) ? definedName(key) : null;
    if (!name) continue;
    const defs = original.map((line, p) => (p > lo && p < hi && definedName(line) === name ? p : -1)).filter((p) => p >= 0);
    if (defs.length !== 1 || inSketch.has(original[defs[0]]) || !original[defs[0]].endsWith('{')) continue;
    const p = defs[0];
    // Lines are keys (trimmed), so brackets tell where the block ends: at the first bare closing
    // line that closes all the brackets opened since its first line.
    let depth = 0;
    let end = -1;
    for (let k = p; k < hi && end < 0; k++) {
      const line = original[k];
      for (const c of line) {
        if (c === '{' || c === '(' || c === '[') depth++;
        else if (c === '}' || c === ')' || c === ']') depth--;
      }
      if (k > p && depth <= 0 && closes(line) && !isCode(line)) end = k;
    }
    if (end < 0 || found) return null;
    found = [p, q, end];
  }
  return found;
}
