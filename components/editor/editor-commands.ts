import { gotoLine, openSearchPanel } from '@codemirror/search';
import type { Command } from '@codemirror/view';
import { yUndoManagerKeymap } from 'y-codemirror.next';
import { openReplacePanel } from './search';

// y-codemirror.next exports its undo/redo commands only through its keymap.
function bound(key: string): Command {
  const binding = yUndoManagerKeymap.find((b) => b.key === key);
  if (!binding?.run) throw new Error(`y-codemirror.next has no ${key} binding`);
  return binding.run;
}

/** Editor commands the command palette can run on the active editor. */
export const editorCommands = {
  find: openSearchPanel,
  replace: openReplacePanel,
  gotoLine,
  undo: bound('Mod-z'),
  redo: bound('Mod-Shift-z'),
} satisfies Record<string, Command>;
