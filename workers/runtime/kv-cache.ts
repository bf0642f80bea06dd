/**
 * A model's key/value cache: per layer, keys and values shaped [1, kvHeads, stride, headDim], of
 * which the first `length` positions are the tokens covered (`rewind` leaves unused positions
 * after them). Values are immutable: a forward pass returns a new cache, so keeping an old one
 * around is a free "copy", and `truncate` makes a shorter one without touching the original.
 */
import { Tensor } from 'onnxruntime-node';

export interface KvShape {
  layers: number;
  kvHeads: number;
  headDim: number;
}

export class KvCache {
  private constructor(
    readonly shape: KvShape,
    /** Tokens covered. */
    readonly length: number,
    /** keys[i], values[i] for layer i. */
    readonly keys: readonly Tensor[],
    readonly values: readonly Tensor[],
  ) {
    this.stride = Number(keys[0]?.dims[2] ?? 0);
  }

  /** Positions per head in the tensors: `length` and then `slack` unused ones. */
  readonly stride: number;

  /** Unused positions after the covered ones (left by `rewind`). */
  get slack(): number {
    return this.stride - this.length;
  }

  static empty(shape: KvShape): KvCache {
    const zero = () => new Tensor('float32', new Float32Array(0), [1, shape.kvHeads, 0, shape.headDim]);
    return new KvCache(shape, 0, Array.from({ length: shape.layers }, zero), Array.from({ length: shape.layers }, zero));
  }

  /** The present tensors of a pass; `length` tokens covered when they hold unused positions. */
  static fromPresent(shape: KvShape, outputs: Record<string, Tensor>, length?: number): KvCache {
    const keys: Tensor[] = [];
    const values: Tensor[] = [];
    for (let i = 0; i < shape.layers; i++) {
      keys.push(outputs[`present.${i}.key`]);
      values.push(outputs[`present.${i}.value`]);
    }
    return new KvCache(shape, length ?? Number(keys[0].dims[2]), keys, values);
  }

  /** Feeds for the next forward pass. */
  feeds(): Record<string, Tensor> {
    const feeds: Record<string, Tensor> = {};
    for (let i = 0; i < this.shape.layers; i++) {
      feeds[`past_key_values.${i}.key`] = this.keys[i];
      feeds[`past_key_values.${i}.value`] = this.values[i];
    }
    return feeds;
  }

  /** The cache of the first `length` tokens, copied into tensors of that size. */
  truncate(length: number): KvCache {
    if (length > this.length) return this;
    if (length < 0) throw new RangeError('length must be >= 0');
    if (length === this.length && this.slack === 0) return this;
    const cut = (t: Tensor) => {
      const { kvHeads, headDim } = this.shape;
      const src = t.data as Float32Array;
      const out = new Float32Array(kvHeads * length * headDim);
      for (let h = 0; h < kvHeads; h++) {
        out.set(src.subarray(h * this.stride * headDim, (h * this.stride + length) * headDim), h * length * headDim);
      }
      return new Tensor('float32', out, [1, kvHeads, length, headDim]);
    };
    return new KvCache(this.shape, length, this.keys.map(cut), this.values.map(cut));
  }

  /**
   * The cache of the first `length` tokens without copying: the same tensors, the positions after
   * `length` left unused (a graph that reads the covered length from the attention mask skips
   * them; CausalLm.forward). Copies only once more than `maxSlack` positions would be unused.
   */
  rewind(length: number, maxSlack = 256): KvCache {
    if (length >= this.length) return this;
    if (length < 0) throw new RangeError('length must be >= 0');
    if (this.stride - length > maxSlack) return this.truncate(length);
    return new KvCache(this.shape, length, this.keys, this.values);
  }

  /** Bytes held (for cache budgets). */
  byteSize(): number {
    return 2 * this.shape.layers * this.shape.kvHeads * this.stride * this.shape.headDim * 4;
  }

  /**
   * Tokens [from, to) as bytes: per layer, keys then values, each [kvHeads, to - from, headDim].
   * The unit a prefix cache stores per block.
   */
  sliceBytes(from: number, to: number): Uint8Array {
    const { layers, kvHeads, headDim } = this.shape;
    const n = to - from;
    const out = new Float32Array(2 * layers * kvHeads * n * headDim);
    let at = 0;
    for (let i = 0; i < layers; i++) {
      for (const t of [this.keys[i], this.values[i]]) {
        const src = t.data as Float32Array;
        for (let h = 0; h < kvHeads; h++) {
          out.set(src.subarray((h * this.stride + from) * headDim, (h * this.stride + to) * headDim), at);
          at += n * headDim;
        }
      }
    }
    return new Uint8Array(out.buffer);
  }

  /** A cache made of consecutive slices from `sliceBytes` (each `blockLength` tokens long). */
  static fromSlices(shape: KvShape, slices: readonly Uint8Array[], blockLength: number): KvCache {
    const { layers, kvHeads, headDim } = shape;
    const length = slices.length * blockLength;
    const keys: Tensor[] = [];
    const values: Tensor[] = [];
    const floats = slices.map((b) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
    for (const f of floats) if (f.length !== 2 * layers * kvHeads * blockLength * headDim) throw new Error('slice does not match the model shape');
    for (let i = 0; i < layers; i++) {
      for (const [kind, target] of [[0, keys], [1, values]] as const) {
        const out = new Float32Array(kvHeads * length * headDim);
        floats.forEach((f, j) => {
          const base = (2 * i + kind) * kvHeads * blockLength * headDim;
          for (let h = 0; h < kvHeads; h++) {
            out.set(f.subarray(base + h * blockLength * headDim, base + (h + 1) * blockLength * headDim), (h * length + j * blockLength) * headDim);
          }
        });
        target.push(new Tensor('float32', out, [1, kvHeads, length, headDim]));
      }
    }
    return new KvCache(shape, length, keys, values);
  }

  /** Serialises to bytes (for a shared cache tier) and back. */
  toBytes(): Uint8Array {
    if (this.slack) return this.truncate(this.length).toBytes();
    const per = this.shape.kvHeads * this.length * this.shape.headDim;
    const out = new Float32Array(2 * this.shape.layers * per);
    for (let i = 0; i < this.shape.layers; i++) {
      out.set(this.keys[i].data as Float32Array, 2 * i * per);
      out.set(this.values[i].data as Float32Array, (2 * i + 1) * per);
    }
    return new Uint8Array(out.buffer);
  }

  static fromBytes(shape: KvShape, bytes: Uint8Array): KvCache {
    const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const per = floats.length / (2 * shape.layers);
    const length = per / (shape.kvHeads * shape.headDim);
    if (!Number.isInteger(length)) throw new Error('cache bytes do not match the model shape');
    const dims = [1, shape.kvHeads, length, shape.headDim];
    const keys: Tensor[] = [];
    const values: Tensor[] = [];
    for (let i = 0; i < shape.layers; i++) {
      keys.push(new Tensor('float32', floats.slice(2 * i * per, (2 * i + 1) * per), dims));
      values.push(new Tensor('float32', floats.slice((2 * i + 1) * per, (2 * i + 2) * per), dims));
    }
    return new KvCache(shape, length, keys, values);
  }
}
