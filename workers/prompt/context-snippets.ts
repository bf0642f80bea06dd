/**
 * Snippets of the user's other open files for a completion prompt: where each was last edited
 * (recent edits), and the stretch of it that shares the most names with the code just above the
 * cursor (related code). Both depend only on text that does not change while the user types on one
 * line, so the prompt part they make stays the same keystroke after keystroke (its KV cache too).
 */

export interface OpenFile {
  path: string;
  text: string;
  /** Offset of the file's most recent edit, when it has one. */
  lastEditAt?: number;
}

export interface ContextSnippet {
  path: string;
  kind: 'edited' | 'related';
  /** Whole lines of the file. */
  text: string;
}

/** Lines around a recent edit, and per related window. */
const EDITED_LINES = 8;
const RELATED_LINES = 12;
/** Lines above the cursor whose names say what the user is working with. */
const CURSOR_CONTEXT_LINES = 12;
/** A related window must share at least this many distinct names. */
const MIN_SHARED_NAMES = 2;
/** Files searched, and characters read per file (bounds the work per keystroke). */
const MAX_FILES = 4;
const MAX_FILE_CHARS = 200_000;

const KEYWORDS = new Set(
  'const let var function return if else for while do switch case break continue new this class extends import export from default async await try catch finally throw typeof instanceof void delete true false null undefined yield static get set interface type enum implements public private protected readonly declare namespace module require'.split(
    ' ',
  ),
);

function names(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z_$][\w$]{2,}/g)) if (!KEYWORDS.has(m[0])) out.add(m[0]);
  return out;
}

/** The lines around `offset` of `text` (an edit's position), at most `count` of them. */
export function linesAround(text: string, offset: number, count: number): string {
  const lines = text.split('\n');
  let at = 0;
  let line = 0;
  const clamped = Math.max(0, Math.min(offset, text.length));
  while (line < lines.length - 1 && at + lines[line].length < clamped) at += lines[line++].length + 1;
  const start = Math.max(0, line - Math.floor(count / 2));
  return lines.slice(start, start + count).join('\n');
}

/** The window of `text` sharing the most names with `wanted`, or null below the minimum. */
function bestWindow(text: string, wanted: Set<string>): string | null {
  const lines = text.split('\n');
  let best: { score: number; start: number } | null = null;
  const step = RELATED_LINES / 2;
  for (let start = 0; start < lines.length; start += step) {
    const window = names(lines.slice(start, start + RELATED_LINES).join('\n'));
    let score = 0;
    for (const n of window) if (wanted.has(n)) score++;
    if (score >= MIN_SHARED_NAMES && (!best || score > best.score)) best = { score, start };
    if (start + RELATED_LINES >= lines.length) break;
  }
  return best ? lines.slice(best.start, best.start + RELATED_LINES).join('\n') : null;
}

/** The lines just above the cursor line: all the snippets depend on in the current file. */
export function linesAboveCursor(prefix: string): string {
  return prefix.slice(0, prefix.lastIndexOf('\n') + 1).split('\n').slice(-CURSOR_CONTEXT_LINES - 1).join('\n');
}

/**
 * Snippets for a cursor in a file whose text before the cursor is `prefix`: per other open file
 * (most recently edited first), its last-edited lines and its most related window, without
 * repeating a stretch twice.
 */
export function contextSnippets(prefix: string, others: readonly OpenFile[]): ContextSnippet[] {
  const wanted = names(linesAboveCursor(prefix));
  const out: ContextSnippet[] = [];
  for (const file of others.slice(0, MAX_FILES)) {
    const text = file.text.slice(0, MAX_FILE_CHARS);
    let edited: string | null = null;
    if (file.lastEditAt !== undefined) {
      edited = linesAround(text, file.lastEditAt, EDITED_LINES);
      if (edited.trim()) out.push({ path: file.path, kind: 'edited', text: edited });
    }
    const related = wanted.size ? bestWindow(text, wanted) : null;
    if (related && related.trim() && !(edited && (edited.includes(related) || related.includes(edited)))) out.push({ path: file.path, kind: 'related', text: related });
  }
  return out;
}
