/**
 * The fill-in-the-middle prompt for a cursor position, in suffix-prefix-middle order:
 *   <fim_suffix> suffix <fim_prefix> prefix <fim_middle>
 * rendered from line pieces to a token budget: the cursor line is always kept, other lines lose
 * priority with their distance from it (lines after the cursor faster than lines before). Suffix
 * first means a prompt whose prefix grows keystroke by keystroke keeps its cached start.
 *
 * Token healing: a prefix that ends mid-word tokenizes into pieces the model rarely saw before a
 * continuation, so the last token is taken back and generation must begin with its text.
 */
import type { CausalLm } from '../runtime/causal-lm';
import { renderPrompt, splitLines, type PromptPiece } from '../prompt/render-prompt';

/** Characters of context read around the cursor before rendering (bounds tokenizer work). */
const PREFIX_CHARS = 12_000;
const SUFFIX_CHARS = 4_000;
/** Priorities: required pieces aside, the nearest lines rank highest. */
const NEAR = 1_000_000;

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
}

export function fimPrompt(lm: CausalLm, prefix: string, suffix: string, budget: FimBudget, encode: (text: string) => number[] = (t) => lm.encode(t)): FimPrompt {
  const prefixPieces = splitLines(prefix.slice(-PREFIX_CHARS));
  const suffixPieces = splitLines(suffix.slice(0, SUFFIX_CHARS));
  const { fimSuffix, fimPrefix, fimMiddle } = lm.special;
  const pieces: PromptPiece[] = [
    { text: '', tokens: [fimSuffix], priority: NEAR, required: true },
    ...suffixPieces.map((text, d) => ({ text, priority: NEAR - 3 * d - 1, required: d === 0 })),
    { text: '', tokens: [fimPrefix], priority: NEAR, required: true },
    ...prefixPieces.map((text, i) => {
      const d = prefixPieces.length - 1 - i;
      return { text, priority: NEAR - 2 * d, required: d === 0 };
    }),
  ];
  const rendered = renderPrompt(pieces, budget.maxTokens - 1, encode);
  const keptSuffix: number[] = [];
  const keptPrefix: number[] = [];
  for (const i of rendered.kept) {
    if (i === 0 || i === suffixPieces.length + 1) continue;
    const ids = pieces[i].tokens ?? encode(pieces[i].text);
    (i <= suffixPieces.length ? keptSuffix : keptPrefix).push(...ids);
  }
  let heal: Uint8Array = new Uint8Array(0);
  const last = keptPrefix[keptPrefix.length - 1];
  if (last !== undefined) {
    const bytes = lm.tokenBytes[last];
    // A token ending a line is a natural boundary; anything else may be a cut word.
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) {
      heal = bytes;
      keptPrefix.pop();
    }
  }
  return {
    tokens: [fimSuffix, ...keptSuffix, fimPrefix, ...keptPrefix, fimMiddle],
    prefixTokens: keptPrefix,
    suffixTokens: keptSuffix,
    heal,
  };
}
