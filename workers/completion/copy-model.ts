/**
 * A copy model over the file's own tokens: code repeats itself (names, call shapes, whole lines),
 * and a tiny model predicts repeats poorly. Given the tokens generated so far (in prefix order),
 * find earlier places in the file whose preceding tokens match the longest current context, and
 * predict the tokens that followed there.
 */

/** Longest context matched; longer matches are rare and cost more to look for. */
const MAX_MATCH = 24;
/** Shortest context worth trusting: one token matches almost everywhere. */
const MIN_MATCH = 3;

export interface CopyPrediction {
  /** Candidate next tokens with their share of the copy mass (sums to 1). */
  candidates: Map<number, number>;
  /** Length of the matched context, in tokens. */
  matchLength: number;
}

export class CopyModel {
  /** Positions of each token in the source, for fast candidate lookup. */
  private positions = new Map<number, number[]>();

  constructor(private readonly source: readonly number[]) {
    source.forEach((t, i) => {
      let list = this.positions.get(t);
      if (!list) this.positions.set(t, (list = []));
      list.push(i);
    });
  }

  /** What the file suggests after `context` (its last tokens matter), or null. */
  predict(context: readonly number[]): CopyPrediction | null {
    if (context.length === 0) return null;
    const last = context[context.length - 1];
    const starts = this.positions.get(last);
    if (!starts) return null;
    let best = 0;
    const votes = new Map<number, number>();
    for (const end of starts) {
      if (end + 1 >= this.source.length) continue;
      let n = 1;
      while (n < MAX_MATCH && n < context.length && end - n >= 0 && this.source[end - n] === context[context.length - 1 - n]) n++;
      if (n < MIN_MATCH) continue;
      if (n > best) {
        best = n;
        votes.clear();
      }
      if (n === best) {
        const next = this.source[end + 1];
        votes.set(next, (votes.get(next) ?? 0) + 1);
      }
    }
    if (best === 0) return null;
    let total = 0;
    for (const v of votes.values()) total += v;
    for (const [k, v] of votes) votes.set(k, v / total);
    return { candidates: votes, matchLength: best };
  }
}

/**
 * Mixes the model's next-token probabilities with a copy prediction: the longer the matched
 * context, the more the copy is trusted. Returns log-probabilities.
 */
export function mixWithCopy(logProbs: Float32Array, copy: CopyPrediction | null): Float32Array {
  if (!copy) return logProbs;
  const weight = Math.min(0.9, 0.1 * copy.matchLength);
  const out = new Float32Array(logProbs.length);
  for (let i = 0; i < logProbs.length; i++) out[i] = Math.log((1 - weight) * Math.exp(logProbs[i]) + 1e-30);
  for (const [token, share] of copy.candidates) {
    out[token] = Math.log((1 - weight) * Math.exp(logProbs[token]) + weight * share);
  }
  return out;
}
