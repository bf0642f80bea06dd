/**
 * Apply works window by window: each run of the sketch between elision markers is anchored to the
 * original by its lines that appear there, and the model rewrites only the lines around those
 * anchors. The code between windows is the code the sketch elided, kept as it is. Small files, and
 * sketches without markers that fit the model's context (but not a short snippet in a file longer
 * than the model was trained on), are one window over the whole file. A
 * window longer than the model was trained on is cut in pieces at lines both texts share, so a
 * long file rewritten whole is applied piece by piece. A last part after a marker that starts with
 * the file's last lines and goes on with new code (a test added after the last one) is anchored at
 * the file's end, not where those lines first occur; so is a last part of new code only after a
 * marker, with no marker after it (a function added at the end). A part that starts by closing
 * the block the part before ends by opening (the marker between them is that block's body) goes
 * where the file closes that block. A sketch whose parts anchor only by lines the file has more
 * than once (or not at all) says nothing sure about where it goes: the model sees the whole file,
 * if it fits.
 */
import { ApplyInputError, endRun, hasElisionMarkers, isAnchorLine, isElisionMarker } from './apply-input';
import { codeTokens, nameCount, REWRITE_SIMILARITY, sharesNames, similarity, tokens } from './line-likeness';

export interface ApplyWindow {
  /** Character range of the original the window rewrites (whole lines). */
  start: number;
  end: number;
  /** The part of the sketch for this window. */
  sketch: string;
  /**
   * A window over the whole file, or a piece of it cut at lines both texts share: a line it holds
   * once in each text is that one line kept, whatever the rest of the file holds (where a window
   * anchored by a sketch's part holds such a line once, the file's other copies say it may be
   * misplaced).
   */
  ownLines?: true;
}

/** Lines of unchanged context around the anchored span of each part of the sketch (chosen on the valid suite). */
const CONTEXT_LINES = 2;
/** A window takes in at most this many more lines for a part's lines beside its anchors. */
const MAX_BESIDE_LINES = 12;

interface Segment {
  /** Sketch lines (markers included at the edges). */
  lines: string[];
  /** Original line range its anchors span, or null when nothing anchors it. */
  span: [number, number] | null;
  /** Its lines before its first anchor and after its last (markers aside): they stand beside the span. */
  lead: number;
  trail: number;
  /** The first file line past the parts before it. */
  from: number;
}

export interface WindowBudget {
  /** Whether one window's original and sketch fit the model's context. */
  fits: (original: string, sketch: string) => boolean;
  /** Whether a sketch that elides code is applied to the whole file at once. */
  wholeFits: (original: string, sketch: string) => boolean;
  /**
   * How much of the length the model was trained on one window takes (prompt and the output it
   * may write); a window above 1 is cut in pieces where it can be (`cutWindow`).
   */
  trainedShare?: (original: string, sketch: string) => number;
}

/**
 * One window over the whole file, or one per anchored part of the sketch. A sketch without
 * elision markers is either the new file whole or a bare snippet, and only the model can tell
 * which, so it sees the whole file whenever that fits. A sketch with markers says where it
 * belongs; the model rewrites only those places unless the file is small (`wholeFits`).
 */
export function planWindows(original: string, sketch: string, budget: WindowBudget): ApplyWindow[] {
  const { fits } = budget;
  const fileLines = original.split(/(?<=\n)/);
  const offsets = [0];
  for (const l of fileLines) offsets.push(offsets[offsets.length - 1] + l.length);
  const whole = () => piecesOf(fileLines, offsets, { from: 0, to: fileLines.length, lines: sketch.split(/(?<=\n)/) }, budget);
  // A short snippet in a file too long to rewrite whole in one piece is applied in a window around
  // its anchors: pieces of the whole file would cut the snippet apart.
  const shortSnippet = () => {
    const shown = sketch.split('\n').filter((l) => l.trim() !== '').length;
    return 2 * shown < fileLines.length && (budget.trainedShare?.(original, sketch) ?? 0) > 1;
  };
  if (hasElisionMarkers(sketch) ? budget.wholeFits(original, sketch) : fits(original, sketch) && !shortSnippet()) return whole();
  /** How often each anchor line occurs in the file. */
  const occurrences = new Map<string, number>();
  for (const l of fileLines) if (isAnchorLine(l)) occurrences.set(l.trim(), (occurrences.get(l.trim()) ?? 0) + 1);

  // Split the sketch at markers; anchor each part, reading the file forwards.
  const anchorKeys = fileLines.map((l) => (isAnchorLine(l) ? l.trim() : null));
  const segments: Segment[] = [];
  /** The blocks the sketch's parts so far leave open: each opening line and its indentation. */
  const open: { line: string; indent: number }[] = [];
  /** The last line the parts so far show (markers and blank lines aside). */
  let lastShown: string | null = null;
  let current: string[] = [];
  let lastLine = -1;
  const close = (marker: string | null) => {
    // The blocks open before this part, and its lines that close one of them.
    const openBefore = open.slice();
    const closers = trackBlocks(current, open);
    if (current.some((l) => !isElisionMarker(l))) {
      const keys = current.map((l) => (isAnchorLine(l) && occurrences.has(l.trim()) ? l.trim() : null));
      // In a last part after a marker (code added at the end), copies in new blocks do not anchor.
      if (marker === null && isElisionMarker(current[0])) dropCopiesInNewBlocks(current, keys, fileLines, anchorKeys, occurrences);
      // The last part, after a marker, that starts with the file's last lines adds code at the end.
      const atEnd = marker === null && isElisionMarker(current[0]) ? endRun(current.slice(1), fileLines) : 0;
      // A part that starts by closing a block the parts before opened (`});` after a marker that
      // stands for a callback's body) goes on where the file closes that block; its lines found
      // more than once in the file do not move it elsewhere.
      const closing = closerOfOpenBlock(current, openBefore, lastShown, fileLines, anchorKeys, occurrences);
      if (closing >= 0) keys.forEach((key, k) => key && (occurrences.get(key) !== 1 || closers.has(k)) && (keys[k] = null));
      let span = atEnd
        ? ([fileLines.length - atEnd, fileLines.length - 1] as [number, number])
        : closing >= 0
          ? ([closing, closing] as [number, number])
          : (anchorSpan(keys, anchorKeys, lastLine + 1) ?? anchorSpan(keys, anchorKeys, 0) ?? punctuationSpan(current, fileLines, lastLine + 1));
      // A last part of new code only, after a marker and with none after it, adds it at the end.
      if (!span && marker === null && isElisionMarker(current[0]) && current.some(isAnchorLine)) {
        let end = fileLines.length - 1;
        while (end > 0 && fileLines[end].trim() === '') end--;
        span = [end, end];
      }
      // A line found once in the file is a sure anchor: the part covers it even if far away. Not
      // one of keywords and punctuation alone (`} finally {`): a new one of those is as likely.
      for (const key of keys) {
        if (!span || !key || occurrences.get(key) !== 1 || nameCount(tokens(key)) === 0) continue;
        const at = anchorKeys.indexOf(key);
        span[0] = Math.min(span[0], at);
        span[1] = Math.max(span[1], at);
      }
      if (span) lastLine = Math.max(lastLine, span[1]);
      const shown = current.filter((l) => !isElisionMarker(l));
      const anchored = shown.map((l) => isAnchorLine(l) && occurrences.has(l.trim()));
      const lead = anchored.indexOf(true);
      const trail = anchored.length - 1 - anchored.lastIndexOf(true);
      // The sketch's last part of punctuation alone (a `}` after a marker) ends the window there:
      // what follows it in the file is not the sketch's to show.
      const endsWindow = marker === null && !atEnd && !!span && lead < 0 && !shown.some(isAnchorLine);
      segments.push({ lines: marker ? [...current, marker] : current, span, lead: lead < 0 ? shown.length : lead, trail: endsWindow ? -CONTEXT_LINES : lead < 0 ? shown.length : trail, from: lastLine + 1 });
    }
    lastShown = current.findLast((l) => !isElisionMarker(l) && l.trim() !== '') ?? lastShown;
    current = marker ? [marker] : [];
  };
  for (const line of sketch.split(/(?<=\n)/)) {
    if (isElisionMarker(line)) close(line);
    else current.push(line);
  }
  close(null);
  // Only new code, or code anchored only by lines the file has more than once (`attributes.push(
  // attribute);` in three branches): the model finds its place in the whole file, if the file fits.
  const sure = (s: Segment) => s.lines.some((l) => isAnchorLine(l) && occurrences.get(l.trim()) === 1);
  if (!segments.some((s) => s.span && sure(s)) && fits(original, sketch)) return whole();
  // A part of new code only, that rewrites lines of the file (each clearly most like one of them,
  // past the parts before it and before the parts after it), stands where those lines are.
  segments.forEach((s, n) => {
    if (s.span) return;
    const next = segments.slice(n + 1).find((t) => t.span);
    const span = likeSpan(s.lines, fileLines, s.from);
    if (span && (!next || span[1] < next.span![0])) s.span = span;
  });
  if (!segments.some((s) => s.span)) {
    throw new ApplyInputError('the sketch shares no line with this file, and the file is too long to rewrite whole; add a few unchanged lines around the change');
  }

  // Unanchored parts (only new code) join the part before them, or the first anchored one.
  const merged: { lines: string[]; span: [number, number]; lead: number; trail: number }[] = [];
  let orphan: string[] = [];
  for (const s of segments) {
    if (!s.span) {
      if (merged.length) {
        merged[merged.length - 1].lines.push(...s.lines);
        merged[merged.length - 1].trail += s.trail;
      } else orphan.push(...s.lines);
      continue;
    }
    const lead = s.lead + orphan.filter((l) => !isElisionMarker(l)).length;
    merged.push({ lines: [...orphan, ...s.lines], span: [...s.span], lead, trail: s.trail });
    orphan = [];
  }

  // Widen by context, and by the part's lines beside its anchors (new code there may replace as
  // many lines of the file), then join windows that touch.
  const windows: { from: number; to: number; lines: string[] }[] = [];
  for (const m of merged) {
    const from = Math.max(0, m.span[0] - CONTEXT_LINES - Math.min(m.lead, MAX_BESIDE_LINES));
    const to = Math.min(fileLines.length, Math.max(m.span[1] + 1 + CONTEXT_LINES + Math.min(m.trail, MAX_BESIDE_LINES), blocksShownTo(m.lines, fileLines, anchorKeys, occurrences)));
    const prev = windows[windows.length - 1];
    if (prev && from <= prev.to) {
      prev.to = Math.max(prev.to, to);
      prev.lines.push(...m.lines);
    } else {
      windows.push({ from, to, lines: [...m.lines] });
    }
  }
  // A sketch that ends (starts) with new lines and no marker ends (starts) where the file does:
  // its last (first) window takes in the file's last (first) lines too, when they are few (the
  // new lines may replace them) and it fits.
  const shown = sketch.split('\n').filter((l) => l.trim() !== '');
  const edge = (w: { from: number; to: number; lines: string[] }, from: number, to: number) => {
    const more = w.from - from + (to - w.to);
    if (more <= MAX_BESIDE_LINES && fits(original.slice(offsets[from], offsets[to]), w.lines.join(''))) [w.from, w.to] = [from, to];
  };
  if (shown.length) {
    const last = windows[windows.length - 1];
    if (!isElisionMarker(shown[shown.length - 1]) && merged[merged.length - 1].trail > 0) edge(last, last.from, fileLines.length);
    const first = windows[0];
    if (!isElisionMarker(shown[0]) && merged[0].lead > 0) edge(first, 0, first.to);
  }
  return windows.flatMap((w) => {
    // A marker shared by two parts appears once.
    const lines = w.lines.filter((l, i) => !(isElisionMarker(l) && i > 0 && isElisionMarker(w.lines[i - 1])));
    // A window too long for the model (a long file rewritten whole, say) is cut in pieces too.
    const pieces = piecesOf(fileLines, offsets, { from: w.from, to: w.to, lines }, budget);
    if (pieces.some((p) => !fits(original.slice(p.start, p.end), p.sketch))) {
      throw new ApplyInputError('one part of this edit spans too much of a long file to apply at once; split the sketch into smaller changes');
    }
    return pieces;
  });
}

/** A window's pieces (cutWindow); over the whole file, each piece's lines are its own (`ownLines`). */
function piecesOf(fileLines: string[], offsets: number[], w: { from: number; to: number; lines: string[] }, budget: WindowBudget): ApplyWindow[] {
  const pieces = cutWindow(fileLines, offsets, w, budget);
  return w.from === 0 && w.to === fileLines.length ? pieces.map((p) => ({ ...p, ownLines: true as const })) : pieces;
}

/** A piece that takes at least this share of the trained length may end at any shared line. */
const FULL_PIECE_SHARE = 0.5;

/**
 * A window longer than the model was trained on, cut in pieces that are not: each piece but the
 * first begins at a line the original and the sketch share (the longest common run of lines,
 * in order), so the pieces' outputs follow on from each other. Each piece is made as long as
 * fits, preferring to begin where the shared line is least indented (between blocks rather than
 * inside one). A window that cannot be cut so stays whole.
 */
function cutWindow(fileLines: string[], offsets: number[], w: { from: number; to: number; lines: string[] }, budget: WindowBudget): ApplyWindow[] {
  const share = budget.trainedShare;
  const at = (from: number, to: number, sketch: string[]) => ({ start: offsets[from], end: offsets[to], sketch: sketch.join('') });
  const o = fileLines.slice(w.from, w.to);
  const s = w.lines;
  const text = (from: number, to: number, lines: string[]) => lines.slice(from, to).join('');
  if (!share || share(o.join(''), s.join('')) <= 1) return [at(w.from, w.to, s)];
  const shared = sharedLines(o, s);
  const pieces: ApplyWindow[] = [];
  let [i0, k0] = [0, 0];
  while (share(text(i0, o.length, o), text(k0, s.length, s)) > 1) {
    let best: { i: number; k: number; indent: number; full: boolean } | null = null;
    for (const [i, k] of shared) {
      if (i <= i0 || k <= k0) continue;
      const used = share(text(i0, i, o), text(k0, k, s));
      if (used > 1) break;
      const candidate = { i, k, indent: o[i].length - o[i].trimStart().length, full: used >= FULL_PIECE_SHARE };
      if (!best || (candidate.full && !best.full) || (candidate.full === best.full && candidate.indent <= best.indent)) best = candidate;
    }
    if (!best) break;
    pieces.push(at(w.from + i0, w.from + best.i, s.slice(k0, best.k)));
    [i0, k0] = [best.i, best.k];
  }
  if (!pieces.length) return [at(w.from, w.to, s)];
  pieces.push(at(w.from + i0, w.to, s.slice(k0)));
  return pieces;
}

/** Cells of the table that pairs a window's lines (4 bytes each): about 4,000 lines by 4,000. */
const MAX_SHARED_CELLS = 16_000_000;

/**
 * The lines of `o` and `s` paired by their longest common subsequence (lines compared without
 * trailing whitespace; only anchor lines pair), as [index in o, index in s] in order.
 */
function sharedLines(o: string[], s: string[]): [number, number][] {
  // Past this table's size no line is paired: the window stays whole (and is refused if too long).
  if ((o.length + 1) * (s.length + 1) > MAX_SHARED_CELLS) return [];
  const key = (l: string) => (isAnchorLine(l) ? l.trimEnd() : null);
  const ok = o.map(key);
  const sk = s.map(key);
  const cols = s.length + 1;
  // Suffix lengths: run[i][k] is the LCS of o[i..] and s[k..].
  const run = new Int32Array((o.length + 1) * cols);
  for (let i = o.length - 1; i >= 0; i--) {
    for (let k = s.length - 1; k >= 0; k--) {
      run[i * cols + k] = ok[i] !== null && ok[i] === sk[k] ? run[(i + 1) * cols + k + 1] + 1 : Math.max(run[(i + 1) * cols + k], run[i * cols + k + 1]);
    }
  }
  const pairs: [number, number][] = [];
  let [i, k] = [0, 0];
  while (i < o.length && k < s.length) {
    if (ok[i] !== null && ok[i] === sk[k]) pairs.push([i++, k++]);
    else if (run[(i + 1) * cols + k] >= run[i * cols + k + 1]) i++;
    else k++;
  }
  return pairs;
}

/** File lines skipped inside one part of the sketch (deleted or rewritten) cost this per line. */
const SKIPPED_LINE_COST = 0.1;

/**
 * Where one part of the sketch sits in the file: the best local alignment of its anchor lines
 * (`keys`, null for lines the file lacks) with the file's lines from `from` on, in order. Each
 * matching line scores 1 and each file line passed over scores -SKIPPED_LINE_COST, so a common
 * line such as `return (` far from the rest does not stretch the part over half the file.
 * Returns the first and last matched file lines, or null when nothing matches.
 */
/**
 * A part of punctuation alone (`{` before the first marker, `},` closing a list, a class's `}`
 * after the last) stands where the file next has those lines in a row, past the parts before it;
 * null when it is not such a part or the file has no such run. Left unanchored, it would join the
 * window before it and close a block there.
 */
function punctuationSpan(part: string[], fileLines: string[], from: number): [number, number] | null {
  const shown = part.filter((l) => !isElisionMarker(l) && l.trim() !== '');
  if (!shown.length || shown.some(isAnchorLine)) return null;
  for (let at = from; at + shown.length <= fileLines.length; at++) {
    if (shown.every((l, k) => l.trimEnd() === fileLines[at + k].trimEnd())) return [at, at + shown.length - 1];
  }
  return null;
}

/**
 * The file lines (from `from` on) that the part's lines of code rewrite: each line's clearly most
 * like file line (much like it, string literals aside, sharing most of its names, and liker than
 * any other), or null when no line of the part has one.
 */
function likeSpan(part: string[], fileLines: string[], from: number): [number, number] | null {
  const candidates: number[] = [];
  const fileTokens = fileLines.map((l, n) => (n >= from && isAnchorLine(l) ? codeTokens(l.trim()) : null));
  for (const line of part) {
    if (!isAnchorLine(line)) continue;
    const t = codeTokens(line.trim());
    let [best, bestScore, second] = [-1, 0, 0];
    fileTokens.forEach((f, n) => {
      if (!f) return;
      const score = sharesNames(fileLines[n], line) ? similarity(f, t) : 0;
      if (score > bestScore) [second, bestScore, best] = [bestScore, score, n];
      else if (score > second) second = score;
    });
    if (bestScore >= REWRITE_SIMILARITY && second < bestScore) candidates.push(best);
  }
  return candidates.length ? [Math.min(...candidates), Math.max(...candidates)] : null;
}

function anchorSpan(keys: (string | null)[], file: (string | null)[], from: number): [number, number] | null {
  const width = file.length - from;
  // A sketch line the file lacks (new code) leaves the alignment as it is: only anchors count.
  const anchors = keys.filter((k): k is string => k !== null);
  if (width <= 0 || !anchors.length) return null;
  // Two rolling rows of the alignment: score, and the file line where that alignment starts.
  let prevScore = new Float64Array(width + 1);
  let prevStart = new Int32Array(width + 1).fill(-1);
  let score = new Float64Array(width + 1);
  let start = new Int32Array(width + 1).fill(-1);
  let best = { score: 0, start: -1, end: -1 };
  for (const key of anchors) {
    for (let j = 1; j <= width; j++) {
      let s = prevScore[j];
      let st = prevStart[j];
      const skip = score[j - 1] - SKIPPED_LINE_COST;
      if (skip > s) {
        s = skip;
        st = start[j - 1];
      }
      if (file[from + j - 1] === key) {
        const matched = prevScore[j - 1] + 1;
        const first = prevStart[j - 1] >= 0 ? prevStart[j - 1] : from + j - 1;
        if (matched > s) {
          s = matched;
          st = first;
        }
        if (matched > best.score) best = { score: matched, start: first, end: from + j - 1 };
      }
      score[j] = s > 0 ? s : 0;
      start[j] = s > 0 ? st : -1;
    }
    [prevScore, score] = [score, prevScore];
    [prevStart, start] = [start, prevStart];
  }
  return best.start >= 0 ? [best.start, best.end] : null;
}

/**
 * Follows the blocks a part's lines open and close (by brackets at line ends and starts, at their
 * indentation), and returns the positions of its lines that close a block the parts before it
 * opened (a callback's `}, [deps]);`).
 */
function trackBlocks(part: string[], open: { line: string; indent: number }[]): Set<number> {
  // How many of the open blocks the parts before opened.
  let inherited = open.length;
  const closers = new Set<number>();
  /** Closes the innermost block; whether the parts before opened it. */
  const pop = () => {
    open.pop();
    if (open.length >= inherited) return false;
    inherited = open.length;
    return true;
  };
  part.forEach((line, k) => {
    const key = line.trim();
    if (!key || isElisionMarker(line)) return;
    if (/^[})\]]/.test(key)) {
      while (open.length && open[open.length - 1].indent > indentOf(line)) pop();
      if (open.length && open[open.length - 1].indent === indentOf(line) && pop()) closers.add(k);
    }
    if (/[{([]$/.test(key)) open.push({ line, indent: indentOf(line) });
  });
  return closers;
}

/**
 * Where the file closes the block a part's first line closes, when the part before ends by
 * opening that block (the marker between them is the block's body) and its opening line is
 * found once in the file: the file's next line at the opening line's indentation or less, if it
 * closes (-1: none). After code of the block, a marker may stand for the rest of it and more.
 */
function closerOfOpenBlock(part: string[], open: readonly { line: string; indent: number }[], lastShown: string | null, fileLines: string[], anchorKeys: (string | null)[], occurrences: Map<string, number>): number {
  const first = part.find((l) => !isElisionMarker(l) && l.trim() !== '');
  if (!first || !/^[})\]]/.test(first.trim()) || isAnchorLine(first)) return -1;
  const block = open.findLast((b) => b.indent === indentOf(first));
  if (!block || block.line !== lastShown || occurrences.get(block.line.trim()) !== 1) return -1;
  const at = anchorKeys.indexOf(block.line.trim());
  const closer = fileLines.findIndex((l, n) => n > at && l.trim() !== '' && indentOf(l) <= indentOf(fileLines[at]));
  return closer >= 0 && /^[})\]]/.test(fileLines[closer].trim()) ? closer : -1;
}

/**
 * Drops from a part's anchor keys each line the file has that stands alone among new lines inside a
 * block a new line opens, indented otherwise than the file has it (`.status-bar {` inside a new
 * `@media` block), or found more than once in the file (`await page.keyboard.press('Control+k');`
 * in a new test): a copy in new code. A line wrapped in a new block with the lines after it (the
 * file's next line follows it in the part too) stays an anchor.
 */
function dropCopiesInNewBlocks(part: string[], keys: (string | null)[], fileLines: string[], anchorKeys: (string | null)[], occurrences: Map<string, number>): void {
  keys.forEach((key, k) => {
    const openerAt = part.findLastIndex((l, n) => n < k && l.trim() !== '');
    if (!key || openerAt < 0 || keys[openerAt] !== null || !/[{([:]$/.test(part[openerAt].trimEnd())) return;
    const after = part.findIndex((l, n) => n > k && l.trim() !== '');
    const at = anchorKeys.indexOf(key);
    const fileAfter = fileLines.findIndex((l, n) => n > at && l.trim() !== '');
    if (after >= 0 && fileAfter >= 0 && part[after].trim() === fileLines[fileAfter].trim()) return;
    const indent = indentOf(part[k]);
    if (indent > indentOf(part[openerAt]) && ((occurrences.get(key) ?? 0) > 1 || fileLines.every((l) => l.trim() !== key || indentOf(l) !== indent))) keys[k] = null;
  });
}

/**
 * Where the blocks a part shows to their end end in the file: for each line of the part found once
 * in the file that opens a block (`async exists(id) {`) and that the part closes (a closing line at
 * its indentation follows it), the file line after that block's closing line. A window that stops
 * short of it would leave the file's own closing line after the part's (0: none).
 */
function blocksShownTo(part: string[], fileLines: string[], anchorKeys: (string | null)[], occurrences: Map<string, number>): number {
  let to = 0;
  part.forEach((line, k) => {
    const key = line.trim();
    if (!/[{([]$/.test(key) || occurrences.get(key) !== 1) return;
    const shownTo = part.findIndex((l, n) => n > k && l.trim() !== '' && indentOf(l) <= indentOf(line));
    if (shownTo < 0 || !/^[})\]]/.test(part[shownTo].trim()) || indentOf(part[shownTo]) !== indentOf(line)) return;
    const at = anchorKeys.indexOf(key);
    const closer = fileLines.findIndex((l, n) => n > at && l.trim() !== '' && indentOf(l) <= indentOf(fileLines[at]));
    if (closer >= 0 && /^[})\]]/.test(fileLines[closer].trim())) to = Math.max(to, closer + 1);
  });
  return to;
}

/** A line's indentation, in characters. */
function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}
