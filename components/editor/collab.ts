import { Facet, type Extension } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import * as Y from 'yjs';
import { ownRemoteOrigin } from './doc-sync';

/** The editor's collaborative undo manager, for features that make one undo step of an edit. */
export const collabUndoManager = Facet.define<Y.UndoManager, Y.UndoManager | null>({ combine: (values) => values[0] ?? null });

/**
 * Binds the editor to a shared Y.Text. Undo and redo go through a Y.UndoManager rather than
 * CodeMirror's history so they only revert this user's edits, never text that arrived from the
 * server or another collaborator; changes the server made at this user's request (a rename) are
 * this user's too.
 */
export function collab(text: Y.Text): Extension {
  const undoManager = new Y.UndoManager(text);
  undoManager.addTrackedOrigin(ownRemoteOrigin);
  return [yCollab(text, null, { undoManager }), keymap.of(yUndoManagerKeymap), collabUndoManager.of(undoManager)];
}
