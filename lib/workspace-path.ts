import { MAX_PATH_LENGTH, MAX_PATH_SEGMENTS } from './limits';

/** Why a workspace-relative path was refused. */
export class BadPathError extends Error {
  readonly code = 'bad-path';
}

const FORBIDDEN_SEGMENTS = new Set(['', '.', '..', '.git']);

/**
 * Checks a workspace-relative path as the user (or a URL) gave it and returns it in canonical form
 * (`src/index.ts`). Refuses absolute paths, `.`/`..` segments, backslashes, NUL and control
 * characters, percent signs left over from double encoding, and anything inside `.git`.
 * This is the lexical half of the jail; the server also checks the resolved real path.
 */
export function normalizeWorkspacePath(input: string): string {
  if (typeof input !== 'string' || input.length === 0) throw new BadPathError('path is empty');
  if (input.length > MAX_PATH_LENGTH) throw new BadPathError('path is too long');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(input)) throw new BadPathError('path contains control characters');
  if (input.includes('\\')) throw new BadPathError('path contains a backslash');
  if (input.includes('%')) throw new BadPathError('path contains a percent sign (double encoding?)');
  if (input.startsWith('/')) throw new BadPathError('path must be relative to the workspace');
  const segments = input.split('/');
  if (segments.length > MAX_PATH_SEGMENTS) throw new BadPathError('path is too deep');
  for (const segment of segments) {
    if (FORBIDDEN_SEGMENTS.has(segment)) throw new BadPathError(`path segment "${segment}" is not allowed`);
  }
  return segments.join('/');
}

/** The folder part of a canonical path ('' for a top-level entry). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** The last segment of a canonical path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
