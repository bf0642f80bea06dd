/**
 * Apply: the original file and a lazy sketch of its new version become the full updated file,
 * written by the apply model with speculative edits (the original is the draft). The model
 * rewrites the places the sketch anchors to, or small files whole (apply-windows.ts). The result
 * is all or nothing: a cancelled or unfinished run rejects, so no caller ever sees half a file as
 * the answer.
 */
import type { CausalLm } from '../runtime/causal-lm';
import { ApplyInputError, validateApplyInput } from './apply-input';
import { LineGuard, repeatedLines, toBytes } from './line-guard';
import { planWindows } from './apply-windows';
import { decodeApply } from './speculative-decode';

export interface ApplyRequest {
  original: string;
  sketch: string;
  /** Token-by-token decoding without drafts (the baseline). */
  plain?: boolean;
  signal?: AbortSignal;
  /** Receives the output so far (a growing prefix of the final output). */
  onPartial?: (output: string) => void;
}

export interface ApplyResult {
  output: string;
  ms: number;
  outputTokens: number;
  forwardPasses: number;
}

/** Prompt + output tokens of one window at most: a little past what the apply model was trained on. */
export const APPLY_WINDOW_TOKENS = 1792;
/**
 * Prompt + output tokens of the apply model's longest training examples. Past them it writes
 * worse and slower (words spelt in pieces no draft predicts), so longer windows are cut in pieces.
 */
export const TRAINED_TOKENS = 1536;
/**
 * A sketch with elision markers rewrites the whole file at once only below this cost; above it,
 * the model rewrites the places the sketch anchors to, which it gets right more often. Chosen on
 * the valid suite (`npm run -s bench -- apply --suite valid`; BENCHMARKS.md).
 */
export const WHOLE_FILE_TOKENS = 600;
/** Output may exceed the original window by what the sketch adds, plus this margin. */
const OUTPUT_MARGIN_TOKENS = 64;

export async function applyEdit(lm: CausalLm, request: ApplyRequest): Promise<ApplyResult> {
  const started = performance.now();
  const { original, sketch } = validateApplyInput(request.original, request.sketch);
  // Windows are measured, then encoded for the prompt: each text is encoded once.
  const encoded = new Map<string, number[]>();
  const encode = (text: string) => {
    let ids = encoded.get(text);
    if (!ids) encoded.set(text, (ids = lm.encode(text)));
    return ids;
  };
  const windowCost = (o: string, s: string) => 2 * encode(o).length + encode(s).length + 4;
  // Pieces of windows are measured line by line (each line encoded once): close to the whole.
  const lineTokens = new Map<string, number>();
  const tokensOf = (text: string) => {
    let n = 0;
    for (const line of text.split(/(?<=\n)/)) {
      let t = lineTokens.get(line);
      if (t === undefined) lineTokens.set(line, (t = lm.encode(line).length));
      n += t;
    }
    return n;
  };
  const windows = planWindows(original, sketch, {
    fits: (o, s) => windowCost(o, s) <= APPLY_WINDOW_TOKENS,
    wholeFits: (o, s) => windowCost(o, s) <= WHOLE_FILE_TOKENS,
    // The output is about as long as the longer of the two.
    trainedShare: (o, s) => {
      const [a, b] = [tokensOf(o), tokensOf(s)];
      return (a + b + Math.max(a, b) + 4) / TRAINED_TOKENS;
    },
  });
  // In a window, a line the file has elsewhere too is not one the window keeps once.
  const windowed = windows.some((w) => w.end - w.start < original.length);
  const repeated = windowed ? repeatedLines(original.split('\n')) : undefined;
  let done = '';
  let copiedUpTo = 0;
  let outputTokens = 0;
  let forwardPasses = 0;
  for (const w of windows) {
    done += original.slice(copiedUpTo, w.start);
    const before = original.slice(w.start, w.end);
    const originalIds = encode(before);
    const sketchIds = encode(w.sketch);
    const prompt = [lm.special.original, ...originalIds, lm.special.sketch, ...sketchIds, lm.special.updated];
    const prefix = done;
    // A window around the sketch's anchors (not the file, nor a piece of it rewritten whole).
    const window = !w.ownLines && w.end - w.start < original.length;
    const lines = { original: before.split('\n'), sketch: w.sketch.split('\n'), repeated: w.ownLines ? undefined : repeated, whole: w.ownLines, window, preceded: w.start > 0 };
    const tokenText = tokenTextOf(lm);
    const guard = new LineGuard(lines, tokenText, lm.special.eos, lm.specialIds, w.end < original.length && before.endsWith('\n'), blankLeadOf(lm));
    const encodeBytes = (bytes: string) => lm.encode(Buffer.from(bytes, 'latin1').toString('utf8'));
    // Drafts read on in the original, the sketch, and the sketch as shifted into place if it was pasted at column 0.
    const texts = [toBytes(before), toBytes(w.sketch), ...(guard.shiftedSketch === null ? [] : [guard.shiftedSketch])];
    const sources = [originalIds, sketchIds, ...texts.slice(2).map(encodeBytes)];
    const draftTexts = { texts, tokenText, encode: encodeBytes };
    const decoded = await decodeApply(lm, prompt, sources, {
      plain: request.plain,
      guard,
      draftTexts,
      maxTokens: originalIds.length + sketchIds.length + OUTPUT_MARGIN_TOKENS,
      signal: request.signal,
      onTokens: request.onPartial ? (tokens) => request.onPartial!(prefix + lm.decode(tokens)) : undefined,
    });
    if (decoded.stuck) {
      throw new ApplyInputError('the apply model could not finish the file from the lines of the file and the sketch; the file was left unchanged');
    }
    if (!decoded.finished) {
      throw new ApplyInputError('the apply model did not finish the file (it kept writing past the expected length); the file was left unchanged');
    }
    done += lm.decode(decoded.tokens);
    outputTokens += decoded.tokens.length;
    forwardPasses += decoded.forwardPasses;
    copiedUpTo = w.end;
  }
  done += original.slice(copiedUpTo);
  request.onPartial?.(done);
  return { output: done, ms: Math.round((performance.now() - started) * 10) / 10, outputTokens, forwardPasses };
}

const tokenTexts = new WeakMap<CausalLm, (id: number) => string>();
const blankLeads = new WeakMap<CausalLm, (shape: string) => readonly number[]>();

/**
 * Where the apply model's tokens of blanks alone end in a line's leading spaces, the line read as
 * it starts after a newline or a blank line (LineGuard's blankLead); shapes are bytes, one char
 * per byte.
 */
function blankLeadOf(lm: CausalLm): (shape: string) => readonly number[] {
  let lead = blankLeads.get(lm);
  if (!lead) {
    const known = new Map<string, number[]>();
    const text = tokenTextOf(lm);
    lead = (shape) => {
      let ends = known.get(shape);
      if (!ends) {
        ends = [];
        // After a newline, or after a blank line (the newlines may be one token with the blanks).
        for (const before of ['\n', '\n\n']) {
          let n = -before.length;
          for (const id of lm.encode(before + Buffer.from(shape, 'latin1').toString('utf8'))) {
            const t = text(id);
            if (t.trim() !== '') break;
            n += t.length;
            if (n > 0 && !ends.includes(n)) ends.push(n);
          }
        }
        known.set(shape, ends);
      }
      return ends;
    };
    blankLeads.set(lm, lead);
  }
  return lead;
}

/** Bytes of each token id as a string of one char per byte (LineGuard's view of tokens). */
function tokenTextOf(lm: CausalLm): (id: number) => string {
  let text = tokenTexts.get(lm);
  if (!text) {
    const cache: string[] = [];
    text = (id) => (cache[id] ??= Buffer.from(lm.tokenBytes[id]).toString('latin1'));
    tokenTexts.set(lm, text);
  }
  return text;
}
