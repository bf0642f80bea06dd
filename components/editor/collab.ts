import type { Extension } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import * as Y from 'yjs';

/**
 * Binds the editor to a shared Y.Text. Undo and redo go through a Y.UndoManager rather than
 * CodeMirror's history so they only revert this user's edits, never text that arrived from the
 * server or another collaborator.
 */
export function collab(text: Y.Text): Extension {
  return [yCollab(text, null, { undoManager: new Y.UndoManager(text) }), keymap.of(yUndoManagerKeymap)];
}
