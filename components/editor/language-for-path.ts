import { css } from '@codemirror/lang-css';
import { html } from '@codemirror/lang-html';
import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { markdown } from '@codemirror/lang-markdown';
import { python } from '@codemirror/lang-python';
import type { Extension } from '@codemirror/state';

export interface LanguageInfo {
  /** Shown in the status bar. */
  name: string;
  /** The CodeMirror language support; empty for plain text. */
  extension: () => Extension;
}

const plain: LanguageInfo = { name: 'Plain Text', extension: () => [] };

const byExtension: Record<string, LanguageInfo> = {
  ts: { name: 'TypeScript', extension: () => javascript({ typescript: true }) },
  tsx: { name: 'TypeScript JSX', extension: () => javascript({ typescript: true, jsx: true }) },
  mts: { name: 'TypeScript', extension: () => javascript({ typescript: true }) },
  cts: { name: 'TypeScript', extension: () => javascript({ typescript: true }) },
  js: { name: 'JavaScript', extension: () => javascript() },
  // Plain .js files in React projects commonly contain JSX, and the JSX grammar is a superset.
  jsx: { name: 'JavaScript JSX', extension: () => javascript({ jsx: true }) },
  mjs: { name: 'JavaScript', extension: () => javascript() },
  cjs: { name: 'JavaScript', extension: () => javascript() },
  py: { name: 'Python', extension: () => python() },
  json: { name: 'JSON', extension: () => json() },
  css: { name: 'CSS', extension: () => css() },
  html: { name: 'HTML', extension: () => html() },
  htm: { name: 'HTML', extension: () => html() },
  md: { name: 'Markdown', extension: () => markdown() },
  markdown: { name: 'Markdown', extension: () => markdown() },
};

/** The file's extension in lower case, or '' when it has none (dotfiles count as having none). */
export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function languageForPath(path: string): LanguageInfo {
  return byExtension[extensionOf(path)] ?? plain;
}
