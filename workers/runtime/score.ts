/**
 * How well the model predicts text: natural-log loss summed over every token of each file, each
 * file scored on its own after an end-of-text token (as files start in training), long files in
 * windows that overlap by half so every token has at least half a window of context.
 */
import { logSoftmax, type CausalLm } from './causal-lm';

export interface ScoreResult {
  bytes: number;
  nats: number;
  bitsPerByte: number;
}

export async function scoreTexts(lm: CausalLm, texts: readonly string[], window: number, signal?: AbortSignal): Promise<ScoreResult> {
  let bytes = 0;
  let nats = 0;
  for (const text of texts) {
    bytes += new TextEncoder().encode(text).byteLength;
    nats += await scoreText(lm, text, window, signal);
  }
  return { bytes, nats, bitsPerByte: bytes ? nats / Math.LN2 / bytes : 0 };
}

export async function scoreText(lm: CausalLm, text: string, window: number, signal?: AbortSignal): Promise<number> {
  const tokens = [lm.special.eos, ...lm.encode(text)];
  const stride = Math.max(1, Math.floor(window / 2));
  let nats = 0;
  let scoredUpTo = 0; // tokens[1..scoredUpTo] have been scored
  for (let start = 0; scoredUpTo < tokens.length - 1; start += stride) {
    const end = Math.min(tokens.length, start + window);
    const { logits } = await lm.forward(tokens.slice(start, end), lm.emptyCache(), signal);
    for (let j = Math.max(scoredUpTo + 1, start + 1); j < end; j++) {
      nats -= logSoftmax(lm.row(logits, j - 1 - start))[tokens[j]];
    }
    scoredUpTo = end - 1;
  }
  return nats;
}
