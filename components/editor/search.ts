import { openSearchPanel, search, searchKeymap } from '@codemirror/search';
import type { Extension } from '@codemirror/state';
import { EditorView, keymap, type Command } from '@codemirror/view';

/** Opens the search panel with the replace field focused. */
export const openReplacePanel: Command = (view: EditorView) => {
  openSearchPanel(view);
  // The panel is created synchronously by openSearchPanel, but focuses the search field itself.
  const replace = view.dom.querySelector<HTMLInputElement>('.cm-search input[name=replace]');
  if (replace) {
    replace.focus();
    replace.select();
  }
  return true;
};

export function searchPanel(): Extension {
  return [
    search({ top: true }),
    keymap.of([
      { key: 'Mod-Alt-f', run: openReplacePanel, preventDefault: true },
      { key: 'Mod-h', run: openReplacePanel, preventDefault: true },
      ...searchKeymap,
    ]),
  ];
}
