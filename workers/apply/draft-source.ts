/**
 * Drafts for speculative edits: the updated file mostly repeats the original (and the sketch's new
 * code), so the next tokens are proposed by finding where the output's last tokens occur in those
 * texts and reading on from there. The model verifies every proposal; a draft only changes speed.
 */

/** How many of the output's last tokens must match to re-align after a divergence. */
const MAX_NGRAM = 6;

export class DraftSource {
  /** Where each token id occurs in each source, for n-gram lookups. */
  private readonly positions: Map<number, number[]>[];
  /** Per source: the position just after the last accepted match, to prefer reading on. */
  private readonly cursor: number[];

  /** `sources` in order of preference (the original first, then the sketch). */
  constructor(private readonly sources: readonly (readonly number[])[]) {
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
    if (!best) return [];
    this.cursor[best.source] = best.end;
    return this.sources[best.source].slice(best.end, best.end + k);
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
