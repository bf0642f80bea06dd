/**
 * The fill-in-the-middle prompt for a cursor position, in suffix-prefix-middle order, after
 * snippets of the user's other open files (recent edits and related code, see context-snippets.ts):
 *   snippets <eos> <fim_suffix> suffix <fim_prefix> prefix <fim_middle>
 * rendered from pieces to a token budget: the cursor line is always kept, other lines lose
 * priority with their distance from it in blocks of lines (lines after the cursor faster than
 * lines before); a snippet ranks like a line SNIPPET_DISTANCE lines away. The parts that change least come first:
 * snippets change when the user moves to another line or file, the suffix when the cursor moves,
 * the prefix with every keystroke, so successive keystrokes keep the cached start of the prompt.
 *
 * Token healing: a prefix that ends mid-word tokenizes into pieces the model rarely saw before a
 * continuation, so the last token is taken back and generation must begin with its text.
 */
import type { CausalLm } from '../runtime/causal-lm';
import type { ContextSnippet } from '../prompt/context-snippets';
import { renderPrompt, splitLines, type PromptPiece } from '../prompt/render-prompt';

/** Characters of context read around the cursor before rendering (bounds tokenizer work). */
const PREFIX_CHARS = 12_000;
const SUFFIX_CHARS = 4_000;
/** Priorities: required pieces aside, the nearest lines rank highest. */
const NEAR = 1_000_000;
/** Distance (in lines before the cursor) a snippet of another file ranks like. */
const SNIPPET_DISTANCE = 60;

export interface FimPrompt {
  tokens: number[];
  /** Prefix tokens (after healing) in document order, followed by suffix tokens: copy source. */
  prefixTokens: number[];
  suffixTokens: number[];
  /** Bytes the completion must start with (the taken-back token), possibly empty. */
  heal: Uint8Array;
  /** Text of the snippets kept (the copy model searches it too). */
  contextText: string;
}

/**
 * Lines rank by distance from the cursor in blocks of LINE_BLOCK lines, the blocks fixed to the
 * document (counted from its start above the cursor, from its end below it), so the budget drops
 * a whole block at a time. Typing on one line, or adding lines, then leaves the kept window (and
 * the cached prompt) alone until a block has to go, instead of shifting it line by line.
 */
const LINE_BLOCK = 8;

function count(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/**
 * Block distance from the cursor of each piece. `lines` counts the newlines of the whole text on
 * that side; pieces run away from the cursor for 'after' and towards it for 'before'.
 */
function blockDistances(pieces: readonly string[], lines: number, side: 'before' | 'after'): number[] {
  const out = new Array<number>(pieces.length);
  const cursorBlock = Math.floor(lines / LINE_BLOCK);
  let passed = 0;
  if (side === 'before') {
    // A piece's last line, counted from the start of the document.
    for (let i = pieces.length - 1; i >= 0; i--) {
      out[i] = cursorBlock - Math.floor((lines - passed) / LINE_BLOCK);
      passed += count(pieces[i], '\n');
    }
  } else {
    // A piece's last line, counted from the end of the document.
    for (let i = 0; i < pieces.length; i++) {
      passed += count(pieces[i], '\n');
      out[i] = cursorBlock - Math.floor((lines - passed) / LINE_BLOCK);
    }
  }
  return out;
}

/** How a snippet reads in the prompt: a comment naming its file, then its lines. */
export function snippetText(s: ContextSnippet): string {
  return `// ${s.path}${s.kind === 'edited' ? ' (recently edited)' : ''}\n${s.text}\n`;
}

export interface FimBudget {
  /** Total prompt tokens (the model's comfortable context). */
  maxTokens: number;
}

export function fimPrompt(
  lm: CausalLm,
  prefix: string,
  suffix: string,
  budget: FimBudget,
  encode: (text: string) => number[] = (t) => lm.encode(t),
  snippets: readonly ContextSnippet[] = [],
): FimPrompt {
  const prefixPieces = splitLines(prefix.slice(-PREFIX_CHARS));
  const suffixPieces = splitLines(suffix.slice(0, SUFFIX_CHARS));
  const { fimSuffix, fimPrefix, fimMiddle, eos } = lm.special;
  const prefixBlocks = blockDistances(prefixPieces, count(prefix, '\n'), 'before');
  const suffixBlocks = blockDistances(suffixPieces, count(suffix, '\n'), 'after');
  const snippetPieces: PromptPiece[] = snippets.map((s, i) => ({ text: snippetText(s), priority: NEAR - 2 * SNIPPET_DISTANCE - i }));
  // Pieces of the FIM part are indexed from here on.
  const base = snippetPieces.length + 1;
  const pieces: PromptPiece[] = [
    ...snippetPieces,
    // End of text before the FIM part, as between training examples: the snippets are other documents.
    { text: '', tokens: [eos], priority: NEAR, required: true },
    { text: '', tokens: [fimSuffix], priority: NEAR, required: true },
    ...suffixPieces.map((text, d) => ({ text, priority: NEAR - 3 * LINE_BLOCK * suffixBlocks[d] - 1, required: d === 0 })),
    { text: '', tokens: [fimPrefix], priority: NEAR, required: true },
    ...prefixPieces.map((text, i) => {
      const d = prefixPieces.length - 1 - i;
      return { text, priority: NEAR - 2 * LINE_BLOCK * prefixBlocks[i], required: d === 0 };
    }),
  ];
  const rendered = renderPrompt(pieces, budget.maxTokens - 1, encode);
  const keptSuffix: number[] = [];
  const keptPrefix: number[] = [];
  const keptSnippets: number[] = [];
  let contextText = '';
  for (const i of rendered.kept) {
    if (i < snippetPieces.length) {
      keptSnippets.push(...encode(pieces[i].text));
      contextText += pieces[i].text;
      continue;
    }
    const j = i - base;
    if (j < 0 || j === 0 || j === suffixPieces.length + 1) continue;
    const ids = pieces[i].tokens ?? encode(pieces[i].text);
    (j <= suffixPieces.length ? keptSuffix : keptPrefix).push(...ids);
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
    tokens: [...keptSnippets, eos, fimSuffix, ...keptSuffix, fimPrefix, ...keptPrefix, fimMiddle],
    prefixTokens: keptPrefix,
    suffixTokens: keptSuffix,
    heal,
    contextText,
  };
}
