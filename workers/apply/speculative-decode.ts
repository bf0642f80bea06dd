/**
 * Speculative edits: greedy decoding of the updated file where each forward pass also checks a
 * draft read from the original (DraftSource). The pass runs [pending token, ...draft]; row i of
 * its logits is what greedy decoding would predict after feed[i], so the longest run of draft
 * tokens equal to those predictions is exactly what token-by-token decoding would produce, and
 * the prediction after the run is the next pending token. The cache is rewound to the accepted
 * tokens (without copying; KvCache.rewind). With no draft (plain mode) it is ordinary greedy
 * decoding, one token per pass. Under a line guard, a draft ends before the first token the
 * guard refuses, since no token after it could be accepted. A draft accepted whole (cut short by
 * the guard or not) doubles the next one's length (long unchanged runs take few passes); a
 * rejection brings it back to the base length.
 *
 * The guard can lead into a dead end: a line after which it allows nothing, not even the end.
 * Decoding then goes back to where that line started (before the token it starts in, with the
 * guard as it was there and the cache rewound) and writes another line there, one the model
 * ranks lower; a line that led nowhere is ruled out at that place. It goes back at most
 * BACKTRACK_LINES lines, so only the output before them streams: what has streamed is never
 * taken back. Both modes go back alike.
 */
import { AbortedError, argmax, type CausalLm } from '../runtime/causal-lm';
import { DraftSource, type DraftTexts } from './draft-source';
import type { LineGuard } from './line-guard';

export interface DecodeApplyOptions {
  /** Token-by-token decoding: the baseline speculative output must equal. */
  plain?: boolean;
  /** Draft length per pass after a rejection (and at the start). */
  draftTokens?: number;
  /** Longest draft, reached by doubling while whole drafts are accepted. */
  maxDraftTokens?: number;
  maxTokens: number;
  /** Limits each choice to tokens that keep the output made of allowed lines (both modes alike). */
  guard?: LineGuard;
  /** The drafts' texts, to re-align by characters (speed only). */
  draftTexts?: DraftTexts;
  signal?: AbortSignal;
  /** Called after each pass with every output token so far. */
  onTokens?: (tokens: readonly number[]) => void;
}

export interface DecodeApplyResult {
  tokens: number[];
  forwardPasses: number;
  /** False when maxTokens was reached before the end token, or the guard allowed nothing more. */
  finished: boolean;
  /** The guard allowed no token and not the end either, even after going back (finished is false). */
  stuck?: boolean;
  /** Dead ends decoding went back from (each rules out the last line it wrote there). */
  backtracks?: number;
}

export const DEFAULT_DRAFT_TOKENS = 32;
export const DEFAULT_MAX_DRAFT_TOKENS = 128;
/** Dead ends of the guard decoding goes back from, at most, before it gives up. */
const MAX_BACKTRACKS = 16;
/** Line starts kept to go back to; the output streams only up to the earliest of them. */
const BACKTRACK_LINES = 4;

/** Rows of prompt per forward pass while reading the prompt. */
const PREFILL_CHUNK = 512;

export async function decodeApply(
  lm: CausalLm,
  prompt: readonly number[],
  drafts: readonly (readonly number[])[],
  opts: DecodeApplyOptions,
): Promise<DecodeApplyResult> {
  const source = new DraftSource(drafts, opts.draftTexts);
  const base = opts.plain ? 0 : (opts.draftTokens ?? DEFAULT_DRAFT_TOKENS);
  const longest = Math.max(base, opts.maxDraftTokens ?? DEFAULT_MAX_DRAFT_TOKENS);
  let k = base;
  let guard = opts.guard;
  const pick = (row: Float32Array) => (guard ? guard.choose(row) : argmax(row));
  const pre = await lm.prefill(prompt, lm.emptyCache(), opts.signal, PREFILL_CHUNK);
  let forwardPasses = Math.ceil(prompt.length / PREFILL_CHUNK);
  let cache = pre.cache;
  let pending = pick(pre.lastLogits);
  const out: number[] = [];
  const room = lm.maxPositions - prompt.length;
  const limit = Math.min(opts.maxTokens, room);
  // Where the last few lines started (at a line start, or before the token a line starts in),
  // with the guard as it was there: where a dead end goes back to.
  const starts: LineStart[] = [];
  let backtracks = 0;
  const write = (token: number) => {
    // (After going back, the start gone back to is already the last one kept.)
    if (guard && (guard.atLineStart() || guard.endsLine(token)) && starts[starts.length - 1]?.at !== out.length) {
      starts.push({ at: out.length, inside: !guard.atLineStart(), guard: guard.clone(), banned: new Set() });
      if (starts.length > BACKTRACK_LINES + 1) starts.shift();
    }
    out.push(token);
    guard?.push(token);
  };
  // The output that no going back can change (all of it once decoding ends).
  const settled = () => (guard ? out.slice(0, starts.length ? starts[0].at : 0) : out);
  for (;;) {
    // A cancel that came during the last pass still cancels: no result.
    if (opts.signal?.aborted) throw new AbortedError();
    if (pending === lm.special.eos) {
      // The guard gives the end token when nothing it allows is left: a dead end, not a finished
      // file. Decoding goes back to the start of the last line it wrote and writes another.
      if (!guard || guard.allows(lm.special.eos)) break;
      const back = backtracks < MAX_BACKTRACKS ? lastWhole(starts, out, guard) : undefined;
      if (!back) return { tokens: out, forwardPasses, finished: false, stuck: true, backtracks };
      backtracks++;
      back.banned.add(guard.nextLine(out.slice(back.at), back.inside)!);
      starts.length = starts.indexOf(back) + 1;
      out.length = back.at;
      guard = back.guard.clone();
      guard.ban(back.banned);
      cache = cache.rewind(prompt.length + Math.max(0, back.at - 1));
      let row = pre.lastLogits;
      if (back.at > 0) {
        const pass = await lm.forward([out[back.at - 1]], cache, opts.signal);
        forwardPasses++;
        cache = pass.cache;
        row = lm.row(pass.logits, 0);
      }
      pending = pick(row);
      k = base;
      continue;
    }
    if (out.length >= limit) return { tokens: out, forwardPasses, finished: false, backtracks };
    write(pending);
    const draft = draftFor(source, out, Math.min(k, limit - out.length, room - out.length - 1), guard, lm.specialIds);
    const feed = [pending, ...draft];
    const pass = await lm.forward(feed, cache, opts.signal);
    forwardPasses++;
    let accepted = 0;
    let next = pick(lm.row(pass.logits, 0));
    while (accepted < draft.length && next === draft[accepted]) {
      write(next);
      accepted++;
      next = pick(lm.row(pass.logits, accepted));
    }
    k = accepted === draft.length && draft.length > 0 ? Math.min(2 * k, longest) : base;
    pending = next;
    cache = accepted < draft.length ? pass.cache.rewind(cache.length + 1 + accepted) : pass.cache;
    opts.onTokens?.(settled());
  }
  opts.onTokens?.(out);
  return { tokens: out, forwardPasses, finished: true, backtracks };
}

/**
 * Where a line of the output starts: at `at`, or (`inside`) after the newline of the token at
 * `at`; the guard before that token, and the lines a dead end ruled out there.
 */
interface LineStart {
  at: number;
  inside: boolean;
  guard: LineGuard;
  banned: Set<string>;
}

/** The last line start kept whose line the output finished. */
function lastWhole(starts: readonly LineStart[], out: readonly number[], guard: LineGuard): LineStart | undefined {
  for (let i = starts.length - 1; i >= 0; i--) {
    if (starts[i].at < out.length && guard.nextLine(out.slice(starts[i].at), starts[i].inside) !== null) return starts[i];
  }
  return undefined;
}

/**
 * The draft to verify after `out`: the source's proposal, up to the first token the guard
 * refuses; where the guard cuts it short, the source's alternative the guard lets go furthest
 * (the proposal read on into lines the output may not have, such as an elision marker or an
 * original line the sketch rewrote, where another source's text goes on).
 */
function draftFor(source: DraftSource, out: readonly number[], k: number, guard: LineGuard | undefined, special: ReadonlySet<number>): number[] {
  const usable = (tokens: number[]) => tokens.filter((t) => !special.has(t));
  let draft = usable(source.propose(out, k));
  if (!guard) return draft;
  let run = guard.allowedRun(draft);
  if (run < draft.length) {
    for (const alternative of source.alternatives(out, k)) {
      const tokens = usable(alternative);
      const n = guard.allowedRun(tokens);
      if (n > run) [draft, run] = [tokens, n];
    }
  }
  return draft.slice(0, run);
}
