/** TypeScript and JavaScript files: the ones the language service understands. */
const SCRIPT_EXTENSIONS = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i;

export function isScriptPath(path: string): boolean {
  return SCRIPT_EXTENSIONS.test(path);
}
