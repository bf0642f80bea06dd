import { BadPathError, normalizeWorkspacePath } from '../lib/workspace-path';

/**
 * Checks a name typed into the file tree and returns the full workspace path it names, or an
 * error message. The name may contain inner slashes to create nested entries ("src/a.ts").
 * The server validates again; this only gives faster, friendlier feedback.
 */
export function resolveTypedName(parent: string, typed: string): { path: string } | { error: string } {
  const name = typed.trim();
  if (!name) return { error: 'A name is required.' };
  if (name.startsWith('/') || name.endsWith('/')) return { error: 'A name cannot start or end with "/".' };
  if (name.includes('\\')) return { error: 'A name cannot contain a backslash.' };
  if (name.split('/').includes('..')) return { error: 'A name cannot contain "..".' };
  try {
    return { path: normalizeWorkspacePath(parent ? `${parent}/${name}` : name) };
  } catch (e) {
    if (e instanceof BadPathError) return { error: capitalize(e.message) + '.' };
    throw e;
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
