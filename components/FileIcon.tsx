import { extensionOf } from './editor/language-for-path';
import { ChevronIcon } from './icons';

interface Glyph {
  text: string;
  color: string;
}

const glyphs: Record<string, Glyph> = {
  ts: { text: 'TS', color: '#4d9bf0' },
  tsx: { text: 'TSX', color: '#4d9bf0' },
  mts: { text: 'TS', color: '#4d9bf0' },
  cts: { text: 'TS', color: '#4d9bf0' },
  js: { text: 'JS', color: '#e5c07b' },
  jsx: { text: 'JSX', color: '#e5c07b' },
  mjs: { text: 'JS', color: '#e5c07b' },
  cjs: { text: 'JS', color: '#e5c07b' },
  json: { text: '{}', color: '#d19a66' },
  py: { text: 'PY', color: '#61afef' },
  css: { text: '#', color: '#c678dd' },
  html: { text: '<>', color: '#e06c75' },
  htm: { text: '<>', color: '#e06c75' },
  md: { text: 'M↓', color: '#56b6c2' },
  markdown: { text: 'M↓', color: '#56b6c2' },
  svg: { text: '◇', color: '#e5c07b' },
  png: { text: '▣', color: '#98c379' },
  jpg: { text: '▣', color: '#98c379' },
  jpeg: { text: '▣', color: '#98c379' },
  gif: { text: '▣', color: '#98c379' },
  txt: { text: '≡', color: '#8b929e' },
  yml: { text: 'Y', color: '#e06c75' },
  yaml: { text: 'Y', color: '#e06c75' },
  sh: { text: '$', color: '#98c379' },
};

const fallback: Glyph = { text: '•', color: '#8b929e' };

/** A small coloured glyph standing in for a file-type icon. */
export function FileIcon({ path }: { path: string }) {
  const glyph = glyphs[extensionOf(path)] ?? fallback;
  return (
    <span className="file-icon" style={{ color: glyph.color }} aria-hidden="true">
      {glyph.text}
    </span>
  );
}

export function FolderIcon({ open }: { open: boolean }) {
  return (
    <span className="folder-icon" aria-hidden="true">
      <ChevronIcon open={open} />
    </span>
  );
}
