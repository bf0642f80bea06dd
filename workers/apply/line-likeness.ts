/**
 * How alike two lines are, as apply's guard judges a line rewritten: by the tokens they share
 * (names split at their word parts, numbers, symbols), in order.
 */

/** How alike two lines must be (shared tokens, 2·common / total) to be one line rewritten. */
export const REWRITE_SIMILARITY = 0.6;

/** Words of the languages themselves: two lines that share only these share no name. */
const KEYWORDS = new Set(
  'this self const let var return await async function def if else elif new true false True False null None undefined for while of in is not and or typeof instanceof throw raise try catch except finally export import from default class extends static void yield break continue switch case do pass public private protected readonly type interface'.split(' '),
);

/** How many distinct names (not keywords, not numbers) a line's tokens hold. */
export function nameCount(t: readonly string[]): number {
  return new Set(t.filter((w) => /[A-Za-z_$]/.test(w) && !KEYWORDS.has(w))).size;
}

/**
 * Whether two lines share at least half the names (whole identifiers, not keywords, string
 * literals aside) of the one with fewer: `host: env.HOST ?? hostname()` and `host: env.HOST ??
 * '0.0.0.0'` do, two `useState` lines of other states do not.
 */
export function sharesNames(a: string, b: string): boolean {
  const [x, y] = [namesOf(a), namesOf(b)];
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return shared > 0 && 2 * shared >= Math.min(x.size, y.size);
}

/** The whole identifiers of a line of code, string literals and keywords aside. */
export function namesOf(key: string): Set<string> {
  return new Set((withoutStrings(key).match(/[A-Za-z_$][\w$]*/g) ?? []).filter((w) => !KEYWORDS.has(w)));
}

/** Whether two lines share a name (not a keyword) or a number. */
export function sharesName(a: readonly string[], b: readonly string[]): boolean {
  const words = new Set(a.filter((t) => /\w/.test(t) && !KEYWORDS.has(t)));
  return b.some((t) => words.has(t));
}

/** How alike two lines are (similarity), counting only lines that share a name or a number, not only punctuation. */
export function likeness(a: readonly string[], b: readonly string[]): number {
  const words = new Set(a.filter((t) => /\w/.test(t)));
  return b.some((t) => words.has(t)) ? similarity(a, b) : 0;
}

/** Names split at their word boundaries (`getAutoAnnotation`: get, Auto, Annotation), numbers, symbols. */
export function tokens(key: string): string[] {
  return key.match(/[A-Z]?[a-z$]+|[A-Z]+(?![a-z])|_|\d+|\S/g) ?? [];
}

/**
 * Tokens of a line of code with each string literal's text left out (its quotes kept): a value
 * rewritten (`'0.0.0.0'` to `hostname()`) weighs as one change, not one per character.
 */
export function codeTokens(key: string): string[] {
  return tokens(withoutStrings(key));
}

/** A line with each string literal's text left out, its quotes kept. */
function withoutStrings(key: string): string {
  return key.replace(/(?<![\w$])(['"`])(?:\\.|(?!\1).)*\1/g, '$1$1');
}

/**
 * Whether a new line extends an old one: it starts with the same name and holds all of the old
 * line's tokens, in order, but the last (`f(a, b);` to `f(a, b, { c });`, `x` to `x ?? y`).
 */
export function extendsLine(old: readonly string[], fresh: readonly string[]): boolean {
  if (old.length < 4 || fresh.length <= old.length || old[0] !== fresh[0] || !/[A-Za-z_$]/.test(old[0]) || KEYWORDS.has(old[0])) return false;
  return commonLength(old, fresh) >= old.length - 1;
}

/**
 * Whether a new line goes on from where an old one stops: it starts with all of the old line's
 * tokens but its closing punctuation, and has more (`out.write(html);` to `out.write(html, (err)
 * => {`). Stricter than extendsLine: no token of the old line is changed.
 */
export function continuesLine(old: readonly string[], fresh: readonly string[]): boolean {
  let end = old.length;
  while (end > 0 && /^[;,)\]}]$/.test(old[end - 1])) end--;
  if (end < 4 || fresh.length <= end || !/[A-Za-z_$]/.test(old[0]) || KEYWORDS.has(old[0])) return false;
  for (let k = 0; k < end; k++) if (old[k] !== fresh[k]) return false;
  return true;
}

/** The length of the longest common subsequence of two token lists. */
function commonLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Int32Array(b.length + 1);
  let row = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) row[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    [prev, row] = [row, prev];
  }
  return prev[b.length];
}

/** 2·(longest common subsequence of tokens) / (tokens in both). */
export function similarity(a: readonly string[], b: readonly string[]): number {
  if (!a.length || !b.length) return 0;
  return (2 * commonLength(a, b)) / (a.length + b.length);
}

/**
 * The name a line of code defines, or null: `function capitalize(`, `const capitalize =`, a
 * method's first line (`static isLinkId(id: string): boolean {`), a field with a modifier
 * (`private static hash =`), Python's `def` and `class`. Not a call (`describe('x', () => {`).
 */
export function definedName(key: string): string | null {
  const m =
    /^(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/.exec(key) ??
    /^(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=/.exec(key) ??
    /^(?:(?:public|private|protected|static|readonly|override)\s+)+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=/.exec(key) ??
    /^(?:(?:public|private|protected|static|async|override|get|set)\s+)*([A-Za-z_$][\w$]*)\s*\([^)]*\)\s*(?::[^{=]+)?\{$/.exec(key) ??
    /^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/.exec(key);
  return m && !KEYWORDS.has(m[1]) ? m[1] : null;
}
