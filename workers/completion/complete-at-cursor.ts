/**
 * Completion at a cursor: the text to insert between prefix and suffix. Greedy decoding over the
 * model mixed with a copy model of the file, token healing at the cursor, and stop rules for a
 * natural end: end of text, end of line when the cursor is mid-line, a line that repeats the code
 * after the cursor, or a line budget.
 */
import { argmax, logSoftmax, type CausalLm } from '../runtime/causal-lm';
import { decodeTokens, type DecodeState } from '../runtime/decode';
import { CopyModel, mixWithCopy } from './copy-model';
import type { PrefixCache } from '../prefix-cache/prefix-cache';
import type { ContextSnippet } from '../prompt/context-snippets';
import { fimPrompt, type FimBudget } from './fim-prompt';

export interface CompletionRequest {
  prefix: string;
  suffix: string;
  maxTokens?: number;
  maxLines?: number;
  signal?: AbortSignal;
  /**
   * Confidence gate: generation stops before the first token less likely than this (natural-log
   * probability), and the completion is the confident part, cut back to a word boundary.
   */
  minLogProb?: number;
  /** Called as the completion grows (cleaned as the final one would be), for streaming. */
  onPartial?: (partial: PartialCompletion) => void;
  /** Snippets of the user's other open files (recent edits, related code). */
  snippets?: readonly ContextSnippet[];
}

export interface PartialCompletion {
  completion: string;
  replace: number;
}

export interface CompletionResult {
  completion: string;
  /**
   * Characters after the cursor the completion replaces: closers an editor inserted ahead of the
   * cursor (auto-closed brackets and quotes) that the completion writes itself, in order.
   */
  replace: number;
  /** Generated tokens and the mean natural-log probability the model gave them (confidence). */
  tokens: number;
  meanLogProb: number;
  /** The least likely token's log-probability: one doubtful token can spoil a line. */
  minLogProb: number;
  /** Generation stopped at a token below the confidence gate. */
  gated: boolean;
  /** Where the time went (for benchmarks and logs). */
  timings: CompletionTimings;
}

export interface CompletionTimings {
  /** Rendering the prompt to tokens. */
  promptMs: number;
  /** Prefix-cache lookup and assembling the cached KV. */
  lookupMs: number;
  /** Prompt tokens computed (not found in the cache) and the time they took. */
  prefillTokens: number;
  prefillMs: number;
  /** Generating the completion. */
  decodeMs: number;
}

/** A line or a short block: longer guesses are rarely right and cost attention. */
const DEFAULT_MAX_TOKENS = 64;
const DEFAULT_MAX_LINES = 8;
/** Text of the file the copy model searches for repeats (before the cursor; a quarter of it after). */
const COPY_CONTEXT_CHARS = 16_000;
/**
 * Prompt tokens for Tab. Held-out line completion is the same at 384, 640 and 1,024 tokens
 * (BENCHMARKS.md), while every decode step pays for each token of context: keep it short.
 */
export const DEFAULT_BUDGET: FimBudget = { maxTokens: 512 };

export interface CompletionContext {
  /** Reuses the KV cache of earlier prompts' shared prefix (successive keystrokes). */
  prefixCache?: PrefixCache;
  /** Memoised encoder for prompt pieces. */
  encode?: (text: string) => number[];
  budget?: FimBudget;
}

export async function completeAtCursor(lm: CausalLm, req: CompletionRequest, ctx: CompletionContext = {}): Promise<CompletionResult> {
  const started = performance.now();
  const prompt = fimPrompt(lm, req.prefix, req.suffix, ctx.budget ?? DEFAULT_BUDGET, ctx.encode, req.snippets);
  const prompted = performance.now();
  const hit = ctx.prefixCache ? await ctx.prefixCache.lookup(prompt.tokens) : null;
  const looked = performance.now();
  const { lastLogits, cache } = await lm.prefill(prompt.tokens.slice(hit?.length ?? 0), hit?.cache ?? lm.emptyCache(), req.signal);
  if (ctx.prefixCache) await ctx.prefixCache.store(prompt.tokens, cache, (hit?.length ?? 0) / ctx.prefixCache.blockTokens);
  const prefilled = performance.now();
  const state: DecodeState = { cache, lastLogits };
  const healText = prompt.heal;
  const healString = decodeBytes([...healText]);
  // The text before the cursor without the taken-back token; generated text is appended to it.
  const before = req.prefix.slice(-COPY_CONTEXT_CHARS);
  const beforeHeal = before.endsWith(healString) ? before.slice(0, before.length - healString.length) : before;
  // The copy model also searches the snippets in the prompt: names repeat across files too.
  const copy = new CopyModel(prompt.contextText + before + req.suffix.slice(0, COPY_CONTEXT_CHARS / 4), prompt.contextText.length + before.length);

  const suffixLineEnd = req.suffix.indexOf('\n');
  const restOfLine = suffixLineEnd < 0 ? req.suffix : req.suffix.slice(0, suffixLineEnd);
  const midLine = restOfLine.trim().length > 0;
  const nextLines = req.suffix
    .slice(suffixLineEnd + 1)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  // Several lines only where a block is being started or written into (a blank line, or a line
  // ending in an opener); otherwise the rest of the current line, as a reader would expect.
  const prefixLine = req.prefix.slice(req.prefix.lastIndexOf('\n') + 1);
  const startsBlock = prefixLine.trim() === '' || /([{(\[:]|=>)\s*$/.test(prefixLine);
  const maxLines = midLine || !startsBlock ? 1 : (req.maxLines ?? DEFAULT_MAX_LINES);
  // Lines indented less than the cursor line belong to an outer block: a completion stops there
  // (a closing line at the same depth, as after an opener, may still come).
  const blockIndent = indentOf(prefixLine);

  const out: number[] = [];
  let bytes: number[] = [];
  let logProbSum = 0;
  let minLogProb = 0;
  let picked = 0;
  let gated = false;
  let unconfidentToken = -1;
  const pick = (logits: Float32Array) => {
    let logProbs = mixWithCopy(logSoftmax(logits), copy.predict(beforeHeal + decodeBytes(bytes)), lm.tokenBytes, lm.specialIds);
    if (bytes.length < healText.length) logProbs = constrainToHeal(lm, logProbs, healText, bytes);
    const token = argmax(logProbs);
    picked = logProbs[token];
    return token;
  };
  const healLength = healString.length;
  // Judged on the text so far: a token that starts a new line is kept, and the trim below cuts
  // what lies past the natural end.
  const stopBefore = (token: number) => {
    if (req.minLogProb !== undefined && picked < req.minLogProb) {
      gated = true;
      unconfidentToken = token;
      return true;
    }
    const text = decodeBytes(bytes).slice(healLength);
    const lines = text.split('\n');
    if (lines.length > maxLines) return true;
    // A completed line that repeats the code after the cursor: the completion has reached it.
    const done = lines.slice(0, -1).map((l) => l.trim());
    if (done.length > 0 && done[done.length - 1] && nextLines[0] === done[done.length - 1]) return true;
    // A finished line indented less than the cursor's block has left the block: the end.
    if (lines.length > 2 && leavesBlock(lines.slice(1, -1), blockIndent)) return true;
    return false;
  };
  const clean = (text: string) => trimCompletion(text, maxLines === 1, nextLines[0], blockIndent);
  let streamed = '';
  for await (const token of decodeTokens(lm, state, { maxTokens: req.maxTokens ?? DEFAULT_MAX_TOKENS, signal: req.signal, pick, stopBefore })) {
    out.push(token);
    logProbSum += picked;
    minLogProb = Math.min(minLogProb, picked);
    bytes = [...bytes, ...lm.tokenBytes[token]];
    if (req.onPartial) {
      const partial = clean(decodeBytes(bytes).slice(healLength));
      if (partial.trim() && partial !== streamed) {
        streamed = partial;
        req.onPartial({ completion: partial, replace: closersReplaced(partial, restOfLine) });
      }
    }
  }
  let completion = decodeBytes(bytes).slice(healLength);
  // A gate cut inside a word would suggest half a name: keep only whole words.
  if (gated) completion = cutToWordBoundary(completion, decodeBytes([...lm.tokenBytes[unconfidentToken]]));
  completion = clean(completion);
  if (!completion.trim()) completion = '';
  const timings: CompletionTimings = {
    promptMs: prompted - started,
    lookupMs: looked - prompted,
    prefillTokens: prompt.tokens.length - (hit?.length ?? 0),
    prefillMs: prefilled - looked,
    decodeMs: performance.now() - prefilled,
  };
  return { completion, replace: closersReplaced(completion, restOfLine), tokens: out.length, meanLogProb: out.length ? logProbSum / out.length : 0, minLogProb, gated, timings };
}

/**
 * When the rest of the line holds only closing brackets and quotes and the completion contains
 * them in order, the completion replaces them (otherwise the line would end up with both).
 */
export function closersReplaced(completion: string, restOfLine: string): number {
  const rest = restOfLine.trimEnd();
  if (!rest || !/^[)\]}'"`;,]+$/.test(rest) || completion.includes('\n')) return 0;
  let at = 0;
  for (const ch of rest) {
    at = completion.indexOf(ch, at);
    if (at < 0) return 0;
    at++;
  }
  return rest.length;
}

/** `text` without a trailing part word that `next` (the text that would follow) continues. */
export function cutToWordBoundary(text: string, next: string): string {
  if (!/\w$/.test(text) || !/^\w/.test(next)) return text;
  return text.replace(/\w+$/, '');
}

/** Only tokens consistent with the taken-back text may come first. */
function constrainToHeal(lm: CausalLm, logProbs: Float32Array, heal: Uint8Array, produced: number[]): Float32Array {
  const remaining = heal.subarray(produced.length);
  const out = new Float32Array(logProbs.length).fill(-Infinity);
  for (let id = 0; id < logProbs.length; id++) {
    const b = lm.tokenBytes[id];
    if (b.length === 0 || id === lm.special.eos) continue;
    const n = Math.min(b.length, remaining.length);
    let ok = true;
    for (let i = 0; i < n; i++) if (b[i] !== remaining[i]) ok = false;
    if (ok) out[id] = logProbs[id];
  }
  return out;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function leavesBlock(lines: string[], blockIndent: number): boolean {
  return lines.some((l) => l.trim() !== '' && indentOf(l) < blockIndent);
}

function decodeBytes(bytes: number[]): string {
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Drops a trailing line that duplicates the suffix and, mid-line, anything past the line end. */
function trimCompletion(text: string, midLine: boolean, nextLine: string | undefined, blockIndent: number): string {
  if (midLine) {
    const nl = text.indexOf('\n');
    return nl < 0 ? text : text.slice(0, nl);
  }
  let lines = text.split('\n');
  const out = lines.findIndex((l, i) => i > 0 && l.trim() !== '' && indentOf(l) < blockIndent);
  if (out > 0) lines = lines.slice(0, out);
  while (lines.length > 1 && nextLine && lines[lines.length - 1].trim() === nextLine) lines.pop();
  return lines.join('\n').replace(/\n+$/, '');
}
