import { BINARY_SNIFF_BYTES, MAX_EDITABLE_BYTES } from './limits';

export type FileKind = 'text' | 'binary' | 'too-large';

/**
 * Whether bytes can be edited as text: binary (a NUL byte early on, or not valid UTF-8) and
 * oversized files open read-only and are never written by the editor.
 */
export function classifyFile(bytes: Uint8Array): FileKind {
  if (bytes.byteLength > MAX_EDITABLE_BYTES) return 'too-large';
  const sniff = bytes.subarray(0, BINARY_SNIFF_BYTES);
  if (sniff.includes(0)) return 'binary';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'binary';
  }
  return 'text';
}

/** Secret-looking files are never sent to a model (used by the AI features). */
export function isSecretLooking(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return (
    name === '.env' ||
    name.startsWith('.env.') ||
    /\.(pem|key|p12|pfx|keystore|jks)$/.test(name) ||
    /^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/.test(name) ||
    name === '.npmrc' ||
    name === '.netrc'
  );
}
