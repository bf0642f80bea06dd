/** Files and sketches the apply tests share (socket-level and in the browser). */

/** A small TypeScript file: the whole file is sketched, one line changed. */
export const SOURCE = [
  "import { log } from './log';",
  '',
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  'export function greet(name: string): string {',
  "  return 'hello ' + name;",
  '}',
  '',
].join('\n');

/** A longer file of `functions` similar functions, for sketches that elide most of it. */
export function longSource(functions: number): string {
  return Array.from({ length: functions }, (_, i) => `export function f${i}(x: number): number {\n  return x * ${i} + ${i * 7};\n}\n`).join('\n');
}

/** A sketch of one change in longSource(n) for n > 30, with the rest elided. */
export const LONG_SKETCH = '// ... existing code ...\n\nexport function f30(x: number): number {\n  return x * 30 + 211;\n}\n\n// ... existing code ...\n';
