/**
 * A causal language model run with onnxruntime-node, loaded through @huggingface/transformers
 * (model folder or, when configured, a hub id). Forward passes take any number of new tokens on
 * top of a KV cache and return every position's logits, which is all that prefill, step-by-step
 * decoding, verifying K draft tokens and scoring need.
 */
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { tokenBytes } from './byte-level';
import { KvCache, type KvShape } from './kv-cache';
import type { ModelSource } from './model-source';

/** Special tokens the tasks use (names as in training/model/special_tokens.py). */
export interface SpecialTokens {
  eos: number;
  fimPrefix: number;
  fimSuffix: number;
  fimMiddle: number;
  fileSep: number;
  /** Apply task: <|original|> file <|sketch|> sketch <|updated|> updated file <|endoftext|>. */
  original: number;
  sketch: number;
  updated: number;
}

export class AbortedError extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortError';
  }
}

export class CausalLm {
  private constructor(
    private readonly session: InferenceSession,
    private readonly tokenizer: PreTrainedTokenizer,
    readonly shape: KvShape,
    readonly vocabSize: number,
    readonly maxPositions: number,
    readonly special: SpecialTokens,
    /** Bytes of every token id (specials: their literal text). */
    readonly tokenBytes: readonly Uint8Array[],
    private readonly specialStrings: readonly string[],
    /** Ids of all added (special and reserved) tokens: text never produces them. */
    readonly specialIds: ReadonlySet<number>,
    /** The graph's attention takes the covered length from the mask (a rewound cache works as is). */
    private readonly skipsUnusedCache: boolean,
  ) {
    this.keepsLogits = session.inputNames.includes('logits_to_keep');
  }

  /** The graph can leave out the logits of all but the last positions (logits_to_keep). */
  private readonly keepsLogits: boolean;

  static async load(source: ModelSource): Promise<CausalLm> {
    env.allowRemoteModels = source.kind === 'hub';
    let name: string;
    if (source.kind === 'folder') {
      env.localModelPath = source.path.replace(/[^/]+\/?$/, '');
      name = source.path.replace(/\/$/, '').split('/').pop()!;
    } else {
      name = source.id;
    }
    const [tokenizer, model] = await Promise.all([
      AutoTokenizer.from_pretrained(name),
      AutoModelForCausalLM.from_pretrained(name, { dtype: source.dtype ?? 'q8', device: 'cpu', session_options: source.threads ? { intraOpNumThreads: source.threads, interOpNumThreads: 1 } : {} }),
    ]);
    const config = model.config as unknown as Record<string, number>;
    const shape: KvShape = {
      layers: config.num_hidden_layers,
      kvHeads: config.num_key_value_heads,
      headDim: config.head_dim ?? config.hidden_size / config.num_attention_heads,
    };
    const json = (tokenizer as unknown as { _tokenizerJSON: { model: { vocab: Record<string, number> }; added_tokens: { id: number; content: string }[] } })._tokenizerJSON;
    const vocabSize = config.vocab_size;
    const bytes: Uint8Array[] = new Array(vocabSize).fill(new Uint8Array(0));
    for (const [token, id] of Object.entries(json.model.vocab)) {
      try {
        bytes[id] = tokenBytes(token);
      } catch {
        bytes[id] = new TextEncoder().encode(token);
      }
    }
    const specialStrings = json.added_tokens.map((t) => t.content);
    for (const t of json.added_tokens) bytes[t.id] = new TextEncoder().encode(t.content);
    const id = (content: string) => {
      const found = json.added_tokens.find((t) => t.content === content);
      if (!found) throw new Error(`model has no ${content} token`);
      return found.id;
    };
    const special: SpecialTokens = {
      eos: id('<|endoftext|>'),
      fimPrefix: id('<|fim_prefix|>'),
      fimSuffix: id('<|fim_suffix|>'),
      fimMiddle: id('<|fim_middle|>'),
      fileSep: id('<|file_sep|>'),
      original: id('<|original|>'),
      sketch: id('<|sketch|>'),
      updated: id('<|updated|>'),
    };
    const session = (model as unknown as { sessions: { model: InferenceSession } }).sessions.model;
    const specialIds = new Set(json.added_tokens.map((t) => t.id));
    return new CausalLm(session, tokenizer, shape, vocabSize, config.max_position_embeddings ?? 4096, special, bytes, specialStrings, specialIds, usesGroupQueryAttention(source));
  }

  /**
   * Token ids of plain text. Text that looks like a special token (a file containing
   * "<|endoftext|>") is encoded as ordinary characters, never as the special token.
   */
  encode(text: string): number[] {
    if (!text) return [];
    if (!text.includes('<|')) return this.tokenizer.encode(text, { add_special_tokens: false });
    const ids: number[] = [];
    let rest = text;
    for (;;) {
      let at = -1;
      let which = '';
      for (const s of this.specialStrings) {
        const i = rest.indexOf(s);
        if (i >= 0 && (at < 0 || i < at)) [at, which] = [i, s];
      }
      if (at < 0) break;
      if (at > 0) ids.push(...this.tokenizer.encode(rest.slice(0, at), { add_special_tokens: false }));
      // Split inside the marker so the tokenizer cannot recognise it.
      ids.push(...this.tokenizer.encode(which.slice(0, 1), { add_special_tokens: false }));
      ids.push(...this.tokenizer.encode(which.slice(1), { add_special_tokens: false }));
      rest = rest.slice(at + which.length);
    }
    if (rest) ids.push(...this.tokenizer.encode(rest, { add_special_tokens: false }));
    return ids;
  }

  /** Text of token ids; special tokens are dropped. */
  decode(ids: readonly number[]): string {
    // The tokenizer refuses an empty list; an empty output (a window deleted whole) is ''.
    if (!ids.length) return '';
    return this.tokenizer.decode([...ids], { skip_special_tokens: true });
  }

  emptyCache(): KvCache {
    return KvCache.empty(this.shape);
  }

  /**
   * Runs `ids` after the tokens in `past`. Returns the logits of every new position
   * (ids.length x vocabSize, row-major) and the cache covering past + ids. With `lastRowsOnly`,
   * graphs that take logits_to_keep compute the logits of the last position only (a prompt being
   * read needs no others); the last row of the returned block is always the last position's.
   */
  async forward(ids: readonly number[], past: KvCache, signal?: AbortSignal, lastRowsOnly = false): Promise<{ logits: Float32Array; cache: KvCache }> {
    if (signal?.aborted) throw new AbortedError();
    if (ids.length === 0) throw new RangeError('forward needs at least one token');
    // A rewound cache keeps unused positions after the covered ones; only graphs whose attention
    // reads the covered length from the mask (GroupQueryAttention) can skip them.
    if (past.slack && !this.skipsUnusedCache) past = past.truncate(past.length);
    const total = past.length + ids.length;
    const mask = new BigInt64Array(past.stride + ids.length);
    mask.fill(1n, 0, total);
    const feeds: Record<string, Tensor> = {
      input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      attention_mask: new Tensor('int64', mask, [1, mask.length]),
      position_ids: new Tensor('int64', BigInt64Array.from({ length: ids.length }, (_, i) => BigInt(past.length + i)), [1, ids.length]),
      ...past.feeds(),
    };
    if (this.keepsLogits) feeds.logits_to_keep = new Tensor('int64', BigInt64Array.of(BigInt(lastRowsOnly ? 1 : ids.length)), [1]);
    const outputs = (await this.session.run(feeds)) as unknown as Record<string, Tensor>;
    return { logits: outputs.logits.data as Float32Array, cache: KvCache.fromPresent(this.shape, outputs, total) };
  }

  /** Runs a long prompt in chunks (bounded memory for the attention scores). */
  async prefill(ids: readonly number[], past: KvCache, signal?: AbortSignal, chunk = 512): Promise<{ lastLogits: Float32Array; cache: KvCache }> {
    let cache = past;
    let last: Float32Array | null = null;
    for (let i = 0; i < ids.length; i += chunk) {
      const piece = ids.slice(i, i + chunk);
      const out = await this.forward(piece, cache, signal, true);
      cache = out.cache;
      last = out.logits.subarray(out.logits.length - this.vocabSize);
    }
    if (!last) throw new RangeError('prefill needs at least one token');
    return { lastLogits: last, cache };
  }

  /** Row `i` of a logits block. */
  row(logits: Float32Array, i: number): Float32Array {
    return logits.subarray(i * this.vocabSize, (i + 1) * this.vocabSize);
  }
}

/**
 * Whether a model folder's graph is this project's fused export, whose GroupQueryAttention reads
 * how many cached positions count from the attention mask (training/model/fused_graph.py).
 */
function usesGroupQueryAttention(source: ModelSource): boolean {
  if (source.kind !== 'folder') return false;
  const file = join(source.path, 'onnx', (source.dtype ?? 'q8') === 'fp32' ? 'model.onnx' : 'model_quantized.onnx');
  return existsSync(file) && readFileSync(file).includes('GroupQueryAttention');
}

/** Log-probabilities (natural log) of a logits row. */
export function logSoftmax(row: Float32Array): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
  const lse = max + Math.log(sum);
  const out = new Float32Array(row.length);
  for (let i = 0; i < row.length; i++) out[i] = row[i] - lse;
  return out;
}

export function argmax(row: Float32Array): number {
  let best = 0;
  let max = row[0];
  for (let i = 1; i < row.length; i++) {
    const v = row[i];
    if (v > max) {
      max = v;
      best = i;
    }
  }
  return best;
}
