export interface FuzzyResult {
  score: number;
  /** Indexes into the candidate of the matched characters, for highlighting. */
  positions: number[];
}

/**
 * Subsequence match of `query` in `candidate`, case-insensitive. Scoring rewards runs of
 * consecutive characters, matches at word starts (after / . _ - or a case change), and matches
 * inside the file name rather than its folders, which is what people usually type.
 * Returns null when the query is not a subsequence.
 */
export function fuzzyMatch(query: string, candidate: string): FuzzyResult | null {
  const q = query.toLowerCase().replace(/\s+/g, '');
  if (!q) return { score: 0, positions: [] };
  const c = candidate.toLowerCase();
  const nameStart = candidate.lastIndexOf('/') + 1;

  // Prefer the match that starts as late as possible within the base name: try the greedy match
  // anchored at each start of q[0] and keep the best scoring one.
  let best: FuzzyResult | null = null;
  for (let start = c.indexOf(q[0]); start >= 0; start = c.indexOf(q[0], start + 1)) {
    const result = matchFrom(q, candidate, c, start, nameStart);
    if (!result) break;
    if (!best || result.score > best.score) best = result;
  }
  return best;
}

function matchFrom(q: string, original: string, c: string, start: number, nameStart: number): FuzzyResult | null {
  const positions: number[] = [];
  let score = 0;
  let ci = start;
  for (let qi = 0; qi < q.length; qi++, ci++) {
    ci = c.indexOf(q[qi], ci);
    if (ci < 0) return null;
    const prev = positions[positions.length - 1];
    let charScore = 1;
    if (prev !== undefined && prev === ci - 1) charScore += 5;
    if (isWordStart(original, ci)) charScore += 3;
    if (ci >= nameStart) charScore += 2;
    if (ci === nameStart) charScore += 4;
    score += charScore;
    positions.push(ci);
  }
  // Shorter candidates win ties: "index.ts" over "src/components/index.test.ts".
  score -= original.length * 0.01;
  if (c.slice(nameStart) === q) score += 20;
  return { score, positions };
}

function isWordStart(s: string, i: number): boolean {
  if (i === 0) return true;
  const before = s[i - 1];
  if ('/._- '.includes(before)) return true;
  return before === before.toLowerCase() && s[i] !== s[i].toLowerCase();
}

/** Ranks `candidates` against `query`, best first, at most `limit` of them. */
export function rankFuzzy<T>(query: string, candidates: T[], key: (c: T) => string, limit = 200): Array<{ item: T } & FuzzyResult> {
  const scored: Array<{ item: T } & FuzzyResult> = [];
  for (const item of candidates) {
    const m = fuzzyMatch(query, key(item));
    if (m) scored.push({ item, ...m });
  }
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, limit);
}
