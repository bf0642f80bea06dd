import type { Extension } from '@codemirror/state';
import { oneDark } from '@codemirror/theme-one-dark';
import { EditorView } from '@codemirror/view';

/** One Dark, sized to fill its pane and using the app's monospace font. */
export function editorTheme(): Extension {
  return [
    oneDark,
    EditorView.theme(
      {
        '&': { height: '100%', fontSize: '13px' },
        '&.cm-focused': { outline: 'none' },
        '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.55' },
        '.cm-gutters': { borderRight: '1px solid var(--border)' },
        '.cm-panels': { borderBottom: '1px solid var(--border)' },
        '.cm-panel.cm-search': { padding: '6px 8px', fontFamily: 'var(--font-ui)' },
        '.cm-panel': { fontFamily: 'var(--font-ui)', fontSize: '12px' },
        '.cm-panel.cm-gotoLine': { padding: '6px 8px' },
        '.cm-textfield': {
          backgroundColor: 'var(--bg-input)',
          border: '1px solid var(--border-soft)',
          borderRadius: '4px',
          padding: '3px 6px',
          fontSize: '12px',
        },
        '.cm-textfield:focus': { outline: 'none', borderColor: 'var(--accent)' },
        '.cm-button': {
          backgroundImage: 'none',
          backgroundColor: 'var(--bg-elevated)',
          border: '1px solid var(--border-soft)',
          borderRadius: '4px',
          padding: '3px 10px',
          fontSize: '12px',
          color: 'var(--text)',
        },
        '.cm-button:hover': { backgroundColor: 'var(--bg-selected)' },
        '.cm-panel button[name=close]': { color: 'var(--text-muted)', fontSize: '16px', right: '8px' },
        '.cm-tooltip.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--font-mono)' },
        // One Dark's selected item is darker than the others, which reads as the opposite.
        '.cm-tooltip.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: '#2f4a73', color: 'var(--text-strong)' },
      },
      { dark: true },
    ),
  ];
}
