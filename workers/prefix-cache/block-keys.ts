import { createHash } from 'node:crypto';

/**
 * vLLM-style block keys: the prompt is cut into fixed-size token blocks and each block's key hashes
 * its parent's key with its own tokens, so a key names the whole prefix up to that block. Only
 * full blocks get keys. `namespace` separates models (a cache is only valid for the model that
 * made it).
 */
export function blockKeys(tokens: readonly number[], blockSize: number, namespace: string): string[] {
  const keys: string[] = [];
  let parent = createHash('sha256').update(namespace).digest('hex').slice(0, 32);
  for (let start = 0; start + blockSize <= tokens.length; start += blockSize) {
    const block = Uint32Array.from(tokens.slice(start, start + blockSize));
    parent = createHash('sha256').update(parent).update(new Uint8Array(block.buffer)).digest('hex').slice(0, 32);
    keys.push(parent);
  }
  return keys;
}
