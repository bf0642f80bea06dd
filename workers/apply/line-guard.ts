/**
 * Constrained decoding for apply. The updated file is made of lines of the original and of the
 * sketch: kept, re-indented or dropped, never invented, each text's lines in their order
 * (merge-order.ts), and no line more often than the two hold it (a line the sketch keeps from the
 * original counts once), with its blocks closed where they opened (block-structure.ts). The guard
 * lets greedy decoding choose only tokens that keep the output such a file; among those, the model
 * still chooses every token. It stops the model copying elision markers, writing lines neither
 * text has, repeating a block, going back to a block it has passed, and closing a block at the
 * wrong depth or one it never opened. A blank line comes only before a line that follows one in
 * either text, so it never splits lines both texts keep together, and only where such a line, or
 * the end, may still come. Close calls lean towards the sketch's new lines (FRESH_BIAS).
 *
 * Lines are compared without their leading and trailing whitespace; a line's indentation is one
 * it has in either text, or the sketch's shifted the way its kept lines are (a snippet pasted at
 * column 0 takes the file's indentation), written in the tokenizer's own tokens of blanks. Text
 * is handled as bytes (one char per byte), since a token may hold part of a multi-byte character.
 */
import { argmax } from '../runtime/causal-lm';
import { isChatNote, isElisionMarker } from './apply-input';
import { type BlockStructure, structureOf } from './block-structure';
import { lowerBound, MergeOrder } from './merge-order';
import { replacedLines } from './replaced-lines';

/**
 * How much more (in logits) a token counts when it writes a new line of the sketch. A small model
 * tends to copy the original where the sketch changed a line; this tips close calls towards the
 * sketch. Chosen on the valid suite, under the order and indentation rules: 0 → 53, 2 → 56, 3 → 57,
 * 4 → 58, 5 → 58, 6 → 57, 8 → 54 exact of 100.
 */
const FRESH_BIAS = 4;
/** Candidates ranked by a partial selection before one pass over the whole row. */
const TOP_CANDIDATES = 32;
/** LineGuard.firstByte's flags. */
const ALLOWED = 1;
const FRESH = 2;

export class LineGuard {
  /**
   * Shapes of the lines that may still be written: indentation and the trimmed line. A line may
   * take the indentation it has in the original or in the sketch, or the sketch's shifted the
   * way the sketch's kept lines are shifted from the original's (a snippet pasted at column 0).
   * Sorted for prefix search.
   */
  private shapes: string[];
  /** Shapes of the sketch's lines the original lacks (the new code) that may still be written, sorted. */
  private fresh: string[];
  /** All shapes, and those of the new code, sorted: what `shapes` and `fresh` are drawn from. */
  private readonly allShapes: string[];
  private readonly allFresh: string[];
  /** Each shape's line (trimmed). */
  private readonly keyOf = new Map<string, string>();
  /** How many more times each line may be written. */
  private left = new Map<string, number>();
  /** The output's unfinished last line, as bytes. */
  private partial = '';
  /** Longest run of blanks after a line: as long as in the inputs. */
  private readonly maxTrailing: number;
  /** Lines of blanks alone, as the inputs have them (a blank line is one of these). */
  private readonly blankLines = new Set<string>(['']);
  /** Blank lines in a row at most (the inputs' longest run), and how many end the output now. */
  private readonly maxBlankRun: number;
  private blankRun = 0;
  /**
   * Lines that follow a blank line (or an elision marker, which may end with one, or nothing) in
   * either text: only these may follow a blank line in the output, so no blank line splits what
   * both texts keep together.
   */
  private readonly afterBlank = new Set<string>();
  /** The sketch's lines shifted as a sketch pasted at column 0 goes in (bytes), or null when it is not one. */
  readonly shiftedSketch: string | null = null;
  /** Whether a blank line written next would lead on (leadsOn), once asked; null until then. */
  private blankLeadsOn: boolean | null = null;
  /** Whether the output has ended a line (its first line has no newline before it). */
  private lineEnded = false;
  /**
   * Per first byte of a token: whether a token starting with it may be allowed next, and whether
   * it may write new code (blanks and newlines always may). Read off the open shapes that go on
   * from the unfinished line; made again once the output changes (null until needed).
   */
  private firstBytes: Uint8Array | null = null;
  /**
   * Lines a line to come may not be (where decoding went back from a dead end), as shapes ('' a
   * blank line): the unfinished line (`banAt` 0) or the one after it (1).
   */
  private banned: ReadonlySet<string> | null = null;
  private banAt = 0;
  /** Which lines the order of the two texts still allows (merge-order.ts). */
  private order: MergeOrder;
  /** Blocks open in the output, when both texts keep to block-structure.ts's rule (else null). */
  private blocks: BlockStructure | null;

  /**
   * @param texts the lines of the original and of the sketch (elision markers are left out here),
   *   and, when the original is a window of a file, the lines the whole file holds more than once
   *   (repeatedLines); `whole`: the original is the whole file (or a piece of it cut at lines
   *   both texts share, apply-windows.ts), so each line keeps the indentation of the text it is
   *   read from, where the sketch moves no kept line in or out (MergeOrder.keepIndents);
   *   `window`: the original is a window of the file around the sketch's anchors, so a sketch
   *   without markers is a snippet of it; `preceded`: the file has lines before the window
   * @param tokenText bytes of a token id, one char per byte
   * @param eos the end token, allowed where a line ends
   * @param blocked token ids never allowed (other special tokens)
   * @param endsWithNewline the output must end with a newline (the original's window does, and
   *   the rest of the file follows it)
   * @param blankLead where the vocabulary's tokens of blanks alone end in a line's leading spaces
   *   (`        method` is `\n       ` then ` method`: after 7 of 8): a line indented with spaces
   *   has its indentation written in blanks alone only up to those places, so it is written in
   *   the vocabulary's own tokens (a model led off them spells words in pieces)
   */
  constructor(
    texts: { original: readonly string[]; sketch: readonly string[]; repeated?: ReadonlySet<string>; whole?: boolean; window?: boolean; preceded?: boolean },
    private readonly tokenText: (id: number) => string,
    private readonly eos: number,
    private readonly blocked: ReadonlySet<number>,
    private readonly endsWithNewline = false,
    private readonly blankLead: ((shape: string) => readonly number[]) | null = null,
  ) {
    // A text that ends with a newline splits into one more, empty, line that is not a line of it.
    const whole = (lines: readonly string[]) => (lines.length > 1 && lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines);
    const original = whole(texts.original).map(toBytes);
    // Elision markers are not lines to write; where they stood tells which stretches the sketch shows whole.
    const elisions = new Set<number>();
    const markerIndents = new Map<number, number>();
    const sketch: string[] = [];
    // A chat model's note above the sketch's code is not a line of the file (unless the file has it).
    const inFile = new Set(texts.original.map((l) => l.trim()));
    const first = texts.sketch.findIndex((l) => l.trim() !== '');
    for (const [n, line] of whole(texts.sketch).entries()) {
      if (isElisionMarker(line)) {
        elisions.add(sketch.length);
        markerIndents.set(sketch.length, indentOf(toBytes(line)).length);
      } else if (!(n === first && isChatNote(line) && !inFile.has(line.trim()))) sketch.push(toBytes(line));
    }
    let trailing = 0;
    const count = (lines: readonly string[]) => {
      const counts = new Map<string, number>();
      for (const line of lines) {
        const key = trim(line);
        counts.set(key, (counts.get(key) ?? 0) + 1);
        if (key === '') this.blankLines.add(line);
        else trailing = Math.max(trailing, line.length - trimEnd(line).length);
      }
      return counts;
    };
    const inOriginal = count(original);
    const inSketch = count(sketch);
    const originalKeys = original.map(trim);
    const sketchKeys = sketch.map(trim);
    const shaped = (lines: readonly string[]) => lines.map((l) => [indentOf(l), trim(l)] as const);
    this.order = new MergeOrder(originalKeys, sketchKeys, elisions, {
      indents: original.map((l) => indentOf(l).length),
      sketchIndents: sketch.map((l) => indentOf(l).length),
      repeated: texts.repeated,
      window: texts.window,
      preceded: texts.preceded,
      followed: endsWithNewline,
      markerIndents,
    });
    this.blocks = structureOf(shaped(original), shaped(sketch));
    // A line the sketch keeps from the original (paired by the order) is one line, not two.
    const kept = new Set(this.order.pairs().map(([p]) => originalKeys[p]));
    for (const key of new Set([...inOriginal.keys(), ...inSketch.keys()])) {
      const o = inOriginal.get(key) ?? 0;
      const k = inSketch.get(key) ?? 0;
      this.left.set(key, o + k - (kept.has(key) ? 1 : 0));
    }
    // An original line the sketch shows rewritten is written once less (replaced-lines.ts); new
    // functions placed after one they use rewrite none (`sharesNoName` is not `sharesName`
    // rewritten), and stand apart from the code around them by the original's blank lines there.
    const placed: [number, number][] = [];
    const ends = new Map<number, number>();
    const newCodeBlanks = this.order.newCodeBlanks();
    for (const key of newCodeBlanks >= 0 ? [] : replacedLines(originalKeys, sketchKeys, this.order.pairs(), this.order.markers(), placed, ends)) {
      this.left.set(key, Math.max(0, this.left.get(key)! - 1));
    }
    if (newCodeBlanks > 0) this.left.set('', (this.left.get('') ?? 0) + newCodeBlanks);
    this.order.place(placed, ends);
    const addShape = (indent: string, key: string) => {
      const shape = indent + key;
      if (key === '' || this.keyOf.has(shape)) return;
      this.keyOf.set(shape, key);
    };
    for (const line of original) addShape(indentOf(line), trim(line));
    const shifts = indentShifts(original, sketch, this.order.pairs());
    if (texts.whole && shifts.length === 1 && shifts[0]('') === '') this.order.keepIndents();
    // A sketch pasted at column 0 goes in shifted only: as the output will have it, a draft source.
    const [only] = shifts;
    if (shifts.length === 1 && only('') !== '') {
      this.shiftedSketch = sketch
        .map((line) => {
          const indent = indentOf(line);
          const to = trim(line) === '' ? '' : only(indent);
          return to === null ? line : to + line.slice(indent.length);
        })
        .join('\n');
    }
    for (const line of sketch) {
      for (const shift of shifts) {
        const indent = shift(indentOf(line));
        if (indent !== null) addShape(indent, trim(line));
      }
    }
    this.allShapes = [...this.keyOf.keys()].sort();
    this.allFresh = this.allShapes.filter((shape) => !inOriginal.has(this.keyOf.get(shape)!));
    this.maxTrailing = trailing;
    this.maxBlankRun = Math.max(1, longestBlankRun(original), longestBlankRun(sketch));
    for (const [lines, keys, marked] of [[original, originalKeys, new Set<number>()], [sketch, sketchKeys, elisions]] as const) {
      // A text's first line may follow anything: a window starts inside a file, a snippet anywhere.
      for (let i = 0; i < lines.length; i++) if (keys[i] !== '' && (i === 0 || keys[i - 1] === '' || marked.has(i))) this.afterBlank.add(keys[i]);
    }
    this.shapes = this.allShapes;
    this.fresh = this.allFresh;
    this.reopen();
  }

  /** Whether writing `id` next keeps the output made of allowed lines. */
  allows(id: number): boolean {
    if (id === this.eos) {
      // The end comes after the sketch's last line of code, on a line of its own.
      const last = trimEnd(this.partial);
      if (last === '') return this.order.mayEnd() && (this.blocks?.mayEnd() ?? true);
      // Text follows the window on a line of its own: the window ends with its newline.
      if (this.endsWithNewline) return false;
      const key = this.keyOf.get(last);
      const indent = indentOf(last);
      if (key === undefined || !this.mayFollow(this.blankRun, key) || (this.left.get(key) ?? 0) <= 0 || !this.order.allows(key, indent.length) || !fitsBlocks(this.blocks, indent, key)) return false;
      // The unfinished last line is the file's last: the end as it stands once it is written.
      const order = this.order.clone();
      order.push(key, indent.length);
      if (!order.mayEnd()) return false;
      if (!this.blocks) return true;
      const blocks = this.blocks.clone();
      blocks.push(indent, key);
      return blocks.mayEnd();
    }
    if (this.blocked.has(id)) return false;
    const text = this.partial + this.tokenText(id);
    let start = 0;
    let used: Map<string, number> | null = null;
    let order = this.order;
    let blocks = this.blocks;
    let blankRun = this.blankRun;
    let lineNo = 0;
    let pushed = false;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start), lineNo++) {
      const raw = text.slice(start, nl);
      const line = this.lineKey(raw);
      if (line === undefined) return false;
      if (lineNo === this.banAt && this.banned?.has(trimEnd(raw))) return false;
      const indent = indentOf(raw);
      if (!this.mayFollow(blankRun, line)) return false;
      blankRun = line === '' ? blankRun + 1 : 0;
      if (blankRun > this.maxBlankRun) return false;
      const already = used?.get(line) ?? 0;
      if ((this.left.get(line) ?? 0) - already <= 0 || !order.allows(line, indent.length)) return false;
      if (line !== '' && !fitsBlocks(blocks, indent, line)) return false;
      if (line === '' && !blankKeepsEnd(order)) return false;
      (used ??= new Map()).set(line, already + 1);
      start = nl + 1;
      // More after the line ends: try it against the order (and blocks) that follow.
      pushed = start < text.length;
      if (pushed) {
        if (order === this.order) order = order.clone();
        order.push(line, indent.length);
        if (blocks && line !== '') {
          if (blocks === this.blocks) blocks = blocks.clone();
          blocks.push(indent, line);
        }
      }
    }
    const last = text.slice(start);
    // A blank line (then blanks at most) only where some line, or the end, may follow it.
    if (blankRun > 0 && lineNo > 0 && trimEnd(last) === '' && !this.leadsOn(order, pushed, blocks, used!, blankRun, lineNo === 1)) return false;
    // At a line start, the next line or the end may come.
    if (last === '') return true;
    const whole = trimEnd(last);
    // A token that ended a line starts the next one: its prefix is checked against the lines that
    // may follow that one (the sorted lists hold those that may follow the output so far).
    const bans = lineNo === this.banAt ? this.banned : null;
    if (start > 0 ? this.opensAfter(last, order, blocks, used, bans, blankRun) : this.isOpenPrefix(last, this.shapes, bans)) return true;
    const banned = bans?.has(whole);
    // Blanks alone: the indentation of a line to come, or a blank line (where one may come).
    if (whole === '') {
      return !banned && this.blankLineStarts(last) && blankRun < this.maxBlankRun && (this.left.get('') ?? 0) - (used?.get('') ?? 0) > 0 && order.allows('') && blankKeepsEnd(order);
    }
    if (whole === last || banned) return false;
    // Trailing blanks after a whole line are fine; the newline comes next.
    if (last.length - whole.length > this.maxTrailing) return false;
    const key = this.keyOf.get(whole);
    return (
      key !== undefined &&
      this.mayFollow(blankRun, key) &&
      (this.left.get(key) ?? 0) - (used?.get(key) ?? 0) > 0 &&
      order.allows(key, indentOf(whole).length) &&
      fitsBlocks(blocks, indentOf(whole), key)
    );
  }

  /**
   * How many of `ids`, written in turn from here, the guard allows: a draft is cut there, since
   * no token after a refused one can be accepted (the guard's state is left as it was).
   */
  allowedRun(ids: readonly number[]): number {
    const copy = this.clone();
    for (let i = 0; i < ids.length; i++) {
      if (!copy.allows(ids[i])) return i;
      copy.push(ids[i]);
    }
    return ids.length;
  }

  /** A guard in this one's state that goes on on its own. */
  clone(): LineGuard {
    const copy = Object.assign(Object.create(Object.getPrototypeOf(this) as object) as LineGuard, this);
    copy.left = new Map(this.left);
    copy.order = this.order.clone();
    copy.blocks = this.blocks?.clone() ?? null;
    return copy;
  }

  /** Whether the output ends where a line starts. */
  atLineStart(): boolean {
    return this.partial === '';
  }

  /**
   * The first line `ids` write whole from here (from a line start, or, written from inside a
   * line, the line after it), as a shape ('' for a blank line), or null if they finish none.
   */
  nextLine(ids: readonly number[], insideLine = !this.atLineStart()): string | null {
    let text = '';
    for (const id of ids) {
      text += this.tokenText(id);
      const first = text.indexOf('\n');
      const nl = insideLine ? text.indexOf('\n', first + 1) : first;
      if (first >= 0 && nl >= 0) return trimEnd(text.slice(insideLine ? first + 1 : 0, nl));
    }
    return null;
  }

  /** Whether writing `id` ends a line (and starts another within it). */
  endsLine(id: number): boolean {
    return this.tokenText(id).includes('\n');
  }

  /** The next line written whole from here (as nextLine reads it) may not be any of `lines`. */
  ban(lines: ReadonlySet<string>): void {
    this.banned = lines;
    this.banAt = this.atLineStart() ? 0 : 1;
    this.firstBytes = null;
  }

  /** Records that `id` was written. */
  push(id: number): void {
    if (id === this.eos) return;
    const text = this.partial + this.tokenText(id);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const raw = text.slice(start, nl);
      const line = this.lineKey(raw) ?? trim(raw);
      this.blankRun = line === '' ? this.blankRun + 1 : 0;
      this.left.set(line, (this.left.get(line) ?? 0) - 1);
      this.order.push(line, indentOf(raw).length);
      if (this.blocks && line !== '') this.blocks.push(indentOf(raw), line);
      start = nl + 1;
    }
    if (start > 0) {
      this.lineEnded = true;
      this.reopen();
      if (this.banned) {
        // The lines the token ended move the banned one nearer, or past it.
        const ended = text.split('\n').length - 1;
        if (ended > this.banAt) this.banned = null;
        else this.banAt -= ended;
      }
    }
    this.partial = text.slice(start);
    this.firstBytes = null;
    this.blankLeadsOn = null;
  }

  /**
   * Keeps in the sorted lists only the shapes of lines that may come next (count left, the order
   * allows them, and a closing line's indentation is its block's), so a line begun can always be
   * finished.
   */
  private reopen(): void {
    const open = new Map<string, boolean>();
    this.shapes = this.openShapes(this.allShapes, open);
    this.fresh = this.openShapes(this.allFresh, open);
  }

  /** The shapes of `from` that may come next; `open` remembers the order's answer per line and indentation. */
  private openShapes(from: readonly string[], open: Map<string, boolean>): string[] {
    const shapes: string[] = [];
    for (const shape of from) {
      const key = this.keyOf.get(shape)!;
      if (!this.mayFollow(this.blankRun, key)) continue;
      const indent = indentOf(shape);
      const at = `${indent.length}:${key}`;
      let yes = open.get(at);
      if (yes === undefined) {
        yes = (this.left.get(key) ?? 0) > 0 && this.order.allows(key, indent.length);
        open.set(at, yes);
      }
      if (yes && fitsBlocks(this.blocks, indent, key)) shapes.push(shape);
    }
    return shapes;
  }

  /**
   * Whether a token may be allowed (ALLOWED) and may write new code (FRESH), judged by its first
   * byte alone: a necessary condition, cheap enough to test every token of a row against. A
   * token's first line, once written, is an open shape (or blank), so a first byte that is not a
   * blank or a newline goes on the unfinished line towards one.
   */
  private firstByte(id: number): number {
    const text = this.tokenText(id);
    if (text === '' || id === this.eos) return ALLOWED | FRESH;
    this.firstBytes ??= this.readFirstBytes();
    return this.firstBytes[text.charCodeAt(0)];
  }

  private readFirstBytes(): Uint8Array {
    const bytes = new Uint8Array(256);
    for (const code of [10, 32, 9, 13, 12, 11]) bytes[code] = ALLOWED | FRESH;
    const markNext = (shapes: readonly string[], flag: number) => {
      const p = this.partial;
      // Each byte that follows the unfinished line in some shape, found by jumping past it.
      for (let at = lowerBound(shapes, p); at < shapes.length && shapes[at].startsWith(p); ) {
        const shape = shapes[at];
        if (shape.length === p.length) {
          at++;
          continue;
        }
        const code = shape.charCodeAt(p.length);
        bytes[code] |= flag;
        at = lowerBound(shapes, p + String.fromCharCode(code + 1));
      }
    };
    markNext(this.shapes, ALLOWED);
    markNext(this.fresh, FRESH);
    return bytes;
  }

  /** The line (trimmed) a written line is, if its shape is one allowed; blank lines are ''. */
  private lineKey(raw: string): string | undefined {
    const whole = trimEnd(raw);
    if (whole !== '') return this.keyOf.get(whole);
    return this.blankLines.has(raw) ? '' : undefined;
  }

  /**
   * The allowed token to write next: the highest-scoring one, where a token that writes the
   * sketch's new code counts FRESH_BIAS more (the end token if nothing is allowed).
   */
  choose(row: Float32Array): number {
    if (!this.fresh.length) return this.bestAllowed(row);
    const best = this.bestAllowed(row);
    // A token that writes new code has the bias too, and none allowed scores above the best.
    if (this.writesFresh(best)) return best;
    // Only tokens within FRESH_BIAS of the best allowed one can overtake it. Ties: the lower id.
    const floor = row[best] - FRESH_BIAS;
    let chosen = best;
    let score = row[best];
    for (let id = 0; id < row.length; id++) {
      if (row[id] < floor || id === best || !(this.firstByte(id) & FRESH)) continue;
      const s = row[id] + (this.writesFresh(id) ? FRESH_BIAS : 0);
      if ((s > score || (s === score && id < chosen)) && this.allows(id)) {
        chosen = id;
        score = s;
      }
    }
    return chosen;
  }

  /** The highest-scoring allowed token (the end token if none is allowed). */
  private bestAllowed(row: Float32Array): number {
    const best = argmax(row);
    if (this.allows(best)) return best;
    // The best few first (usually enough); then one pass over the row that checks only tokens
    // scoring above the best allowed one found so far. Ties go to the lower id, as in argmax.
    for (const id of topIds(row, TOP_CANDIDATES)) if (this.firstByte(id) & ALLOWED && this.allows(id)) return id;
    let chosen = this.eos;
    let score = -Infinity;
    for (let id = 0; id < row.length; id++) {
      if (row[id] > score && this.firstByte(id) & ALLOWED && this.allows(id)) {
        chosen = id;
        score = row[id];
      }
    }
    return chosen;
  }

  /** Whether `id` writes part of a new line of the sketch not yet written. */
  private writesFresh(id: number): boolean {
    if (id === this.eos || this.blocked.has(id)) return false;
    const text = this.partial + this.tokenText(id);
    const nl = text.indexOf('\n');
    if (nl >= 0) {
      const line = trimEnd(text.slice(0, nl));
      return line !== '' && binaryHas(this.fresh, line);
    }
    return trimEnd(text) !== '' && this.isOpenPrefix(text, this.fresh);
  }

  /**
   * Whether some line that may come next, once the token's lines are written (`order` and
   * `blocks` after them, `used` their counts), starts with `prefix`.
   */
  private opensAfter(prefix: string, order: MergeOrder, blocks: BlockStructure | null, used: Map<string, number> | null, banned: ReadonlySet<string> | null, blankRun: number): boolean {
    for (let at = lowerBound(this.allShapes, prefix); at < this.allShapes.length && this.allShapes[at].startsWith(prefix); at++) {
      const shape = this.allShapes[at];
      if (banned?.has(shape) || this.indentsWhole(prefix, shape)) continue;
      const key = this.keyOf.get(shape)!;
      if (!this.mayFollow(blankRun, key)) continue;
      const indent = indentOf(shape);
      if ((this.left.get(key) ?? 0) - (used?.get(key) ?? 0) > 0 && order.allows(key, indent.length) && fitsBlocks(blocks, indent, key)) return true;
    }
    return false;
  }

  /**
   * Whether, after the blank line a token ends with (`order` with it pushed or, if not `pushed`,
   * still to push), some line may still come, another blank line, or the end. `once`: the token
   * wrote that one line only, so the answer is this state's and is kept until the next push.
   */
  private leadsOn(order: MergeOrder, pushed: boolean, blocks: BlockStructure | null, used: Map<string, number>, blankRun: number, once: boolean): boolean {
    if (once && this.blankLeadsOn !== null) return this.blankLeadsOn;
    if (!pushed) {
      order = order.clone();
      order.push('');
    }
    let leads = (order.mayEnd() && (blocks?.mayEnd() ?? true)) || (blankRun < this.maxBlankRun && (this.left.get('') ?? 0) - (used.get('') ?? 0) > 0 && order.allows(''));
    for (let at = 0; !leads && at < this.allShapes.length; at++) {
      const shape = this.allShapes[at];
      const key = this.keyOf.get(shape)!;
      const indent = indentOf(shape);
      leads = this.mayFollow(blankRun, key) && (this.left.get(key) ?? 0) - (used.get(key) ?? 0) > 0 && order.allows(key, indent.length) && fitsBlocks(blocks, indent, key);
    }
    if (once) this.blankLeadsOn = leads;
    return leads;
  }

  /** Whether blanks `prefix` begin a line of blanks alone that the inputs have. */
  private blankLineStarts(prefix: string): boolean {
    for (const line of this.blankLines) if (line.startsWith(prefix)) return true;
    return false;
  }

  /** Whether line `key` may come after `blankRun` blank lines. */
  private mayFollow(blankRun: number, key: string): boolean {
    return blankRun === 0 || key === '' || this.afterBlank.has(key);
  }

  /** Whether some shape that may still be written starts with `prefix` (`keys`: open shapes only). */
  private isOpenPrefix(prefix: string, keys = this.shapes, banned: ReadonlySet<string> | null = null): boolean {
    for (let at = lowerBound(keys, prefix); at < keys.length && keys[at].startsWith(prefix); at++) {
      if (!banned?.has(keys[at]) && !this.indentsWhole(prefix, keys[at], this.lineEnded)) return true;
    }
    return false;
  }

  /**
   * Whether `prefix`, spaces alone, ends where the vocabulary's tokens of blanks alone do not end
   * in `shape`'s indentation (blankLead): the model would be led off its own tokens.
   */
  private indentsWhole(prefix: string, shape: string, afterNewline = true): boolean {
    // The output's first line starts with no newline before it: its tokens are others.
    if (!this.blankLead || !afterNewline || prefix.length === 0 || prefix.charCodeAt(prefix.length - 1) !== 32) return false;
    for (let i = 0; i < prefix.length; i++) if (prefix.charCodeAt(i) !== 32) return false;
    return !this.blankLead(shape).includes(prefix.length);
  }
}

/** Where the file may end, a blank line may not lead only to readings bound to write more. */
function blankKeepsEnd(order: MergeOrder): boolean {
  if (!order.mayEnd()) return true;
  const after = order.clone();
  after.push('');
  return after.mayEnd();
}

/** Whether a line fits the blocks open (block-structure.ts): a closing line closes one at its indentation. */
function fitsBlocks(blocks: BlockStructure | null, indent: string, key: string): boolean {
  return !blocks || blocks.allows(indent, key);
}

function binaryHas(keys: readonly string[], key: string): boolean {
  return keys[lowerBound(keys, key)] === key;
}

/** Ids of the `n` highest scores of a row, best first (ties: lower id first, as a full sort). */
function topIds(row: Float32Array, n: number): number[] {
  const ids: number[] = [];
  for (let id = 0; id < row.length; id++) {
    const v = row[id];
    if (ids.length === n && v <= row[ids[n - 1]]) continue;
    let at = ids.length;
    while (at > 0 && row[ids[at - 1]] < v) at--;
    ids.splice(at, 0, id);
    if (ids.length > n) ids.pop();
  }
  return ids;
}

/** The most blank (or whitespace-only) lines in a row. */
function longestBlankRun(lines: readonly string[]): number {
  let longest = 0;
  let run = 0;
  for (const line of lines) {
    run = trim(line) === '' ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/** A line's leading blanks. */
function indentOf(line: string): string {
  return line.slice(0, line.length - trimStart(line).length);
}

/**
 * Ways to re-indent a sketch line: unchanged, and each shift that takes a kept line (paired with
 * the original's, merge-order.ts) from its indentation in the sketch to the original's, when
 * both are runs of one blank character. Each maps an indentation to the shifted one, or null.
 */
function indentShifts(original: readonly string[], sketch: readonly string[], pairs: readonly (readonly [number, number])[]): ((indent: string) => string | null)[] {
  // A sketch whose first line is a line the file has deeper in, pasted at column 0 (a method
  // quoted alone): all its lines go back in shifted as that one is.
  const first = sketch.findIndex((line) => trim(line) !== '');
  const head = pairs.find(([, q]) => q === first);
  if (head && indentOf(sketch[first]) === '') {
    const to = indentOf(original[head[0]]);
    if (to !== '' && sameChar(to, to[0])) return [(indent) => (sameChar(indent, to[0]) ? to + indent : null)];
  }
  const shifts: ((indent: string) => string | null)[] = [(indent) => indent];
  const seen = new Set<string>();
  for (const [p, q] of pairs) {
    const to = indentOf(original[p]);
    const from = indentOf(sketch[q]);
    const char = (to || from)[0];
    if (to === from || !sameChar(to, char) || !sameChar(from, char) || seen.has(char + (to.length - from.length))) continue;
    const delta = to.length - from.length;
    seen.add(char + delta);
    shifts.push((indent) => (sameChar(indent, char) && indent.length + delta >= 0 ? char.repeat(indent.length + delta) : null));
  }
  return shifts;
}

function sameChar(s: string, char: string): boolean {
  for (let i = 0; i < s.length; i++) if (s[i] !== char) return false;
  return true;
}

/** The lines (trimmed, as bytes: the guard's keys) a file holds more than once. */
export function repeatedLines(file: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const line of file) {
    const key = trim(toBytes(line));
    if (seen.has(key)) repeated.add(key);
    seen.add(key);
  }
  return repeated;
}

/** A string's UTF-8 bytes, one char per byte. */
export function toBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Space, tab, carriage return, form feed, vertical tab. */
function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 12 || code === 11;
}

function trimStart(s: string): string {
  let i = 0;
  while (i < s.length && isBlank(s.charCodeAt(i))) i++;
  return i ? s.slice(i) : s;
}

function trimEnd(s: string): string {
  let j = s.length;
  while (j > 0 && isBlank(s.charCodeAt(j - 1))) j--;
  return j < s.length ? s.slice(0, j) : s;
}

function trim(s: string): string {
  return trimEnd(trimStart(s));
}
