/**
 * The order of an updated file's lines. Applying a sketch keeps the original's lines in their
 * order and the sketch's lines in theirs: the result interleaves the two, each read forwards, with
 * lines of either skipped (deleted, replaced, or elided and kept outside the window). So once the
 * output has passed a line of the original, that line and those before it cannot come back, and
 * the same holds for the sketch. This is what stops a model that has lost its place among
 * near-identical blocks from writing an earlier block a second time. The sketch's code is what
 * the user asked for, so it is not skipped: a reading moves on in the sketch at most to its next
 * required line (a line of code, or a comment after the first line of code; a chat model's note
 * such as `// Refactored: ...` before the code, and bare punctuation, may be left out). This stops a model jumping from one test or method of
 * the sketch to a similar one further on, dropping those between.
 *
 * The output so far may fit several readings (a `}` could close either text's block), so the
 * order keeps every reading that no other one covers: a reading is where it stands in the original
 * and in the sketch, and one that stands no further on in either text, with no required sketch
 * line between the two and a blank line next wherever the other has one, allows what the other
 * allows. A line may come next when some reading may write it.
 *
 * Lines are keys: trimmed, so a re-indented line is the same line. A blank line stands where one
 * of the texts has a blank line next, and moves that reading past it; a second blank line in a
 * row only where a text has two in a row. A line of code (not bare punctuation) found once in
 * each text, where the two texts' order agrees (a longest common subsequence of such lines), is
 * the original's line kept: writing it moves a reading on in both; so is a line of code that
 * repeats, where it stands next to a kept line in both texts, and the line that closes a block a
 * kept line opens, where the sketch shows that block to its end; so are two or more lines in a
 * row that the original has in that order in one place only (pairRuns); but not a line the
 * original has only past a block edge the sketch does not show (unpairLeaps), nor a short line
 * kept alone among new lines (unpairStrays), nor a line of a block's body that the sketch moves
 * out of a block it shows whole: that block's first line is kept, the moved lines are new where
 * the sketch puts them (movedOut). Between two kept lines
 * with no marker between them, the sketch shows the whole stretch: the original's other lines
 * there are deleted or rewritten, and are not written.
 * It stands where the original has it: a reading that has passed (dropped) the original's copy
 * cannot write the sketch's later, and one that has passed the original's copy of a required line
 * is dropped, since it could never write that line.
 *
 * An elision marker stands for the original's lines there, unchanged (indented as the original
 * has them) and in a row. Right after a line the sketch keeps, the original's next line comes
 * next; after new lines (which may have replaced some), the stretch starts where the output goes
 * on with the original. Once begun, it goes on line by line until the output writes the sketch's
 * next line (a blank line of the sketch before new lines ends it too); right before a line the
 * sketch keeps, the original's line before that one comes just before it. New lines between a
 * marker and a kept line stand right before that line: the stretch ends with them earlier only
 * where they may rewrite the lines between (as many lines of code, and a block's first line only
 * for a new line like it). Right after a kept line that the sketch follows with new lines (blank
 * lines aside), the original does not go on: the sketch shows what comes next; so at the start
 * of a sketch that starts with new lines and no marker. A reading that goes past a marker
 * without beginning its stretch (the marker stood for nothing) may pass only the lines the new
 * lines before the marker may have rewritten. A marker at the sketch's end stands for the rest of
 * the original: the output does not end before it; without one, the original does not go on
 * after the sketch's last line, if kept (pairLastLine); a last marker followed by the original's
 * last lines, then new code, adds that code at the end (pairEndRun), and so does a last marker
 * followed by new code only: the stretch runs on to the end unless the new code rewrites the
 * line where it stands, and the output does not end leaving out lines it could not have
 * rewritten (addsAtEnd). A snippet without markers at its edges
 * implies them there when it starts or ends in the middle of the file (snippetEdges; one that
 * ends with the closing line of a block a kept line opens ends where the original's block does);
 * new code with no anchor at all, defining a new function, goes right after the last function or
 * class of the file it uses, in a row, and as far apart from the code around it as the blank
 * lines after that function (afterDefinitionUsed). In a sketch with markers, a deletion shows only as
 * what the sketch writes instead, so the output passes no more of the original's lines of code
 * than the sketch's part there has new ones (mayPass); nor, where a stretch resumes, a closing
 * line that would leave a block open, or the first line of the block it resumes in (leavesOpen,
 * dropsOpener). An indented marker right after new lines stands for lines at least that deep:
 * the original goes on after those new lines only at such a line, and the stretch before them
 * ends only where it then can (resumeIndents); nor does a stretch end right after a line that
 * opens a block with a new line that closes it (emptiesBlock). A closing line never follows the same
 * closing line at the same indentation. A new block put after the original's blank line between
 * two blocks is kept apart from the next one by a blank line too (splitsParagraph).
 */

import { closes, opens } from './block-structure';
import { definedName, likeness, nameCount, namesOf, REWRITE_SIMILARITY, sharesName, similarity, tokens } from './line-likeness';

/** A line that only opens or closes a block comment, or a doc comment's bare `*`: part of a comment, not punctuation to drop. */
export const COMMENT_EDGE = /^(?:\/\*+|\*+\/|\*)$/;

/** A line that opens a block: a function's or a class's first line, `if (...) {`, `key: [`. */
const OPENS = /[{([:]$/;

/** Readings kept at most; beyond this the ones furthest on are dropped. */
const MAX_READINGS = 64;

/**
 * Where a reading stands with respect to an elision marker. FREE: anywhere. ELIDING: it is writing
 * the original's lines a marker stands for, which come in a row, until it writes the sketch's
 * next line. CONTINUES: it has just written a line the sketch keeps right before a marker, so the
 * original's next line comes next. SHOWN: it has just written a line the sketch keeps right
 * before new lines (blank lines aside), so no line of the original comes next: the sketch shows
 * what follows that line. FREE to CONTINUES are ordered from most to least allowed.
 */
const FREE = 0;
const ELIDING = 1;
const CONTINUES = 2;
const SHOWN = 3;
type Stretch = typeof FREE | typeof ELIDING | typeof CONTINUES | typeof SHOWN;

/** Whether a reading is bound by no marker's stretch. */
const free = (stretch: Stretch) => stretch === FREE || stretch === SHOWN;

type Reading = readonly [original: number, sketch: number, stretch: Stretch];

export class MergeOrder {
  /** For each key, its positions in the original, ascending. */
  private readonly inOriginal: Map<string, number[]>;
  private readonly inSketch: Map<string, number[]>;
  /** For each original line, the sketch line that keeps it (-1: none), and the reverse. */
  private readonly keptAs: Int32Array;
  private readonly keeps: Int32Array;
  private readings: Reading[];
  /** Sketch positions where an elision marker stood just before that line, or is implied (snippetEdges). */
  private readonly elisions: ReadonlySet<number>;
  /**
   * For each sketch position between two kept lines with no marker between them (the sketch shows
   * that stretch whole), the original position of the second: the original's lines before it are
   * not written there. Elsewhere -1.
   */
  private readonly shownUntil: Int32Array;
  /** For each original position, whether only blank lines follow from there. */
  private readonly blankFrom: Uint8Array;
  /** The sketch position of an elision marker with only blank lines after it (-1: none). */
  private readonly endMarker: number;
  /** The sketch's last line of code, or its last line if kept (-1: none): the output ends after it. */
  private readonly lastSketchCode: number;
  private sketchPassed: boolean;
  /** Whether the output's last line is blank (or nothing is written yet). */
  private afterBlank = true;
  /** How many blank lines in a row the output has just written. */
  private blankRun = 0;
  /** Lines written so far. */
  private written = 0;
  /** The last line written that is not blank, and its indentation (-1: not given). */
  private lastWritten: readonly [string, number] | null = null;
  /** The indentations of the lines that open the blocks the output has open, innermost last. */
  private openIndents: number[] = [];
  /** For each sketch position, the first required line at or after it (the sketch's length: none). */
  private readonly nextRequired: Int32Array;
  /**
   * For each sketch position, where the original has the first required line at or after it that
   * the sketch keeps from the original (the original's length: none). A reading that has passed
   * it in the original can never write that line, so it is dead.
   */
  private readonly keptAhead: Int32Array;
  /**
   * For each sketch position, where the original has the first kept line after it with no marker
   * between (-1: none).
   */
  private readonly keptAfter: Int32Array;
  /**
   * For each part of the sketch between markers (keyed by its bounds): how many new lines of
   * code it has, and before each original position, how many of the original's lines of code it
   * does not have, and how many of those share no name or number with its new lines (mayPass).
   */
  private readonly parts = new Map<
    number,
    { fresh: number; freshCode: number; passed: Int32Array; passedCode: Int32Array; unlike: Int32Array; unlikeOpen: Int32Array }
  >();
  /** Original positions whose line the sketch rewrites in place (see place). */
  private readonly rewrites = new Set<number>();
  /** For a rewritten line that stands for a whole definition, the position of its closing line. */
  private readonly blockEnds = new Map<number, number>();
  /**
   * For new code with no anchor that uses a function the file defines: the sketch position of its
   * first line that is not blank, and the original position it starts at, past that function
   * (afterDefinitionUsed); null otherwise.
   */
  private readonly follows: readonly [number, number] | null;
  /** The blank lines the original has where that new code goes (newCodeBlanks); -1 without it. */
  private readonly followBlanks: number;
  /** For a marker that follows new lines, keyed as `elisions` is: the indentation of the first line it stands for (resumeIndents). */
  private readonly resumeIndents: ReadonlyMap<number, number>;
  /** Whether the rest of the file follows the original (a window, or a piece, before the file's end). */
  private readonly followed: boolean;
  /** Lines the sketch has that were found in the original only past a block edge (unpairLeaps). */
  private readonly leapt = new Set<string>();
  private readonly indents?: readonly number[];
  private readonly sketchIndents?: readonly number[];
  /** Whether each line is written as indented in the text it is read from (keepIndents). */
  private exactIndents = false;

  constructor(
    private readonly original: readonly string[],
    private readonly sketch: readonly string[],
    /** Sketch positions where an elision marker stood just before that line. */
    elisions: ReadonlySet<number> = new Set(),
    layout: {
      /**
       * Each original line's indentation (count of leading blanks): a line the output takes from
       * a marker's stretch is unchanged, so it keeps it (allows and push then want the written
       * line's indentation).
       */
      indents?: readonly number[];
      /** Each sketch line's indentation: a sketch that starts or ends inside a block is a snippet. */
      sketchIndents?: readonly number[];
      /**
       * Lines the whole file holds more than once, when `original` is a window of it: a line
       * found once in the window is not one line kept if the file has it elsewhere too.
       */
      repeated?: ReadonlySet<string>;
      /**
       * Whether `original` is a window of the file around the sketch's anchors (not the whole
       * file, nor a piece of it rewritten whole): a sketch without markers is then a snippet of
       * it, never the whole new file.
       */
      window?: boolean;
      /**
       * Whether the rest of the file follows `original` (a window, or a piece, before the file's
       * end): its blank lines at the end stand between it and the code after it, so they are
       * written, not left out as a file's trailing blank lines may be.
       */
      followed?: boolean;
      /** Whether the file has lines before `original` (a window after the file's start). */
      preceded?: boolean;
      /** The indentation of each elision marker (keyed as `elisions` is): it stands for lines indented so (resumeIndents). */
      markerIndents?: ReadonlyMap<number, number>;
    } = {},
  ) {
    this.indents = layout.indents;
    this.sketchIndents = layout.sketchIndents;
    this.inOriginal = positions(original);
    this.inSketch = positions(sketch);
    [this.keptAs, this.keeps] = matchLines(original, sketch, layout.repeated ?? new Set());
    const moved = movedOut({ original, sketch, keptAs: this.keptAs, keeps: this.keeps, indents: layout.indents, sketchIndents: layout.sketchIndents }, elisions, this.inOriginal, this.inSketch);
    if (moved.size) [this.keptAs, this.keeps] = matchLines(original, sketch, layout.repeated ?? new Set(), moved);
    const pairing: Pairing = { original, sketch, keptAs: this.keptAs, keeps: this.keeps, indents: layout.indents, sketchIndents: layout.sketchIndents };
    unpairLeaps(pairing, elisions, this.leapt);
    unpairStrays(pairing, elisions);
    this.elisions = snippetEdges(pairing, elisions, layout.window ?? false, layout.followed ?? false, layout.preceded ?? false);
    this.follows = afterDefinitionUsed(pairing, elisions, this.elisions);
    let blanks = this.follows ? 0 : -1;
    while (this.follows && original[this.follows[1] + blanks] === '') blanks++;
    this.followBlanks = blanks;
    this.resumeIndents = resumeIndents(pairing, elisions, layout.markerIndents);
    this.followed = layout.followed ?? false;
    pairClosers(pairing, this.elisions);
    pairLastLine(pairing, this.elisions);
    const endRun = pairEndRun(pairing, elisions);
    pairRuns(pairing, this.elisions, layout.repeated ?? new Set());
    pairEndBeforeKept(pairing, this.elisions);
    // The sketch's last line, if it is the original's (a class's closing brace after a marker),
    // is written before the end, as its code is.
    const last = lastLine(sketch);
    this.lastSketchCode = last >= 0 && this.keeps[last] >= 0 ? last : sketch.findLastIndex(isCode);
    this.nextRequired = new Int32Array(sketch.length + 1).fill(sketch.length);
    // Required: the sketch's code, and its comments after its first line of code (a chat model's
    // note about the change comes first; comments among the code are part of it).
    const firstCode = sketch.findIndex(isCode);
    for (let q = sketch.length - 1; q >= 0; q--) {
      // The file's last lines a last part starts with are required too: the new code goes after them.
      // A comment the original has (kept) is not a note: it anchors the code after it.
      const required = endRun.has(q) || (q > firstCode || this.keeps[q] >= 0 ? isCode(sketch[q]) : isCode(sketch[q]) && !isComment(sketch[q]));
      this.nextRequired[q] = required ? q : this.nextRequired[q + 1];
    }
    this.keptAhead = new Int32Array(sketch.length + 1);
    this.keptAfter = new Int32Array(sketch.length + 1);
    this.findKeptAhead();
    this.sketchPassed = this.lastSketchCode < 0;
    this.blankFrom = new Uint8Array(original.length + 1).fill(1);
    if (!layout.followed) for (let p = original.length - 1; p >= 0; p--) this.blankFrom[p] = original[p] === '' && this.blankFrom[p + 1] ? 1 : 0;
    else this.blankFrom.fill(0, 0, original.length);
    let end = -1;
    for (const q of this.elisions) if (q > this.lastSketchCode && sketch.slice(q).every((l) => l === '')) end = Math.max(end, q);
    this.endMarker = end;
    this.shownUntil = new Int32Array(sketch.length + 1).fill(-1);
    for (let q = 0, prev = -1; q < sketch.length; q++) {
      if (this.keeps[q] < 0) continue;
      let elided = false;
      for (let k = prev + 1; k <= q && !elided; k++) elided = this.elisions.has(k);
      if (prev >= 0 && !elided) for (let k = prev + 1; k <= q; k++) this.shownUntil[k] = this.keeps[q];
      prev = q;
    }
    // A marker before the sketch's first line stands for the original's first lines.
    this.readings = [this.start()];
  }

  /** Whether the line `key` may come next. */
  allows(key: string, indent?: number): boolean {
    return !this.closesTwice(key, indent) && this.next(key, indent).length > 0;
  }

  /**
   * Whether `key` is a closing line (`}`, `});`) that would follow the same closing line at the
   * same indentation, blank lines aside: the second closes nothing (a closing line of the sketch
   * before a marker, then the original's same line as the first the marker stands for).
   */
  private closesTwice(key: string, indent?: number): boolean {
    const last = this.lastWritten;
    return indent !== undefined && last !== null && last[0] === key && last[1] === indent && closes(key) && !opens(key) && !isCode(key);
  }

  /** Records that the line `key` was written (it must be allowed). */
  push(key: string, indent?: number): void {
    const next = this.next(key, indent);
    for (const [, j] of next) if (j > this.lastSketchCode) this.sketchPassed = true;
    this.afterBlank = key === '';
    this.blankRun = key === '' ? this.blankRun + 1 : 0;
    if (key !== '') this.lastWritten = [key, indent ?? -1];
    if (key !== '' && indent !== undefined) withLine(this.openIndents, key, indent);
    this.written++;
    this.readings = frontier(next, (a, b) => this.covers(a, b));
  }

  /**
   * A reading after writing lines up to original line `i` and sketch line `j` (exclusive), the
   * last one a line the sketch keeps: right before an elision marker, the original goes on there.
   */
  private kept(i: number, j: number): Reading {
    // A definition rewritten whole (see place): the original goes on after its closing line.
    const end = this.blockEnds.get(i - 1);
    const at = end === undefined ? i : end + 1;
    if (j > 0 && at < this.original.length && this.elisions.has(j) && this.keeps[j - 1] === i - 1) return [at, j, CONTINUES];
    return [at, j, this.showsNext(j) ? SHOWN : FREE];
  }

  /**
   * Whether the sketch's next line from `j` (blank lines aside, no marker before it) is a new line,
   * one the original does not have.
   */
  private showsNext(j: number): boolean {
    let k = j;
    while (k < this.sketch.length && this.sketch[k] === '' && !this.elisions.has(k)) k++;
    // At the end of a sketch without a marker there, the file ends too.
    if (k === this.sketch.length && j > 0) return !this.elisions.has(k);
    return k < this.sketch.length && !this.elisions.has(k) && this.keeps[k] < 0 && !this.inOriginal.has(this.sketch[k]);
  }

  /**
   * A reading after writing an original line the sketch does not show (before sketch line `j`):
   * before a marker, in its stretch, whose blank lines are the sketch's blank lines before it.
   */
  private elided(i: number, j: number): Reading {
    let m = j;
    while (m < this.sketch.length && this.sketch[m] === '' && !this.elisions.has(m)) m++;
    return this.elisions.has(m) ? [i, m, ELIDING] : [i, j, FREE];
  }

  /**
   * Whether the sketch line `q` is one it keeps right after an elision marker, so the original's
   * line before it must come just before it: a reading at `i` may not skip to it.
   */
  private resumes(q: number, i: number): boolean {
    return this.elisions.has(q) && this.keeps[q] > i;
  }

  /**
   * Whether a reading at original position `i`, at sketch position `j`, may go on with the
   * original at line `p`: the lines it passes are gone, and a sketch with markers shows a
   * deletion only by what it writes instead. So it passes no more lines of code than the sketch's
   * part around `j` (between two markers, or a marker and the sketch's edge) has new lines of code
   * (each may be an old line rewritten), and each shares a name (not a keyword such as `this` or
   * `return`) or a number with one of them;
   * blank lines, bare punctuation (but not a line alone that opens or closes a block comment)
   * and lines the part itself has do not count. A line of code counts against new lines of code:
   * a new comment rewrites a comment, or a line of code it holds commented out. A sketch without
   * markers is the new file whole: what it leaves out is gone. Without `alike`, only the counts
   * are checked, each line passed counted once (a part may delete a run of like blocks), and that
   * a line that opens a block is like a new line. `within` narrows the part to the sketch lines
   * that may have rewritten the lines passed. Where a marker's stretch starts after the lines
   * passed (`resuming`), they leave no block open (leavesOpen) and do not drop the line that opens
   * the block it starts in (dropsOpener).
   */
  private mayPass(i: number, p: number, j: number, alike = true, within?: readonly [number, number], resuming = false): boolean {
    if (p <= i || !this.elisions.size) return true;
    let from = within ? within[0] : 0;
    let to = within ? within[1] : this.sketch.length;
    for (const q of this.elisions) {
      if (q < j && q > from) from = q;
      if (q >= j && q < to) to = q;
    }
    const at = from * (this.sketch.length + 1) + to;
    let part = this.parts.get(at);
    if (!part) {
      const keys = new Set(this.sketch.slice(from, to));
      const inOriginal = new Set(this.original);
      // A new line that takes an old one's place (see place) has rewritten that one.
      const freshKeys = [...new Set(this.sketch.slice(from, to).filter((key, n) => isCode(key) && !inOriginal.has(key) && this.keeps[from + n] < 0))];
      const fresh = freshKeys.map(tokens);
      // A new comment rewrites a comment, or a line of code it holds (commented out); it does
      // not stand for the code it only talks about.
      const holds = (key: string) => freshKeys.some((f) => isComment(f) && f.includes(key));
      const freshCode = freshKeys.filter((key) => !isComment(key)).map(tokens);
      const passed = new Int32Array(this.original.length + 1);
      const passedCode = new Int32Array(this.original.length + 1);
      const unlike = new Int32Array(this.original.length + 1);
      const unlikeOpen = new Int32Array(this.original.length + 1);
      this.original.forEach((key, n) => {
        // A line the part has too is moved, not gone, unless the part's is a new line (unpairLeaps).
        const counts = (isCode(key) || COMMENT_EDGE.test(key)) && (!keys.has(key) || this.leapt.has(key));
        const code = counts && isCode(key) && !isComment(key) && !holds(key);
        passed[n + 1] = passed[n] + (counts ? 1 : 0);
        passedCode[n + 1] = passedCode[n] + (code ? 1 : 0);
        const t = counts ? tokens(key) : [];
        // The original's copy of a line the part writes as new is not one of its lines rewritten.
        // Code shares a name with a new line of code or, holding none (`return "  "`), is much like one.
        const nameless = code && nameCount(t) === 0;
        const like = this.leapt.has(key)
          ? false
          : code
            ? freshCode.some((f) => sharesName(t, f) || (nameless && similarity(t, f) >= REWRITE_SIMILARITY))
            : !counts || holds(key) || fresh.some((f) => likeness(t, f) > 0);
        unlike[n + 1] = unlike[n] + (like ? 0 : 1);
        unlikeOpen[n + 1] = unlikeOpen[n] + (like || !OPENS.test(key) ? 0 : 1);
      });
      part = { fresh: fresh.length, freshCode: freshCode.length, passed, passedCode, unlike, unlikeOpen };
      this.parts.set(at, part);
    }
    if (resuming && (this.leavesOpen(i, p) || this.dropsOpener(i, p))) return false;
    if (!alike) {
      // Lines passed counted once each: a part may delete a run of like blocks (`return this;` in each).
      const passed = new Set<string>();
      const passedCode = new Set<string>();
      for (let n = i; n < p; n++) {
        const key = this.original[n];
        if (part.passed[n + 1] > part.passed[n]) passed.add(key);
        if (part.passedCode[n + 1] > part.passedCode[n]) passedCode.add(key);
      }
      return passed.size <= part.fresh && passedCode.size <= part.freshCode && part.unlikeOpen[p] === part.unlikeOpen[i];
    }
    return (
      part.passed[p] - part.passed[i] <= part.fresh &&
      part.passedCode[p] - part.passedCode[i] <= part.freshCode &&
      part.unlike[p] === part.unlike[i]
    );
  }

  /**
   * Whether passing the original's lines from `i` to before `p` would leave a block open: one of
   * them closes a block at an indentation the output's last line stands deeper than (the new
   * lines written inside it have not closed it: `});` ending a callback at 4 before `}` at 2),
   * and no new line to come (sketch lines `closers`, if given) closes one at that indentation or less.
   */
  private leavesOpen(i: number, p: number, closers?: readonly [number, number]): boolean {
    const last = this.lastWritten;
    if (!this.indents || !last || last[1] < 0) return false;
    for (let n = i; n < p; n++) {
      const key = this.original[n];
      if (!closes(key) || isCode(key) || this.indents[n] >= last[1]) continue;
      // New lines still to come (sketch lines `closers`) may close it themselves.
      if (closers && this.sketchIndents && this.sketch.slice(closers[0], closers[1]).some((k, m) => closes(k) && this.sketchIndents![closers[0] + m] <= this.indents![n])) continue;
      return true;
    }
    return false;
  }

  /**
   * Whether passing the original's lines from `i` to before `p` drops the line that opens the
   * block the original goes on in at `p` (`const closeActive = useCallback(() => {` passed, its
   * body written), unless the output has a block open at that line's indentation itself (that
   * line rewritten).
   */
  private dropsOpener(i: number, p: number): boolean {
    if (!this.indents || !this.lastWritten || this.lastWritten[1] < 0) return false;
    let at = p;
    while (at < this.original.length && this.original[at] === '') at++;
    if (at >= this.original.length) return false;
    let least = this.indents[at];
    for (let n = p - 1; n >= i; n--) {
      const key = this.original[n];
      if (key === '') continue;
      if (opens(key) && this.indents[n] < least) return !this.openIndents.includes(this.indents[n]);
      least = Math.min(least, this.indents[n]);
    }
    return false;
  }

  /** Whether the original has a blank line from `i` to before `p`. */
  private blankBetween(i: number, p: number): boolean {
    for (let n = i; n < p; n++) if (this.original[n] === '') return true;
    return false;
  }

  /**
   * Whether a free reading at (i, j) may write kept line (p, q) when that passes a marker whose
   * stretch it never began (one at or after `j`, or before blank lines of the sketch it has just
   * read): the lines of the original it passes are then gone, so the new lines before the marker
   * must be able to have rewritten them (mayPass).
   */
  private mayPassMarker(i: number, j: number, p: number, q: number, stretch: Stretch): boolean {
    if (p <= i || !free(stretch)) return true;
    let from = j;
    while (from > 0 && this.sketch[from - 1] === '') from--;
    for (const m of this.elisions) if (m >= from && m <= q) return this.mayPass(i, p, from);
    return true;
  }

  /**
   * Whether writing kept line (p, q) from a reading at (i, j) would leave out a blank line both
   * texts have right before it, passed in both, when the output has not just written one.
   */
  private dropsSharedBlank(i: number, j: number, p: number, q: number): boolean {
    return !this.afterBlank && p > i && q > j && this.original[p - 1] === '' && this.sketch[q - 1] === '';
  }

  /**
   * Whether the original's next line of code from `i` (comments aside) is one the sketch's new
   * lines from `q` to its end rewrite (much like one of them), or the original has no more code.
   */
  private rewritesNext(i: number, q: number): boolean {
    let p = i;
    while (p < this.original.length && (!isCode(this.original[p]) || isComment(this.original[p]))) p++;
    if (p === this.original.length) return true;
    const old = tokens(this.original[p]);
    for (let k = q; k < this.sketch.length; k++) {
      const key = this.sketch[k];
      if (this.keeps[k] < 0 && isCode(key) && !isComment(key) && likeness(old, tokens(key)) >= REWRITE_SIMILARITY) return true;
    }
    return false;
  }

  /**
   * Whether sketch line `q` is in a last part of new code only: after a marker, with no line the
   * original keeps and no marker after it.
   */
  private addsAtEnd(q: number): boolean {
    if (this.lastSketchCode < 0 || this.endMarker >= 0) return false;
    let last = -1;
    for (const m of this.elisions) last = Math.max(last, m);
    if (last < 0 || last > q || last > this.lastSketchCode) return false;
    for (let k = last; k < this.sketch.length; k++) if (this.keeps[k] >= 0) return false;
    return true;
  }

  /**
   * Whether a reading at original line `i` going on with the original at line `p` now, right
   * after a new block, would join the two: the original has a blank line before `i` that the
   * output wrote before the new lines (the sketch's blank line there), and the last line written
   * closes a block at the indentation of `i` and `p`. New code put between two blocks the
   * original keeps apart stands apart from the one after it too.
   */
  private splitsParagraph(i: number, p: number): boolean {
    const last = this.lastWritten;
    if (this.afterBlank || !this.elisions.size || i === 0 || i >= this.original.length || this.original[i - 1] !== '' || last === null || !this.indents) return false;
    return closes(last[0]) && !isCode(last[0]) && last[1] === this.indents[i] && this.indents[p] === this.indents[i];
  }

  /**
   * Whether writing new line `q` now would cut short the blank lines the sketch puts before it
   * after a marker (two before a Python function): once the output has begun them, it writes as
   * many; after all of the original (`whole`: code added at the end), it writes them all.
   */
  private cutsBlankRun(q: number, whole: boolean): boolean {
    if (this.blankRun === 0 && !whole) return false;
    let k = q;
    while (k > 0 && this.sketch[k - 1] === '' && !this.elisions.has(k)) k--;
    return this.elisions.has(k) && q - k > this.blankRun;
  }

  /** Whether a reading can still write the sketch's required lines (see keptAhead). */
  private alive([i, j]: Reading): boolean {
    return this.keptAhead[j] >= i;
  }

  /**
   * Whether the output may end here: some reading has passed the sketch's last line of code (once
   * true this stays true, even if that reading is later dropped for one standing less far on), and
   * some reading is not bound to write more of the original (a marker at the sketch's end stands
   * for the rest of it).
   */
  mayEnd(): boolean {
    return this.sketchPassed && this.readings.some((r) => this.endsAt(r));
  }

  /**
   * Whether the output may end at reading `r`: it is not bound to write the rest of the original.
   * Where the sketch's last part is new code only (addsAtEnd), ending passes the original's lines
   * left: that code is added, it does not delete what the marker before it stood for, so the new
   * lines must be able to have rewritten them (mayPass). A sketch that ends with a line the
   * original keeps, or shows whole what follows one, ends the file there.
   */
  private endsAt([i, j, stretch]: Reading): boolean {
    if (this.blankFrom[i] === 1) return true;
    if (!free(stretch) || this.endMarker >= 0) return false;
    return !this.addsAtEnd(this.sketch.length - 1) || this.mayPass(i, this.original.length, j);
  }

  /**
   * Whether reading `a` allows what `b` allows: it stands no further on in either text, no
   * required sketch line lies between them, it has a blank line next wherever `b` has, and it is
   * bound by a marker's stretch no more than `b` (a bound reading covers only its own place).
   */
  private covers(a: Reading, b: Reading): boolean {
    return (
      (a[2] === FREE || (a[0] === b[0] && a[1] === b[1] && (a[2] === b[2] || (a[2] === ELIDING && b[2] === CONTINUES)))) &&
      (this.endsAt(a) || !this.endsAt(b)) &&
      a[0] <= b[0] &&
      a[1] <= b[1] &&
      // `a` could reach `b`'s next original line only by passing a blank line.
      (a[0] === b[0] || !this.blankBetween(a[0], b[0])) &&
      this.nextRequired[a[1]] >= b[1] &&
      (this.original[b[0]] !== '' || this.original[a[0]] === '') &&
      (this.sketch[b[1]] !== '' || this.sketch[a[1]] === '')
    );
  }

  /** The readings after writing `key`. */
  private next(key: string, indent?: number): Reading[] {
    const next: Reading[] = [];
    if (key === '') {
      // A blank line stands where one of the texts has one next.
      for (const [i, j, stretch] of this.readings) {
        // A second blank line in a row only where a text has two in a row.
        const twice = !this.afterBlank || this.written === 0;
        if (this.original[i] === '' && i >= this.shownUntil[j] && (twice || this.original[i - 1] === '')) {
          if (stretch !== FREE || !this.resumesBelow(i + 1, j)) next.push(stretch === FREE ? this.elided(i + 1, j) : stretch === SHOWN ? [i + 1, j, SHOWN] : [i + 1, j, ELIDING]);
        } else if (free(stretch) && !this.afterBlank) {
          // After new lines, a marker's stretch may start at a blank line further on (the
          // sketch's blank lines before the marker are that one; after a blank line, it has).
          let m = j;
          while (m < this.sketch.length && this.sketch[m] === '' && !this.elisions.has(m)) m++;
          const p = this.elisions.has(m) ? this.original.indexOf('', i) : -1;
          if (p >= 0 && this.mayPass(i, p, m, true, undefined, true) && !this.resumesBelow(p + 1, m)) next.push([p + 1, m, ELIDING]);
        }
        // New code put after the blank lines between two blocks (afterDefinitionUsed) is kept apart
        // from the next block by as many.
        if (this.follows && free(stretch) && j > this.lastSketchCode && this.original[i] !== '' && this.blankRun < this.blanksBefore(i)) next.push([i, j, stretch]);
        // The sketch's blank lines after a marker at its end are only where the chat model stopped.
        const trailing = this.endMarker >= 0 && j >= this.endMarker;
        const inRow = twice || (this.sketch[j - 1] === '' && !this.elisions.has(j));
        if (this.sketch[j] === '' && stretch !== CONTINUES && !trailing && inRow) {
          // Within a marker's stretch, the sketch's blank line before its new lines ends the
          // stretch: the new lines come next (where they may, as below).
          let k = j + 1;
          while (k < this.sketch.length && this.sketch[k] === '' && !this.elisions.has(k)) k++;
          const ends = stretch === ELIDING && k < this.sketch.length && !this.elisions.has(k) && this.keeps[k] < 0;
          // Before a kept line the stretch reaches, the blank line is the original's before it.
          const reached = stretch === ELIDING && k < this.sketch.length && this.keeps[k] > i && this.original[this.keeps[k] - 1] === '';
          if (reached) continue;
          if (!ends) next.push([i, j + 1, stretch]);
          else if (this.keptAfter[k] < 0 || this.mayPass(i, this.keptAfter[k], k + 1, false)) next.push([i, j + 1, SHOWN]);
        }
      }
      return next.filter((r) => this.alive(r) && this.mayEndStretch(r, this.openIndents));
    }
    for (const [i, j, stretch] of this.readings) {
      // The sketch is read on no further than its next required line.
      const limit = this.nextRequired[j];
      if (stretch === CONTINUES && this.original[i] !== key) continue;
      for (const p of this.candidates(this.inOriginal.get(key), i, this.keptAs, j)) {
        if (this.rewrites.has(p)) continue;
        const q = this.keptAs[p];
        // Right after a kept line, where the sketch shows new lines next, the original does not go on.
        if (stretch === SHOWN && q < j) continue;
        // Within a marker's stretch the original's lines come in a row.
        if ((q >= j && (q > limit || this.resumes(q, i))) || (!free(stretch) && p !== i)) continue;
        // The lines a marker stands for are unchanged: indented as the original has them.
        if (q < j && indent !== undefined && this.indents && indent !== this.indents[p] && (!free(stretch) || this.elisions.has(j))) continue;
        if (!this.indentFits(indent, p, q >= j ? q : -1)) continue;
        // Between two kept lines the sketch shows whole, the original's other lines are gone.
        if (q < j && p < this.shownUntil[j]) continue;
        if (q < j && stretch === FREE && !this.mayPass(i, p, j, true, undefined, true)) continue;
        // It does not pass a blank line, unless the output has just written one: the blank line
        // between the new code and the original's stays.
        if (q < j && stretch === FREE && p > i && this.elisions.size > 0 && !this.afterBlank && this.blankBetween(i, p)) continue;
        if (q < j && stretch === FREE && this.splitsParagraph(i, p)) continue;
        // A marker after new lines stands for lines indented as it is (resumeIndents).
        if (q < j && stretch === FREE && this.resumesBelow(p, j)) continue;
        // New code with no anchor comes right after the definition it uses (afterDefinitionUsed),
        // with as many blank lines after it as the original has before it.
        if (this.follows && ((j <= this.follows[0] && p >= this.follows[1]) || this.blankRun < this.blanksBefore(p))) continue;
        if (q >= j && (this.dropsSharedBlank(i, j, p, q) || !this.mayPassMarker(i, j, p, q, stretch))) continue;
        next.push(q >= j ? this.kept(p + 1, q + 1) : stretch === FREE ? this.elided(p + 1, j) : [p + 1, j, ELIDING]);
      }
      for (const q of this.candidates(this.inSketch.get(key), j, this.keeps, i)) {
        const p = this.keeps[q];
        // A line the sketch keeps from the original stands where the original has it: once the
        // reading has passed (dropped) the original's copy, the sketch's cannot come later.
        if (q > limit || (p >= 0 && p < i) || (!free(stretch) && p >= 0 && p !== i) || (stretch === CONTINUES && p < 0) || (p >= i && this.resumes(q, i))) continue;
        if (!this.indentFits(indent, p, q)) continue;
        // Right after a kept line, the blank line the sketch puts before its new lines is written.
        if (p < 0 && stretch === SHOWN && q > j && this.sketch[j] === '' && !this.afterBlank) continue;
        if (p < 0 && this.cutsBlankRun(q, i >= this.original.length && this.addsAtEnd(q))) continue;
        // New code with no anchor starts after the definition it uses and the blank lines after it.
        if (p < 0 && this.follows && j <= this.follows[0] && (i < this.follows[1] || this.blankRun < this.newCodeBlanks())) continue;
        if (p >= i && this.dropsSharedBlank(i, j, p, q)) continue;
        // Past a marker whose stretch it never began, the lines it passes are gone: the new lines
        // before the marker may have rewritten them.
        if (p >= i && !this.mayPassMarker(i, j, p, q, stretch)) continue;
        // A marker's stretch ends with a new line only where the lines between there and the kept
        // line after the new ones are few and like them: the new lines stand right before it.
        // Only new lines from this one to that kept line may have rewritten the lines between.
        if (p < 0 && stretch === ELIDING && this.keptAfter[q] >= 0 && !this.mayPass(i, this.keptAfter[q], q + 1, false, [q, this.keptAs[this.keptAfter[q]]])) continue;
        // Nor where it would leave a block open that the new lines up to that kept line do not close.
        if (p < 0 && stretch === ELIDING && this.keptAfter[q] >= 0 && this.leavesOpen(i, this.keptAfter[q], [q, this.keptAs[this.keptAfter[q]]])) continue;
        // In a last part of new code after a marker, with nothing kept after it, the code is added
        // at the end: the stretch ends early only at a line the new code rewrites.
        if (p < 0 && stretch === ELIDING && this.keptAfter[q] < 0 && this.addsAtEnd(q) && !this.rewritesNext(i, q)) continue;
        // Nor where the original could not go on after the new lines as the marker after them says,
        // nor right after a line that opens a block, with a new line that closes it (emptiesBlock).
        if (p < 0 && stretch === ELIDING && (!this.canResumeAfter(i, q) || this.emptiesBlock(i, key, indent))) continue;
        next.push(p >= i ? this.kept(p + 1, q + 1) : [i, q + 1, FREE]);
      }
    }
    if (!this.resumeIndents.size || indent === undefined) return next.filter((r) => this.alive(r));
    const open = withLine(this.openIndents.slice(), key, indent);
    return next.filter((r) => this.alive(r) && this.mayEndStretch(r, open));
  }

  /** How many blank lines the original has right before line `i`. */
  private blanksBefore(i: number): number {
    let n = 0;
    while (i - n - 1 >= 0 && this.original[i - n - 1] === '') n++;
    return n;
  }

  /**
   * Whether a marker's stretch that begins at original line `p` (blank lines aside), the sketch
   * at `j`, starts less indented than the marker says after new lines (resumeIndents).
   */
  private resumesBelow(p: number, j: number): boolean {
    if (!this.resumeIndents.size || !this.indents) return false;
    let m = j;
    while (m < this.sketch.length && this.sketch[m] === '' && !this.elisions.has(m)) m++;
    const least = this.resumeIndents.get(m);
    if (least === undefined) return false;
    let at = p;
    while (at < this.original.length && this.original[at] === '') at++;
    return at < this.original.length && this.indents[at] < least;
  }

  /**
   * The marker (keyed as `elisions` is) after the part of the sketch that starts at `q`, where
   * the part is new lines only and that marker says how indented the line after them is
   * (resumeIndents); -1 otherwise.
   */
  private boundMarker(q: number): number {
    if (!this.resumeIndents.size) return -1;
    let marker = this.sketch.length + 1;
    for (const m of this.elisions) if (m > q && m < marker) marker = m;
    if (!this.resumeIndents.has(marker)) return -1;
    for (let k = q; k < marker; k++) if (this.keeps[k] >= 0) return -1;
    return marker;
  }

  /**
   * Whether, with the new lines from sketch line `q` written at original line `i`, the original
   * can go on as the marker after them says (resumeIndents): at `i`, or past lines those new
   * lines may have rewritten (mayPass), at a line indented at least as the marker. A stretch
   * that would stand for nothing but blank lines at the file's end does not count.
   */
  private canResumeAfter(i: number, q: number): boolean {
    const marker = this.boundMarker(q);
    if (marker < 0 || !this.indents) return true;
    const least = this.resumeIndents.get(marker)!;
    for (let p = i; p < this.original.length; p++) {
      if (p > i && !this.mayPass(i, p, marker)) return false;
      if (this.original[p] !== '' && this.indents[p] >= least) return true;
    }
    // At the end of a window the rest of the file follows: not a line the marker says.
    return i >= this.original.length && !this.followed;
  }

  /**
   * Whether a reading in a marker's stretch can still end it where the new lines after it can
   * go (canResumeAfter): at a line from where it stands on where their first line fits the
   * blocks the output will have open (a closing line closes the innermost, at its indentation),
   * `open` being those the output has open now.
   */
  private mayEndStretch([i, j, stretch]: Reading, open: readonly number[]): boolean {
    if (stretch !== ELIDING || !this.resumeIndents.size || !this.sketchIndents || !this.indents) return true;
    let q = j;
    while (q < this.sketch.length && this.sketch[q] === '') q++;
    if (q >= this.sketch.length || this.boundMarker(q) < 0) return true;
    const first = this.sketch[q];
    const stack = open.slice();
    for (let p = i; p <= this.original.length; p++) {
      if (p > i && this.original[p - 1] !== '') withLine(stack, this.original[p - 1], this.indents[p - 1]);
      const fits = !closes(first) || stack.length === 0 || stack[stack.length - 1] === this.sketchIndents[q];
      if (fits && this.canResumeAfter(p, q) && !this.emptiesBlock(p, first, this.sketchIndents[q])) return true;
    }
    return false;
  }

  /**
   * Whether a new line that closes a block at `indent`, written where a marker's stretch stands at
   * original line `i`, would close the block the stretch's last line opens (`} else if (a) {`)
   * before its body: the original's lines of that block would then follow outside it.
   */
  private emptiesBlock(i: number, key: string, indent?: number): boolean {
    if (indent === undefined || !this.indents || !closes(key)) return false;
    let last = i - 1;
    while (last >= 0 && this.original[last] === '') last--;
    if (last < 0 || !opens(this.original[last]) || this.indents[last] !== indent) return false;
    let next = i;
    while (next < this.original.length && this.original[next] === '') next++;
    return next < this.original.length && this.indents[next] > indent;
  }

  /**
   * Where a reading standing at `from` (and `otherFrom` in the other text) may find the line: its
   * first place ahead and, if that one is kept in the other text ahead of the reading (so it
   * moves both), the first place that is not (later ones stand further on in both).
   */
  private candidates(list: readonly number[] | undefined, from: number, partner: Int32Array, otherFrom: number): number[] {
    if (!list) return [];
    let at = lowerBound(list, from);
    if (at === list.length) return [];
    const first = list[at];
    if (partner[first] < otherFrom) return [first];
    for (at++; at < list.length; at++) if (partner[list[at]] < otherFrom) return [first, list[at]];
    return [first];
  }

  /**
   * Where the sketch keeps the original's indentation (no kept line moved in or out, no snippet
   * pasted at another column): a line is written as indented in the text a reading takes it
   * from (a kept line, as in either), not as a copy of the same line elsewhere is.
   */
  keepIndents(): void {
    this.exactIndents = !!this.indents && !!this.sketchIndents;
  }

  /** Whether a line at `indent` may be read as original line `p` or sketch line `q` (-1: neither), under keepIndents. */
  private indentFits(indent: number | undefined, p: number, q: number): boolean {
    if (!this.exactIndents || indent === undefined) return true;
    return (p >= 0 && this.indents![p] === indent) || (q >= 0 && this.sketchIndents![q] === indent);
  }

  /**
   * For new code with no anchor, placed after a function of the file it uses
   * (afterDefinitionUsed): the blank lines the original has after that function, which the
   * output writes once more (on both sides of the new code); -1 for any other sketch.
   */
  newCodeBlanks(): number {
    return this.followBlanks;
  }

  /** Sketch positions where an elision marker stands before that line, given or implied (snippetEdges). */
  markers(): ReadonlySet<number> {
    return this.elisions;
  }

  /** The pairs of kept lines: [original position, sketch position], in order. */
  pairs(): [number, number][] {
    const pairs: [number, number][] = [];
    this.keptAs.forEach((q, p) => {
      if (q >= 0 && !this.rewrites.has(p)) pairs.push([p, q]);
    });
    return pairs;
  }

  /**
   * New lines of the sketch that rewrite an original line in place ([original, sketch] positions,
   * in order; replaced-lines.ts): each is written where the old line stands, as a kept line
   * would be, so the lines a marker before it stands for come first, and those one after it
   * stands for follow it. Call before any line is written.
   */
  place(placed: readonly (readonly [number, number])[], ends: ReadonlyMap<number, number> = new Map()): void {
    for (const [p, q] of placed) {
      if (this.keptAs[p] >= 0 || this.keeps[q] >= 0) continue;
      // Only where it keeps both texts' order with the kept lines.
      const before = this.keeps.slice(0, q).reduce((m, x) => Math.max(m, x), -1);
      const after = this.keeps.slice(q + 1).find((x) => x >= 0) ?? this.original.length;
      const end = ends.get(p) ?? p;
      if (p <= before || end >= after) continue;
      this.keptAs[p] = q;
      this.keeps[q] = p;
      this.rewrites.add(p);
      if (end > p) this.blockEnds.set(p, end);
    }
    this.parts.clear();
    this.findKeptAhead();
    this.readings = [this.start()];
  }

  /**
   * The reading before any line: a marker before the sketch's first line stands for the original's
   * first lines; without one, a sketch that starts with a new line shows the file's first line.
   */
  private start(): Reading {
    if (this.elisions.has(0)) return [0, 0, ELIDING];
    return [0, 0, this.showsNext(0) ? SHOWN : FREE];
  }

  /** Fills keptAhead and keptAfter from the kept lines. */
  private findKeptAhead(): void {
    const sketchLength = this.sketch.length;
    this.keptAhead[sketchLength] = this.original.length;
    this.keptAfter[sketchLength] = -1;
    for (let q = sketchLength - 1; q >= 0; q--) {
      this.keptAhead[q] = this.nextRequired[q] === q && this.keeps[q] >= 0 ? this.keeps[q] : this.keptAhead[q + 1];
      const next = q + 1 < sketchLength && !this.elisions.has(q + 1) ? (this.keeps[q + 1] >= 0 ? this.keeps[q + 1] : this.keptAfter[q + 1]) : -1;
      this.keptAfter[q] = next;
    }
  }

  /** An independent copy (to try lines without committing them). */
  clone(): MergeOrder {
    const copy = Object.create(MergeOrder.prototype) as MergeOrder;
    Object.assign(copy, this);
    copy.readings = this.readings.slice();
    copy.openIndents = this.openIndents.slice();
    return copy;
  }
}

/**
 * The two texts (keys) with their indentations where known, and the kept lines paired so far:
 * for each original line the sketch line it pairs with, and the reverse (-1: none). The pairing
 * steps below read it and change the pairs in place.
 */
interface Pairing {
  original: readonly string[];
  sketch: readonly string[];
  keptAs: Int32Array;
  keeps: Int32Array;
  indents?: readonly number[];
  sketchIndents?: readonly number[];
}

/** Matching tables above this many cells are not built; shared lines then move one text only. */
const MAX_MATCH_CELLS = 16_000_000;

/**
 * A longest common subsequence of the code lines found once in each text: for each original line the
 * sketch line it pairs with, and the reverse (-1: unpaired).
 */
function matchLines(a: readonly string[], b: readonly string[], repeated: ReadonlySet<string>, moved: ReadonlySet<number> = new Set()): [Int32Array, Int32Array] {
  const keptAs = new Int32Array(a.length).fill(-1);
  const keeps = new Int32Array(b.length).fill(-1);
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > MAX_MATCH_CELLS) return [keptAs, keeps];
  // Only lines found once in each text pair up: a line that repeats (`return this;`) could be
  // kept as any of its copies. Bare punctuation (`}`, `});`) does not pair even when unique; a
  // line alone that opens or closes a block comment (`*/`) does.
  const once = (lines: readonly string[]) => {
    const seen = new Map<string, number>();
    for (const l of lines) seen.set(l, (seen.get(l) ?? 0) + 1);
    return seen;
  };
  const inA = once(a);
  const inB = once(b);
  const pairs = (x: number, y: number) =>
    a[x] === b[y] && (isCode(a[x]) || COMMENT_EDGE.test(a[x])) && inA.get(a[x]) === 1 && inB.get(b[y]) === 1 && !repeated.has(a[x]) && !moved.has(x);
  // lengths[x * (m + 1) + y]: LCS of a[x..] and b[y..].
  const w = m + 1;
  const lengths = new Int32Array((n + 1) * w);
  for (let x = n - 1; x >= 0; x--) {
    for (let y = m - 1; y >= 0; y--) {
      lengths[x * w + y] =
        pairs(x, y) ? lengths[(x + 1) * w + y + 1] + 1 : Math.max(lengths[(x + 1) * w + y], lengths[x * w + y + 1]);
    }
  }
  for (let x = 0, y = 0; x < n && y < m; ) {
    if (pairs(x, y)) {
      keptAs[x] = y;
      keeps[y] = x;
      x++;
      y++;
    } else if (lengths[(x + 1) * w + y] >= lengths[x * w + y + 1]) x++;
    else y++;
  }
  // A line of code that repeats is kept where it stands next to a kept line in both texts (the
  // `return this;` right after a kept line of a method): runs of equal lines grow both ways.
  const extend = (x: number, y: number, step: number) => {
    for (x += step, y += step; x >= 0 && y >= 0 && x < n && y < m && keptAs[x] < 0 && keeps[y] < 0 && a[x] === b[y] && isCode(a[x]); x += step, y += step) {
      keptAs[x] = y;
      keeps[y] = x;
    }
  };
  for (let x = 0; x < n; x++) if (keptAs[x] >= 0 && inA.get(a[x]) === 1 && !repeated.has(a[x])) extend(x, keptAs[x], 1);
  for (let x = n - 1; x >= 0; x--) if (keptAs[x] >= 0 && inA.get(a[x]) === 1 && !repeated.has(a[x])) extend(x, keptAs[x], -1);
  return [keptAs, keeps];
}

/**
 * Lines moved out of a block the sketch shows whole: where the sketch has a line that opens a
 * block (`if (isObservableObject(thing)) {`), found once in each text but not kept (a longest
 * common subsequence chose lines of that block's body instead, which the sketch has elsewhere:
 * moved up into a new block), and shows that block to its closing line with no marker inside, the
 * block is the original's, rewritten: the original's lines in it that pair with sketch lines
 * outside it are the original positions returned, which then do not pair (the sketch's copies
 * are new lines, and the original's are gone with the block's old body).
 */
function movedOut(
  { original, sketch, keptAs, keeps, indents, sketchIndents }: Pairing,
  elisions: ReadonlySet<number>,
  at: ReadonlyMap<string, number[]>,
  inSketch: ReadonlyMap<string, number[]>,
): Set<number> {
  const moved = new Set<number>();
  if (!indents || !sketchIndents) return moved;
  for (let q = 0; q < sketch.length; q++) {
    const key = sketch[q];
    if (keeps[q] >= 0 || !isCode(key) || !opens(key) || inSketch.get(key)!.length !== 1 || at.get(key)?.length !== 1) continue;
    const p = at.get(key)![0];
    if (keptAs[p] >= 0) continue;
    const q2 = closerAfter(sketch, q, sketchIndents);
    const p2 = closerAfter(original, p, indents);
    if (q2 < 0 || p2 < 0) continue;
    let marked = false;
    for (let k = q + 1; k <= q2 && !marked; k++) marked = elisions.has(k);
    if (marked) continue;
    for (let k = p + 1; k < p2; k++) if (keptAs[k] >= 0 && (keptAs[k] < q || keptAs[k] > q2)) moved.add(k);
  }
  return moved;
}

/** A kept line this short (names, keywords aside) anchors the sketch only beside other kept lines. */
const STRAY_NAMES = 2;

/**
 * A short statement kept alone among new lines (`reject(err);` inside a new callback, found once
 * in the file in another one) is not the original's line there: a line that generic anchors only
 * where a kept line (or a marker, or the sketch's edge) stands next to it, past blank lines and
 * bare punctuation. It is a new line. A line that opens a block (`render() {`) anchors alone.
 */
function unpairStrays({ sketch, keptAs, keeps }: Pairing, elisions: ReadonlySet<number>): void {
  const beside = (q: number, step: number) => {
    for (let k = q + step; k >= 0 && k < sketch.length; k += step) {
      if (elisions.has(step > 0 ? k : k + 1)) return true;
      if (isCode(sketch[k])) return keeps[k] >= 0;
    }
    return true;
  };
  const strays: number[] = [];
  for (let q = 0; q < sketch.length; q++) {
    if (keeps[q] >= 0 && !opens(sketch[q]) && nameCount(tokens(sketch[q])) <= STRAY_NAMES && !beside(q, -1) && !beside(q, 1)) strays.push(q);
  }
  for (const q of strays) {
    keptAs[keeps[q]] = -1;
    keeps[q] = -1;
  }
}

/**
 * Kept lines leap over no block edge the sketch does not show: where two kept lines follow each
 * other in the sketch with no marker between, and the original between them leaves the block both
 * stand in (a line less indented than either) while the sketch's lines between them do not, the
 * later line is not the original's there (`const wheres = this.where();` of one method, found in
 * the next one): it is a new line, and the next kept line is judged against the one before.
 * The original's copy is then not the sketch's line moved: passing it deletes it (`leapt`).
 */
function unpairLeaps({ original, sketch, keptAs, keeps, indents, sketchIndents }: Pairing, elisions: ReadonlySet<number>, leapt: Set<string>): void {
  if (!indents || !sketchIndents) return;
  // The least indentation of the lines of `lines` from `from` to before `to`, blank lines aside.
  const least = (from: number, to: number, lines: readonly string[], indent: readonly number[]) => {
    let min = Infinity;
    for (let k = from; k < to; k++) if (lines[k] !== '') min = Math.min(min, indent[k]);
    return min;
  };
  let prev = -1;
  for (let q = 0; q < keeps.length; q++) {
    const p = keeps[q];
    if (p < 0) continue;
    let marked = false;
    for (let k = prev + 1; k <= q && !marked; k++) marked = elisions.has(k);
    if (prev >= 0 && !marked && p > keeps[prev] + 1) {
      const from = keeps[prev];
      const leaves = least(from + 1, p, original, indents) < Math.min(indents[from], indents[p]);
      const shows = least(prev + 1, q, sketch, sketchIndents) < Math.min(sketchIndents[prev], sketchIndents[q]);
      if (leaves && !shows) {
        leapt.add(original[p]);
        keptAs[p] = -1;
        keeps[q] = -1;
        continue;
      }
    }
    prev = q;
  }
}

/**
 * Markers that follow new lines and are indented (`/* (unchanged) *\/` at a branch's body depth
 * after a new `} else if (...) {` branch): a chat model writes a marker at the indentation of the
 * lines it stands for, so the original goes on there at a line indented at least as much, not at
 * the `}` that closes the block around it. Keyed as `elisions` is; only given markers, after a new
 * line of code (blank lines aside), where every kept line keeps its indentation.
 */
function resumeIndents({ sketch, keeps, indents, sketchIndents }: Pairing, given: ReadonlySet<number>, markerIndents?: ReadonlyMap<number, number>): Map<number, number> {
  const at = new Map<number, number>();
  if (!markerIndents || !indents || !sketchIndents) return at;
  for (let q = 0; q < sketch.length; q++) if (keeps[q] >= 0 && indents[keeps[q]] !== sketchIndents[q]) return at;
  for (const m of given) {
    const least = markerIndents.get(m) ?? 0;
    // The sketch's line before the marker, blank lines aside (none across another marker).
    let k = m - 1;
    while (k >= 0 && sketch[k] === '' && !given.has(k)) k--;
    if (least > 0 && k >= 0 && keeps[k] < 0 && isCode(sketch[k])) at.set(m, least);
  }
  return at;
}

/**
 * Where new code with no anchor goes: a sketch with no marker and no kept line (new code somewhere
 * in the file, snippetEdges implies markers at its edges) that defines only names the file does
 * not, and uses functions or classes the file defines (each on one line), goes right after the
 * last of those definitions, after its closing line if it opens a block, or its body if it is a
 * Python `def` (a new `isModified` that calls `isDraft` goes after `isDraft`). Returns [the
 * sketch's first line that is not blank, the original position after that definition], or null.
 */
function afterDefinitionUsed({ original, sketch, keeps, indents }: Pairing, given: ReadonlySet<number>, edges: ReadonlySet<number>): readonly [number, number] | null {
  if (given.size || !edges.has(0) || !indents || keeps.some((p) => p >= 0)) return null;
  const definedAt = new Map<string, number[]>();
  original.forEach((key, p) => {
    const name = isCode(key) ? definedName(key) : null;
    if (name) definedAt.set(name, [...(definedAt.get(name) ?? []), p]);
  });
  // Functions and classes place code after them; a constant among the file's first lines does not.
  const callable = (key: string) => /\bfunction\b|=>|^(?:async\s+)?(?:def|class)\s|\bclass\s|\)\s*(?::[^{=]+)?\{$/.test(key);
  const own = new Set(sketch.map((key) => (isCode(key) ? definedName(key) : null)).filter((name) => name !== null));
  if (!own.size || [...own].some((name) => definedAt.has(name))) return null;
  let last = -1;
  for (const key of sketch) {
    if (!isCode(key) || isComment(key)) continue;
    for (const name of namesOf(key)) {
      const at = definedAt.get(name);
      if (!own.has(name) && at?.length === 1 && callable(original[at[0]])) last = Math.max(last, at[0]);
    }
  }
  if (last < 0) return null;
  // Its end: the line that closes its block, its body's last line (Python's `def f():`), or itself.
  let end = last;
  if (opens(original[last])) end = closerAfter(original, last, indents);
  else if (original[last].endsWith(':')) for (let k = last + 1; k < original.length && (original[k] === '' || indents[k] > indents[last]); k++) if (original[k] !== '') end = k;
  return end < 0 ? null : [sketch.findIndex((key) => key !== ''), end + 1];
}

/** The line that closes the block line `at` opens: the next line no deeper in, if bare punctuation that closes (-1: none). */
function closerAfter(lines: readonly string[], at: number, indent: readonly number[]): number {
  for (let k = at + 1; k < lines.length; k++) {
    if (lines[k] === '') continue;
    if (indent[k] > indent[at]) continue;
    return closes(lines[k]) && !isCode(lines[k]) ? k : -1;
  }
  return -1;
}

/**
 * A block the sketch shows to its end: where a kept line opens a block (ends with `{`, `(` or `[`)
 * and the sketch closes it with no marker after the block's last line of code (or with the last
 * line of both texts, after which nothing more can come), the line that
 * closes it (bare punctuation, at the opening line's indentation or less) is the original's line
 * that closes the same block, if the two are the same line and pairing them keeps both texts'
 * order. The sketch then shows the block's last lines whole, as between any two kept lines (all
 * of it, with no marker inside), and new lines right before the closing line are the block's last.
 */
function pairClosers({ original, sketch, keptAs, keeps, indents, sketchIndents }: Pairing, elisions: ReadonlySet<number>): void {
  if (!indents || !sketchIndents) return;
  for (let q = 0; q < sketch.length; q++) {
    const p = keeps[q] >= 0 ? keeps[q] : rewrittenOpener({ original, sketch, keptAs, keeps, indents, sketchIndents }, q);
    if (p < 0 || !opens(sketch[q])) continue;
    const q2 = closerAfter(sketch, q, sketchIndents);
    const p2 = closerAfter(original, p, indents);
    if (q2 < 0 || p2 < 0 || sketch[q2] !== original[p2] || keeps[q2] >= 0 || keptAs[p2] >= 0) continue;
    let whole = true;
    // A marker after the block's last line of code may stand for the rest of it and more; not
    // where the block's closing line is the last line of both texts (nothing more comes).
    const last = lastLine(sketch) === q2 && lastLine(original) === p2;
    let lastCode = q2 - 1;
    while (lastCode > q && !isCode(sketch[lastCode])) lastCode--;
    // A block the sketch shows as a marker alone (`setState((prev) => {`, the marker, `});`) is
    // that block with its body elided: the closing line is the block's own.
    const bodyElided = lastCode === q && q2 === q + 1 && elisions.has(q2);
    for (let k = q + 1; k <= q2 && whole; k++) {
      whole = (k <= lastCode || last || bodyElided || !elisions.has(k)) && (keeps[k] < 0 || (keeps[k] > p && keeps[k] < p2));
    }
    for (let k = p + 1; k < p2 && whole; k++) whole = keptAs[k] < 0 || (keptAs[k] > q && keptAs[k] < q2);
    if (!whole) continue;
    keptAs[p2] = q2;
    keeps[q2] = p2;
  }
}

/**
 * The original line a new line of the sketch that opens a block rewrites, by the block's kept
 * lines: where the sketch's block (`static isValidLinkId(id) {`) holds a kept line whose block in
 * the original opens with a line the sketch does not keep (`static isLinkId(id) {`), at the
 * same indentation and with no kept line between them (-1: none).
 */
function rewrittenOpener({ original, sketch, keptAs, keeps, indents, sketchIndents }: Required<Pairing>, q: number): number {
  if (!opens(sketch[q]) || !isCode(sketch[q])) return -1;
  const q2 = closerAfter(sketch, q, sketchIndents);
  let k = q + 1;
  while (k < (q2 < 0 ? sketch.length : q2) && keeps[k] < 0) k++;
  if (k >= (q2 < 0 ? sketch.length : q2) || sketchIndents[k] <= sketchIndents[q]) return -1;
  const p = keeps[k];
  let p0 = p - 1;
  while (p0 >= 0 && (original[p0] === '' || indents[p0] >= indents[p])) {
    if (keptAs[p0] >= 0) return -1;
    p0--;
  }
  if (p0 < 0 || keptAs[p0] >= 0 || !opens(original[p0]) || indents[p0] !== sketchIndents[q] || sketch.includes(original[p0])) return -1;
  return p0;
}

/** The position of the last line that is not blank (-1: none). */
function lastLine(lines: readonly string[]): number {
  return lines.findLastIndex((l) => l !== '');
}

/**
 * A sketch without a marker at its end ends where the file does: its last line, bare punctuation
 * that closes a block the sketch did not open (`}`), is the original's last line that is the same,
 * at the same indentation, if pairing them keeps both texts' order.
 */
function pairLastLine({ original, sketch, keptAs, keeps, indents, sketchIndents }: Pairing, elisions: ReadonlySet<number>): void {
  let q = sketch.length - 1;
  while (q >= 0 && sketch[q] === '') q--;
  if (q < 0 || keeps[q] >= 0 || isCode(sketch[q]) || !closes(sketch[q])) return;
  // Only a line that closes a block the sketch did not open (it ends a function shown in part).
  if (depths(sketch).before[q] > 0) return;
  for (const m of elisions) if (m > q) return;
  const p = original.lastIndexOf(sketch[q]);
  if (p < 0 || keptAs[p] >= 0 || (indents && sketchIndents && indents[p] !== sketchIndents[q])) return;
  for (let k = 0; k < q; k++) if (keeps[k] >= p) return;
  for (let k = p + 1; k < original.length; k++) if (keptAs[k] >= 0) return;
  keptAs[p] = q;
  keeps[q] = p;
}

/**
 * A sketch whose last marker is followed by the original's last lines, then new code, and no
 * marker after it (`// ...`, `t.end();`, `});`, then a new test) adds the new code at the file's
 * end: those lines, found elsewhere in the file too (every test ends so), are the original's last
 * ones, if none of either is kept yet and they stand at the same indentation. Returns their
 * sketch positions: lines the output writes before the new code, bare punctuation or not.
 */
function pairEndRun({ original, sketch, keptAs, keeps, indents, sketchIndents }: Pairing, elisions: ReadonlySet<number>): Set<number> {
  const run = new Set<number>();
  if (!elisions.size) return run;
  const m = Math.max(...elisions);
  const end = lastLine(original);
  if (m >= sketch.length || end < 0) return run;
  let k = 0;
  // The longest run from the marker on that the original ends with.
  for (let n = Math.min(sketch.length - m, end + 1); n >= 1 && !k; n--) {
    let same = true;
    for (let t = 0; t < n && same; t++) {
      const [q, p] = [m + t, end - n + 1 + t];
      same = sketch[q] === original[p] && keeps[q] < 0 && keptAs[p] < 0 && (!indents || !sketchIndents || indents[p] === sketchIndents[q]);
    }
    if (same) k = n;
  }
  // New code follows the run: the run is the edge it is added at, not the file's end shown whole.
  if (!k || sketch[m] === '' || !sketch.slice(m + k).some(isCode) || keeps.slice(m + k).some((p) => p >= 0)) return run;
  // Pairing them keeps both texts' order.
  if (keeps.slice(0, m).some((p) => p > end - k)) return run;
  for (let t = 0; t < k; t++) {
    keeps[m + t] = end - k + 1 + t;
    keptAs[end - k + 1 + t] = m + t;
    run.add(m + t);
  }
  return run;
}

/**
 * A block's last line shown after a marker, right before a kept line: where the sketch has a
 * marker, then a line of code the original has more than once (`return None`), then (blank lines
 * aside) a kept line, that line is the original's nearest copy before the kept one at the same
 * indentation, with no kept line between: the sketch shows a block's end and then the next block
 * it keeps, so what the original has between the two is gone (a method deleted after it).
 */
function pairEndBeforeKept({ original, sketch, keptAs, keeps, indents, sketchIndents }: Pairing, elisions: ReadonlySet<number>): void {
  if (!indents || !sketchIndents) return;
  for (let q = 0; q < sketch.length; q++) {
    const p = keeps[q];
    if (p < 0) continue;
    let x = q - 1;
    while (x >= 0 && sketch[x] === '' && !elisions.has(x + 1)) x--;
    if (x < 0 || elisions.has(x + 1) || !elisions.has(x) || keeps[x] >= 0 || !isCode(sketch[x])) continue;
    for (let at = p - 1; at >= 0 && keptAs[at] < 0; at--) {
      if (original[at] !== sketch[x] || indents[at] !== sketchIndents[x]) continue;
      keptAs[at] = x;
      keeps[x] = at;
      break;
    }
  }
}

/**
 * Runs of lines kept: two or more unpaired lines in a row of the sketch (no marker between them)
 * that the original has in a row at the same indentation, in one place only between the kept
 * lines around them (and, in a window, not only lines the file holds elsewhere too), are the
 * original's lines there, kept (`  })` then `})`, or `    );` then `  }`: bare punctuation that
 * pairs nowhere alone). A marker's stretch then runs up to them, rather than ending at the first
 * `})` the output meets; a snippet of closers around one changed line is anchored by them; and
 * the sketch's copies are not lines to write a second time.
 */
function pairRuns({ original, sketch, keptAs, keeps, indents, sketchIndents }: Pairing, elisions: ReadonlySet<number>, repeated: ReadonlySet<string>): void {
  if (!indents || !sketchIndents) return;
  const same = (p: number, q: number) => original[p] !== '' && original[p] === sketch[q] && indents[p] === sketchIndents[q] && keptAs[p] < 0 && keeps[q] < 0;
  for (let q = 0; q < sketch.length; q++) {
    if (keeps[q] >= 0) continue;
    // The original's lines between the kept lines before and after the run.
    let from = 0;
    for (let k = q - 1; k >= 0; k--) if (keeps[k] >= 0) {
      from = keeps[k] + 1;
      break;
    }
    let to = original.length;
    for (let k = q; k < sketch.length; k++) if (keeps[k] >= 0) {
      to = keeps[k];
      break;
    }
    let best = -1;
    let length = 0;
    let others = 0;
    for (let p = from; p < to; p++) {
      let n = 0;
      while (p + n < to && q + n < sketch.length && (n === 0 || !elisions.has(q + n)) && same(p + n, q + n)) n++;
      // In a window, a run of lines the file holds elsewhere too may be that other copy.
      if (n < 2 || original.slice(p, p + n).every((l) => repeated.has(l))) continue;
      if (n > length) {
        if (best >= 0) others++;
        [best, length] = [p, n];
      } else others++;
    }
    if (best < 0 || others > 0) continue;
    for (let n = 0; n < length; n++) {
      keptAs[best + n] = q + n;
      keeps[q + n] = best + n;
    }
    q += length - 1;
  }
}

/**
 * The sketch's elision markers, with those a snippet implies at its edges. A sketch that begins
 * with a line the original keeps after code of its own (code the sketch does not show) starts in
 * the middle of the file; one that ends with a kept line before such code stops in the middle.
 * Where the sketch marks elided code elsewhere, a middle edge is elided code too.
 */
function snippetEdges({ original, sketch, keeps, indents, sketchIndents }: Pairing, elisions: ReadonlySet<number>, window: boolean, followed: boolean, preceded: boolean): ReadonlySet<number> {
  if (!sketch.some(isCode)) return elisions;
  const marked = [...elisions];
  const short = sketch.length * 2 < original.length;
  // A line the file has deeper in than its first (last) line of code: a whole file starts and
  // ends at its outermost level, so a sketch that starts there is a snippet (by the sketch's
  // indentation or the file's, as a snippet may be pasted at column 0).
  const deeper = (q: number, p: number) =>
    !!indents && q >= 0 && p >= 0 && ((keeps[q] >= 0 && indents[keeps[q]] > indents[p]) || (!!sketchIndents && sketchIndents[q] > indents[p]));
  const firstCode = sketch.findIndex(isCode);
  const startsInside = !marked.length && firstCode >= 0 && keeps[firstCode] >= 0 && deeper(firstCode, original.findIndex(isCode));
  // A short sketch without markers, or one that starts inside a block of the file, is a snippet:
  // its edges are where its kept lines are (new code may follow the last); otherwise they are
  // its first and last lines of code, if kept.
  const bare = !marked.length && (short || startsInside);
  let first = bare ? keeps.findIndex((p) => p >= 0) : sketch.findIndex(isCode);
  // In a window after the file's start, a sketch that starts with new code before any marker has
  // that edge at its first kept line: the window's lines before it are context, which the new
  // lines may rewrite (a doc comment), not lines they delete whatever they are.
  if (window && preceded && first >= 0 && keeps[first] < 0 && !marked.some((q) => q <= first)) first = keeps.findIndex((p) => p >= 0);
  let last = bare ? keeps.findLastIndex((p) => p >= 0) : sketch.findLastIndex(isCode);
  const shown = new Set(sketch);
  const unshown = (lines: readonly string[]) => lines.some((l) => isCode(l) && !shown.has(l));
  // Where the sketch marks elided code elsewhere, or in a window, the original's blank lines alone
  // at an edge (a window's context: the two blank lines around a Python function) are elided too.
  const elided = (lines: readonly string[]) => unshown(lines) || ((marked.length > 0 || window) && lines.length > 0 && lines.every((l) => l === ''));
  // In a window around the sketch's anchors, the lines before its first kept line are the window's
  // context (a closing `}` and a blank line before the function the snippet shows).
  const before = first >= 0 && keeps[first] >= 0 ? original.slice(0, keeps[first]) : [];
  let head = first >= 0 && !marked.some((q) => q <= first) && keeps[first] >= 0 && (elided(before) || (window && before.length > 0));
  // A sketch that ends with the closing line of a block a kept line opens (`}` after new lines)
  // ends where the original's block does.
  let lastAt = last >= 0 ? keeps[last] : -1;
  const end = lastLine(sketch);
  if (!bare && indents && sketchIndents && end > last && closes(sketch[end]) && !isCode(sketch[end]) && !marked.some((q) => q > last)) {
    for (let q = 0; q < end; q++) {
      if (keeps[q] < 0 || !opens(sketch[q]) || closerAfter(sketch, q, sketchIndents) !== end) continue;
      const p = closerAfter(original, keeps[q], indents);
      if (p >= 0 && original[p] === sketch[end]) [last, lastAt] = [end, p];
    }
  }
  let tail = last >= 0 && !marked.some((q) => q > last) && lastAt >= 0 && elided(original.slice(lastAt + 1));
  // A sketch that ends by closing a method and then the class around it, with the file's own last
  // line (a class's `}` at the file's end), ends where the file does: what it leaves out before
  // that line is gone. (A single closing line may close a block in the middle of the file.)
  const fileEnd = lastLine(original);
  if (tail && !followed && end > last + 1 && fileEnd >= 0 && indents && sketchIndents && sketch[end] === original[fileEnd] && indents[fileEnd] === sketchIndents[end]) {
    const closers = sketch.slice(last + 1, end + 1).filter((key) => key !== '');
    const allClose = closers.every((key) => closes(key) && !isCode(key));
    if (allClose && closers.length >= 2 && sketchIndents[end] < sketchIndents[sketch.findIndex((key, q) => q > last && key !== '')]) tail = false;
  }
  // In a window the rest of the file follows, a sketch that ends with no marker after its last
  // line of code ends before the window's context: the window's lines after its last kept line
  // that it does not show are kept (a function's end rewritten, then the next function's first
  // lines; a callback's `});` after the `}` the sketch ends with).
  const lastKept = keeps.findLastIndex((p) => p >= 0);
  const lastCode = sketch.findLastIndex(isCode);
  const more = (lines: readonly string[]) => lines.filter((l) => l !== '').length;
  const rest = lastKept >= 0 ? original.slice(keeps[lastKept] + 1) : [];
  if (window && followed && !tail && lastKept >= 0 && !marked.some((q) => q > lastCode) && (unshown(rest) || more(rest) > more(sketch.slice(lastKept + 1)))) tail = true;
  // A short sketch that keeps no line of the file is new code somewhere in it: the file is kept
  // around it.
  if (bare && first < 0 && unshown(original)) head = tail = true;
  // A sketch without markers may be the whole new file (which may drop the file's first or last
  // part); it is a snippet when both edges are in the middle, or it is under half the file.
  // So is one that starts (ends) deeper in than the file does, or inside a block.
  // By brackets too: a sketch that closes a block it did not open starts inside one, and one that
  // leaves a block open ends inside one, where the original has that edge's line inside a block
  // it opens (a window of a file may itself start or end inside one).
  const sketchDepth = depths(sketch);
  const originalDepth = depths(original);
  const startsClosed = sketchDepth.closedUnopened && first >= 0 && keeps[first] >= 0 && originalDepth.before[keeps[first]] > 0;
  const endsOpen = sketchDepth.before[sketch.length] > 0 && last >= 0 && keeps[last] >= 0 && originalDepth.before[keeps[last] + 1] > 0;
  const inside =
    (head && (deeper(first, original.findIndex(isCode)) || startsClosed)) || (tail && (deeper(last, original.findLastIndex(isCode)) || endsOpen));
  const snippet = marked.length > 0 || window || (head && tail) || short || inside;
  if (!snippet || !(head || tail)) return elisions;
  const edges = new Set(elisions);
  if (head) edges.add(0);
  if (tail) {
    let end = sketch.length;
    while (end > Math.max(0, last + 1) && sketch[end - 1] === '') end--;
    edges.add(end);
  }
  return edges;
}

/**
 * Blocks open before each line (by brackets: a line ending with `{`, `(` or `[` opens one, one
 * starting with `}`, `)` or `]` closes one; closing none open counts as none), and whether the
 * lines close a block they did not open.
 */
function depths(lines: readonly string[]): { before: Int32Array; closedUnopened: boolean } {
  const before = new Int32Array(lines.length + 1);
  let closedUnopened = false;
  let depth = 0;
  lines.forEach((key, n) => {
    before[n] = depth;
    if (closes(key)) {
      if (depth === 0) closedUnopened = true;
      depth = Math.max(0, depth - 1);
    }
    if (opens(key)) depth++;
  });
  before[lines.length] = depth;
  return { before, closedUnopened };
}

/** A comment line (`//`, `/*`, ` * ` inside a block comment, `#`, `<!--`, `--`); not Markdown's `**bold**` or `## Heading`. */
export function isComment(key: string): boolean {
  // `## Usage` is a Markdown heading, not a comment (a lone `#` may be either).
  return /^(?:\/\/|\/\*|\*(?:\s|\/|$)|#(?!#+\s)|<!--|--)/.test(key);
}

/** A line of code, not bare punctuation like `}` or `});`. */
export function isCode(key: string): boolean {
  return key.length >= 4 && /[A-Za-z0-9]/.test(key);
}

function positions(lines: readonly string[]): Map<string, number[]> {
  const at = new Map<string, number[]>();
  lines.forEach((key, n) => {
    if (key === '') return;
    const list = at.get(key);
    if (list) list.push(n);
    else at.set(key, [n]);
  });
  return at;
}

/** The index of the first item of a sorted list that is not below `key`. */
export function lowerBound<T extends number | string>(list: readonly T[], key: T): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Updates the indentations of open blocks (innermost last) with a line written at `indent`. */
function withLine(open: number[], key: string, indent: number): number[] {
  if (closes(key)) {
    while (open.length && open[open.length - 1] > indent) open.pop();
    if (open[open.length - 1] === indent) open.pop();
  }
  if (opens(key)) open.push(indent);
  return open;
}

/** The readings no other covers, least advanced first (at most MAX_READINGS). */
function frontier(readings: Reading[], covers: (a: Reading, b: Reading) => boolean): Reading[] {
  readings.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const kept: Reading[] = [];
  // A reading that covers r stands no further on in either text, so it sorts before r.
  for (const r of readings) if (!kept.some((k) => covers(k, r))) kept.push(r);
  if (kept.length <= MAX_READINGS) return kept;
  return kept
    .map((r, n) => ({ r, n }))
    .sort((a, b) => a.r[0] + a.r[1] - (b.r[0] + b.r[1]) || a.n - b.n)
    .slice(0, MAX_READINGS)
    .sort((a, b) => a.n - b.n)
    .map(({ r }) => r);
}
