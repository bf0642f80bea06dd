import { BadPathError, normalizeWorkspacePath } from '../lib/workspace-path';
import { RequestError } from './errors';

/** A workspace path from a request in canonical form, or a 400 `bad-path` RequestError. */
export function canonicalPath(path: string): string {
  try {
    return normalizeWorkspacePath(path);
  } catch (e) {
    if (e instanceof BadPathError) throw new RequestError(400, 'bad-path', e.message);
    throw e;
  }
}
