/**
 * Drafts for speculative edits: the updated file mostly repeats the original (and the sketch's new
 * code), so the next tokens are proposed by finding where the output's last tokens occur in those
 * texts and reading on from there. The model verifies every proposal; a draft only changes speed.
 */

/** How many of the output's last tokens must match to re-align after a divergence. */
const MAX_NGRAM = 6;
/** A token-level match shorter than this re-aligns by characters instead, when the texts are known. */
const MIN_TOKEN_MATCH = 2;
/** The output's last bytes looked for in the sources' texts: at most, and at least. */
const MAX_TAIL_BYTES = 24;
const MIN_TAIL_BYTES = 4;
/** Bytes of source text encoded per drafted token (generous: code averages about 3). */
const BYTES_PER_DRAFT_TOKEN = 6;

/**
 * The sources as text, for re-aligning when the output's tokens are split unlike the sources'
 * (the line guard can make the model spell a word in pieces): the draft is then the encoding of
 * the text after the output's last bytes.
 */
export interface DraftTexts {
  /** Per source, its bytes (one char per byte). */
  texts: readonly string[];
  /** Bytes of a token id. */
  tokenText: (id: number) => string;
  /** Token ids of a byte string. */
  encode: (bytes: string) => number[];
}

export class DraftSource {
  /** Where each token id occurs in each source, for n-gram lookups. */
  private readonly positions: Map<number, number[]>[];
  /** Per source: the position just after the last accepted match, to prefer reading on. */
  private readonly cursor: number[];

  /** Per source text: the byte just after the last match by characters. */
  private readonly textCursor: number[];
  /**
   * Per source, where each of its tokens starts in its text (when the tokens spell the text), so
   * a draft by characters reads on in the source's own tokens instead of encoding the text anew.
   */
  private readonly tokenStarts: (Map<number, number> | null)[];

  /** `sources` in order of preference (the original first, then the sketch). */
  constructor(
    private readonly sources: readonly (readonly number[])[],
    private readonly text?: DraftTexts,
  ) {
    this.positions = sources.map((tokens) => {
      const map = new Map<number, number[]>();
      tokens.forEach((t, i) => {
        const list = map.get(t);
        if (list) list.push(i);
        else map.set(t, [i]);
      });
      return map;
    });
    this.cursor = sources.map(() => 0);
    this.textCursor = sources.map(() => 0);
    this.tokenStarts = sources.map((tokens, s) => {
      if (!text) return null;
      const starts = new Map<number, number>();
      let at = 0;
      tokens.forEach((t, i) => {
        starts.set(at, i);
        at += text.tokenText(t).length;
      });
      return at === text.texts[s].length ? starts : null;
    });
  }

  /**
   * Up to `k` tokens likely to follow `output`. At the start the original's first tokens; later
   * the continuation after the longest suffix of `output` found in a source, nearest to where the
   * previous match left off.
   */
  propose(output: readonly number[], k: number): number[] {
    if (k <= 0) return [];
    if (output.length === 0) return this.sources[0].slice(0, k);
    let best: { source: number; end: number; n: number } | null = null;
    for (let s = 0; s < this.sources.length; s++) {
      const found = this.longestMatch(s, output);
      if (found && (!best || found.n > best.n)) best = { source: s, ...found };
    }
    if ((!best || best.n < MIN_TOKEN_MATCH) && this.text) {
      const byText = this.proposeByText(this.text, output, k);
      if (byText.length) return byText;
    }
    if (!best) return [];
    this.cursor[best.source] = best.end;
    return this.sources[best.source].slice(best.end, best.end + k);
  }

  /**
   * Other drafts for when the proposed one soon goes where the output may not: each source's own
   * best match, and the text after the output's last bytes. Leaves the cursors as they are.
   */
  alternatives(output: readonly number[], k: number): number[][] {
    if (k <= 0 || output.length === 0) return [];
    const drafts: number[][] = [];
    for (let s = 0; s < this.sources.length; s++) {
      const found = this.longestMatch(s, output);
      if (found) drafts.push(this.sources[s].slice(found.end, found.end + k));
    }
    if (this.text) {
      const saved = this.textCursor.slice();
      drafts.push(this.proposeByText(this.text, output, k));
      saved.forEach((at, s) => (this.textCursor[s] = at));
    }
    return drafts.filter((d) => d.length > 0);
  }

  /** The encoding of the text after the longest run of the output's last bytes found in a source. */
  private proposeByText(text: DraftTexts, output: readonly number[], k: number): number[] {
    let tail = '';
    for (let i = output.length - 1; i >= 0 && tail.length < MAX_TAIL_BYTES; i--) tail = text.tokenText(output[i]) + tail;
    tail = tail.slice(-MAX_TAIL_BYTES);
    for (let n = tail.length; n >= MIN_TAIL_BYTES; n--) {
      const needle = tail.slice(-n);
      let found: { source: number; end: number; distance: number } | null = null;
      for (let s = 0; s < text.texts.length; s++) {
        const source = text.texts[s];
        const cursor = this.textCursor[s];
        // The occurrence nearest the cursor, reading on preferred (as for tokens).
        const after = source.indexOf(needle, cursor);
        const before = source.lastIndexOf(needle, cursor - 1);
        for (const at of [after, before]) {
          if (at < 0) continue;
          const end = at + n;
          const d = distance(end, cursor);
          if (end < source.length && (!found || d < found.distance)) found = { source: s, end, distance: d };
        }
      }
      if (found) {
        this.textCursor[found.source] = found.end;
        return this.readOn(text, found.source, found.end, k);
      }
    }
    return [];
  }

  /**
   * `k` tokens of source `s` from byte `at` of its text: the rest of the token `at` falls in,
   * encoded, then the source's own tokens.
   */
  private readOn(text: DraftTexts, s: number, at: number, k: number): number[] {
    const starts = this.tokenStarts[s];
    const source = text.texts[s];
    if (!starts) return text.encode(source.slice(at, at + k * BYTES_PER_DRAFT_TOKEN)).slice(0, k);
    let next = at;
    while (next < source.length && !starts.has(next)) next++;
    const head = next > at ? text.encode(source.slice(at, next)) : [];
    const i = starts.get(next);
    const rest = i === undefined ? [] : this.sources[s].slice(i, i + k);
    return head.concat(rest).slice(0, k);
  }

  /** The longest suffix of `output` (up to MAX_NGRAM) in source `s`, as the position after it. */
  private longestMatch(s: number, output: readonly number[]): { end: number; n: number } | null {
    const tokens = this.sources[s];
    const last = output[output.length - 1];
    const starts = this.positions[s].get(last);
    if (!starts) return null;
    let best: { end: number; n: number } | null = null;
    for (const p of starts) {
      if (p + 1 >= tokens.length) continue; // nothing to propose after it
      let n = 1;
      while (n < MAX_NGRAM && n < output.length && p - n >= 0 && tokens[p - n] === output[output.length - 1 - n]) n++;
      const end = p + 1;
      // Longer matches win; among equals, the one nearest after the cursor (reading on).
      if (!best || n > best.n || (n === best.n && distance(end, this.cursor[s]) < distance(best.end, this.cursor[s]))) best = { end, n };
    }
    return best;
  }
}

/** Reading on (at or after the cursor) is near; going back costs more than going forward. */
function distance(at: number, cursor: number): number {
  return at >= cursor ? at - cursor : (cursor - at) * 4;
}
