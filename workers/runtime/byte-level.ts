/**
 * The GPT-2 byte-level alphabet: byte-level BPE vocabularies spell every token with printable
 * characters standing for bytes. Turning a token back into its bytes lets completion reason about
 * what a token would insert (token healing, stop rules) without decoding whole sequences.
 */
function byteToChar(): string[] {
  const bs: number[] = [];
  for (let b = '!'.charCodeAt(0); b <= '~'.charCodeAt(0); b++) bs.push(b);
  for (let b = '¡'.charCodeAt(0); b <= '¬'.charCodeAt(0); b++) bs.push(b);
  for (let b = '®'.charCodeAt(0); b <= 'ÿ'.charCodeAt(0); b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const table: string[] = new Array(256);
  bs.forEach((b, i) => (table[b] = String.fromCharCode(cs[i])));
  return table;
}

const CHAR_TO_BYTE = new Map(byteToChar().map((c, b) => [c, b]));

/** The bytes a byte-level token stands for. */
export function tokenBytes(token: string): Uint8Array {
  const out = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = CHAR_TO_BYTE.get(token[i]);
    if (b === undefined) throw new Error(`not a byte-level token: ${JSON.stringify(token)}`);
    out[i] = b;
  }
  return out;
}
