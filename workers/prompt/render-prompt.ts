/**
 * Priority-based prompt rendering, in the spirit of priompt: a prompt is a list of pieces, each
 * with a priority; rendering keeps every piece whose priority is at or above a cutoff, choosing the
 * lowest cutoff whose pieces fit the token budget (binary search over the distinct priorities).
 * Pieces keep their order, so parts that change least can be put first and successive renders
 * share the longest possible token prefix.
 *
 * Key promise: the result never exceeds the budget, always holds the pieces marked `required`
 * when they fit on their own, and is a pure function of its input.
 */

export interface PromptPiece {
  /** Text to encode, or ready token ids (special tokens, which text can never produce). */
  text: string;
  tokens?: readonly number[];
  priority: number;
  /** Kept whatever the budget (e.g. the cursor line); rendering fails if these alone overflow. */
  required?: boolean;
}

export interface RenderedPrompt {
  /** Token ids of the kept pieces, in piece order. */
  tokens: number[];
  /** Indices of the kept pieces. */
  kept: number[];
  /** The priority cutoff used (pieces below it were dropped). */
  cutoff: number;
}

export class PromptOverflowError extends Error {}

/**
 * `encode` must be additive over pieces (encode(a + b) == encode(a) ++ encode(b)) for the count to
 * be exact; `lineTokenizer` below makes line pieces so.
 */
export function renderPrompt(pieces: readonly PromptPiece[], budget: number, encode: (text: string) => number[]): RenderedPrompt {
  const encoded = pieces.map((p) => p.tokens ?? encode(p.text));
  const requiredTokens = pieces.reduce((n, p, i) => n + (p.required ? encoded[i].length : 0), 0);
  if (requiredTokens > budget) throw new PromptOverflowError(`required pieces need ${requiredTokens} tokens; the budget is ${budget}`);
  const levels = [...new Set(pieces.filter((p) => !p.required).map((p) => p.priority))].sort((a, b) => a - b);
  const sizeAt = (cutoff: number) => pieces.reduce((n, p, i) => n + (p.required || p.priority >= cutoff ? encoded[i].length : 0), 0);
  // Lowest level index whose kept pieces fit; levels.length means "required pieces only".
  let lo = 0;
  let hi = levels.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sizeAt(levels[mid]) <= budget) hi = mid;
    else lo = mid + 1;
  }
  const cutoff = lo < levels.length ? levels[lo] : Infinity;
  const kept: number[] = [];
  const tokens: number[] = [];
  pieces.forEach((p, i) => {
    if (p.required || p.priority >= cutoff) {
      kept.push(i);
      tokens.push(...encoded[i]);
    }
  });
  return { tokens, kept, cutoff };
}

/**
 * Splits text into line pieces whose tokens can be computed one by one: a piece starts at a "\n"
 * that follows a non-blank character (blank lines and trailing spaces stay with the next piece).
 * A GPT-2 style byte-level pre-tokenizer never joins a non-space character with the whitespace
 * after it, so encoding the pieces separately equals encoding the whole text, and each line's
 * tokens can be cached between keystrokes.
 */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i > start && !/\s/.test(text[i - 1])) {
      out.push(text.slice(start, i));
      start = i;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** Memoises an encoder per piece text (a keystroke changes one line; the rest come from here). */
export function cachedEncoder(encode: (text: string) => number[], capacity = 20_000): (text: string) => number[] {
  const cache = new Map<string, number[]>();
  return (text) => {
    const hit = cache.get(text);
    if (hit) {
      cache.delete(text);
      cache.set(text, hit);
      return hit;
    }
    const ids = encode(text);
    cache.set(text, ids);
    if (cache.size > capacity) cache.delete(cache.keys().next().value!);
    return ids;
  };
}
