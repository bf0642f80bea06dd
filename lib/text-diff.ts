/** One replacement turning `before` into `after`: delete `deleteCount` chars at `from`, insert `insert`. */
export interface TextReplacement {
  from: number;
  deleteCount: number;
  insert: string;
}

/**
 * The smallest single replacement between two texts, found by trimming their common prefix and
 * suffix. Used to bring a live document in line with text written from outside the editor (REST
 * writes, files changed on disk) while keeping everything around the change untouched, so
 * collaborators' cursors and pending edits outside it survive. Never splits a UTF-16 surrogate pair.
 */
export function diffText(before: string, after: string): TextReplacement | null {
  if (before === after) return null;
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  if (endBefore < before.length && isLowSurrogate(before.charCodeAt(endBefore))) {
    endBefore++;
    endAfter++;
  }
  return { from: start, deleteCount: endBefore - start, insert: after.slice(start, endAfter) };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
