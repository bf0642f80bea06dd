/**
 * A copy model over the file's own text: code repeats itself (names, call shapes, whole lines), and
 * a tiny model predicts repeats poorly. It works on characters, not tokens, so it is not thrown off
 * when the text being written tokenizes differently from its earlier occurrence (mid-word cursors,
 * token healing): find the longest recent stretch of the text so far that occurs earlier in the
 * file, and propose what followed it there.
 */

/** Longest context compared, in characters; longer matches add little certainty. */
const MAX_MATCH_CHARS = 64;
/** Shortest context worth trusting: a few characters match almost anywhere. */
const MIN_MATCH_CHARS = 6;
/** Characters of continuation proposed. */
const CONTINUATION_CHARS = 48;
/** Trust per matched character, and its ceiling. */
const WEIGHT_PER_CHAR = 0.03;
const MAX_WEIGHT = 0.9;

export interface CopyPrediction {
  /** The text that followed the match in the file. */
  continuation: string;
  /** Length of the matched context, in characters. */
  matchLength: number;
}

export class CopyModel {
  /**
   * `source` is the file (prefix and suffix joined); `exclude` is the cursor's offset in it: a match
   * ending there is the cursor itself, whose continuation is the code after it, not a repeat.
   */
  constructor(
    private readonly source: string,
    private readonly exclude: number,
  ) {}

  /** What the file suggests after `context` (only its last characters matter), or null. */
  predict(context: string): CopyPrediction | null {
    // A tail that occurs implies every shorter tail occurs (at the same end), so the longest
    // occurring tail is found by binary search over lengths.
    let lo = MIN_MATCH_CHARS - 1;
    let hi = Math.min(MAX_MATCH_CHARS, context.length);
    let end = -1;
    while (lo < hi) {
      const n = (lo + hi + 1) >> 1;
      const at = this.lastOccurrenceEnd(context.slice(-n));
      if (at >= 0) {
        lo = n;
        end = at;
      } else hi = n - 1;
    }
    if (lo < MIN_MATCH_CHARS) return null;
    const continuation = this.source.slice(end, end + CONTINUATION_CHARS);
    return continuation ? { continuation, matchLength: lo } : null;
  }

  private lastOccurrenceEnd(tail: string): number {
    let at = this.source.lastIndexOf(tail);
    while (at >= 0) {
      const end = at + tail.length;
      if (end !== this.exclude) return end;
      at = at > 0 ? this.source.lastIndexOf(tail, at - 1) : -1;
    }
    return -1;
  }
}

/**
 * Mixes the model's next-token log-probabilities with a copy prediction: the copy's share goes to
 * the longest token that spells the start of its continuation (the way the text was written
 * before), and the longer the matched context, the larger that share. Returns log-probabilities.
 */
export function mixWithCopy(logProbs: Float32Array, copy: CopyPrediction | null, tokenBytes: readonly Uint8Array[], specialIds: ReadonlySet<number>): Float32Array {
  if (!copy) return logProbs;
  const target = new TextEncoder().encode(copy.continuation);
  let best = -1;
  let bestLength = 0;
  for (const id of tokensStartingWith(tokenBytes, target[0])) {
    const b = tokenBytes[id];
    if (b.length <= bestLength || b.length > target.length || specialIds.has(id)) continue;
    let ok = true;
    for (let i = 1; i < b.length; i++) {
      if (b[i] !== target[i]) {
        ok = false;
        break;
      }
    }
    if (ok) {
      best = id;
      bestLength = b.length;
    }
  }
  if (best < 0) return logProbs;
  const weight = Math.min(MAX_WEIGHT, WEIGHT_PER_CHAR * copy.matchLength);
  const out = new Float32Array(logProbs.length);
  const keep = Math.log(1 - weight);
  for (let i = 0; i < logProbs.length; i++) out[i] = logProbs[i] + keep;
  out[best] = Math.log((1 - weight) * Math.exp(logProbs[best]) + weight);
  return out;
}

/** Token ids by their first byte, per vocabulary (built once). */
const byFirstByte = new WeakMap<readonly Uint8Array[], number[][]>();

function tokensStartingWith(tokenBytes: readonly Uint8Array[], byte: number | undefined): readonly number[] {
  if (byte === undefined) return [];
  let index = byFirstByte.get(tokenBytes);
  if (!index) {
    index = Array.from({ length: 256 }, () => [] as number[]);
    tokenBytes.forEach((b, id) => {
      if (b.length > 0) index![b[0]].push(id);
    });
    byFirstByte.set(tokenBytes, index);
  }
  return index[byte];
}
