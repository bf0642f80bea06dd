/**
 * The fill-in-the-middle prompt for a cursor position, in suffix-prefix-middle order:
 *   <fim_suffix> suffix <fim_prefix> prefix <fim_middle>
 * Suffix first means a prompt whose prefix grows keystroke by keystroke keeps its cached start.
 *
 * Token healing: a prefix that ends mid-word tokenizes into pieces the model rarely saw before a
 * continuation, so the last token is taken back and generation must begin with its text.
 */
import type { CausalLm } from '../runtime/causal-lm';

/** Characters of context read around the cursor before tokenizing (bounds tokenizer work). */
const PREFIX_CHARS = 6000;
const SUFFIX_CHARS = 2000;

export interface FimPrompt {
  tokens: number[];
  /** Prefix tokens (after healing) in document order, followed by suffix tokens: copy source. */
  prefixTokens: number[];
  suffixTokens: number[];
  /** Bytes the completion must start with (the taken-back token), possibly empty. */
  heal: Uint8Array;
}

export interface FimBudget {
  /** Total prompt tokens (the model's comfortable context). */
  maxTokens: number;
  /** At most this many go to the suffix. */
  maxSuffixTokens: number;
}

export function fimPrompt(lm: CausalLm, prefix: string, suffix: string, budget: FimBudget): FimPrompt {
  let prefixTokens = lm.encode(prefix.slice(-PREFIX_CHARS));
  let suffixTokens = lm.encode(suffix.slice(0, SUFFIX_CHARS));
  let heal: Uint8Array = new Uint8Array(0);
  const last = prefixTokens[prefixTokens.length - 1];
  if (last !== undefined) {
    const bytes = lm.tokenBytes[last];
    // A token ending a line is a natural boundary; anything else may be a cut word.
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) {
      heal = bytes;
      prefixTokens = prefixTokens.slice(0, -1);
    }
  }
  suffixTokens = suffixTokens.slice(0, budget.maxSuffixTokens);
  const room = Math.max(16, budget.maxTokens - suffixTokens.length - 3);
  prefixTokens = prefixTokens.slice(-room);
  const { fimSuffix, fimPrefix, fimMiddle } = lm.special;
  return {
    tokens: [fimSuffix, ...suffixTokens, fimPrefix, ...prefixTokens, fimMiddle],
    prefixTokens,
    suffixTokens,
    heal,
  };
}
