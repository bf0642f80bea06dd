/**
 * What apply accepts: a text file and a sketch of its new version. Rejections say what is wrong
 * in words a user can act on; nothing is decoded for input that cannot give a sensible file.
 */

/** Files above this are refused (the editor's own limit for live documents is far below it). */
export const MAX_ORIGINAL_CHARS = 512 * 1024;
export const MAX_SKETCH_CHARS = 256 * 1024;

export class ApplyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplyInputError';
  }
}

/** A NUL byte or many replacement characters (bytes that were not UTF-8) mean binary content. */
function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  let bad = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad++;
  return bad > 8 && bad / text.length > 0.01;
}

const COMMENT_OPEN = /^(?:\/\/+|#+|\/\*+|<!--|\{\/\*|--|;+)\s*/;
const COMMENT_CLOSE = /\s*(?:\*+\/\}?|-->)$/;

/**
 * Elision markers: `...` alone, or a comment that starts or ends with an ellipsis (`// ... existing
 * code ...`, `// rest of the file ...`) or says the code is unchanged. A comment with an ellipsis
 * only inside (`// json, xml, ... compress well`) is the file's own.
 */
export function isElisionMarker(line: string): boolean {
  let t = line.trim();
  if (!t) return false;
  const commented = COMMENT_OPEN.test(t);
  t = t.replace(COMMENT_OPEN, '').replace(COMMENT_CLOSE, '').trim();
  if (/^(?:\.\.\.|…)$/.test(t)) return true;
  if (!commented || t.length > 100) return false;
  return /^(?:\.\.\.|…)|(?:\.\.\.|…)\)?$/.test(t) || /^\(?(?:unchanged|rest of|existing|same as)/i.test(t);
}

/**
 * A chat model's note to the reader above its code (`// Refactored with inlined method`,
 * `# Changes: compute_total`): a comment that starts by naming the edit, or a sentence that
 * introduces the code (`Here's the updated function:`), pasted with it. Not part of the file.
 */
export function isChatNote(line: string): boolean {
  const t = line.trim();
  if (PREAMBLE.test(t)) return true;
  if (!COMMENT_OPEN.test(t)) return false;
  const text = t.replace(COMMENT_OPEN, '').replace(COMMENT_CLOSE, '').trim();
  return /^(?:(?:updated|refactored|changed|modified|added|fixed|removed|renamed|moved|extracted|reordered|rewritten|rewrote|simplified|consolidated|implemented)\b|(?:changes|edit|refactor|update|note)\s*:|here(?:'s| is)\b)/i.test(text);
}

/** A chat reply's sentence before its code: `Here's the updated function:`, `Sure! Below is the new code:`. */
const PREAMBLE = /^(?:(?:sure|okay|ok)[,!.]?\s+)?(?:here(?:'s|’s| is| are)|below is|the (?:updated|modified|changed|new|full)|i(?:'ve|’ve| have) (?:updated|changed|added|made|modified|rewritten))\b[^`{}();=]*:$/i;

/** Whether the sketch elides code anywhere (otherwise it is a whole file or a bare snippet). */
export function hasElisionMarkers(sketch: string): boolean {
  return sketch.split('\n').some(isElisionMarker);
}

/** Lines that anchor a sketch to the file: not blank, not a marker, not bare punctuation. */
export function isAnchorLine(line: string): boolean {
  const t = line.trim();
  return t.length >= 4 && /[A-Za-z0-9]/.test(t) && !isElisionMarker(line);
}

/**
 * A sketch that only adds code (no unchanged line to anchor it) still belongs to the file when at
 * least this share of the names it uses already occur there; the model then finds the place. So
 * does one whose last marker is followed by the file's last lines (`})` too), then new code: an
 * addition at the file's end (endRun).
 */
const SAME_FILE_NAME_SHARE = 0.5;

const NAME = /[A-Za-z_$][\w$]{2,}/g;

/** A comment line (`//`, `#`, `/*`, ` * `, `<!--`, `--`): prose, which says little about which file it is for. */
function isCommentLine(line: string): boolean {
  return /^(?:\/\/|#|\/\*|\*(?:\s|\/|$)|<!--|--)/.test(line.trim());
}

/**
 * The share of distinct names (3+ characters) in the sketch's code lines (not its comments) that
 * the file also uses; 1 when the sketch's new lines are comments only.
 */
function sharedNameShare(sketchLines: string[], original: string): number {
  const names = new Set(sketchLines.filter((l) => !isElisionMarker(l) && !isCommentLine(l)).flatMap((l) => l.match(NAME) ?? []));
  if (!names.size) return 1;
  const known = new Set(original.match(NAME));
  let shared = 0;
  for (const n of names) if (known.has(n)) shared++;
  return shared / names.size;
}

export function validateApplyInput(original: unknown, sketch: unknown): { original: string; sketch: string } {
  if (typeof original !== 'string') throw new ApplyInputError('the file must be text');
  if (typeof sketch !== 'string') throw new ApplyInputError('the sketch must be text');
  if (!sketch.trim()) throw new ApplyInputError('the sketch is empty: nothing to apply');
  if (original.length > MAX_ORIGINAL_CHARS) {
    throw new ApplyInputError(`the file is too large to apply (${original.length} characters, limit ${MAX_ORIGINAL_CHARS})`);
  }
  if (sketch.length > MAX_SKETCH_CHARS) {
    throw new ApplyInputError(`the sketch is too large (${sketch.length} characters, limit ${MAX_SKETCH_CHARS})`);
  }
  if (looksBinary(original)) throw new ApplyInputError('the file looks binary; apply works on text files');
  if (looksBinary(sketch)) throw new ApplyInputError('the sketch looks binary; paste code or text');
  if (hasElisionMarkers(sketch) && original.trim()) {
    const sketchLines = sketch.split('\n');
    const fileLines = new Set(original.split('\n').filter(isAnchorLine).map((l) => l.trim()));
    // A part after the last marker that starts with the file's last lines adds code at the end.
    const last = sketchLines.findLastIndex(isElisionMarker);
    const anchored = sketchLines.some((l) => isAnchorLine(l) && fileLines.has(l.trim())) || endRun(sketchLines.slice(last + 1), original.split('\n')) > 0;
    if (!anchored && sharedNameShare(sketchLines, original) < SAME_FILE_NAME_SHARE) {
      throw new ApplyInputError('the sketch refers to existing code ("...") but shares no line with this file: is it meant for another file?');
    }
  }
  return { original, sketch };
}

/**
 * How many lines the file ends with (blank lines after them aside) that `part` starts with, as
 * written (indentation included), where code the file lacks follows them in the part; 0 if none.
 * The returned count includes the file's trailing blank lines, so the span ends at the file's end.
 */
export function endRun(part: string[], fileLines: string[]): number {
  const same = (a: string, b: string) => a.trimEnd() === b.trimEnd();
  let end = fileLines.length;
  while (end > 0 && fileLines[end - 1].trim() === '') end--;
  if (!part.length || part[0].trim() === '') return 0;
  for (let n = Math.min(part.length, end); n >= 1; n--) {
    let k = 0;
    while (k < n && same(part[k], fileLines[end - n + k])) k++;
    if (k !== n) continue;
    const inFile = new Set(fileLines.map((l) => l.trimEnd()));
    return part.slice(n).some((l) => isAnchorLine(l) && !inFile.has(l.trimEnd())) ? fileLines.length - (end - n) : 0;
  }
  return 0;
}
