/**
 * Applies a rename's edits to the live documents of the files it touches: one transaction per
 * file (one change for every editor and collaborator), saved like any edit. Files nobody has
 * open are opened for the edit and released after it, which saves and unloads them.
 *
 * Every file is checked before any is changed: the service computed the edits from its copy, and
 * if a live text no longer shows the old name where the edit expects it (someone typed
 * meanwhile), nothing is applied and the rename is refused as stale.
 */
import { randomBytes } from 'node:crypto';
import { RequestError } from '../errors';
import type { LiveDoc, LiveDocs } from '../live-docs';
import type { RenameEdit } from './language-queries';

/** `requester`: the socket that asked; in its editors each file's change is an undo step of its own. */
export async function applyRename(
  liveDocs: LiveDocs,
  workspaceId: string,
  edits: RenameEdit[],
  author: string,
  requester: string,
): Promise<{ path: string; edits: number }[]> {
  const byPath = new Map<string, RenameEdit[]>();
  for (const edit of edits) byPath.set(edit.path, [...(byPath.get(edit.path) ?? []), edit]);
  // A holder keeps each document loaded between opening and editing it, like an editor would.
  const holder = `rename:${randomBytes(6).toString('hex')}`;
  const held: LiveDoc[] = [];
  try {
    for (const path of byPath.keys()) {
      const opened = await liveDocs.open(workspaceId, path);
      if (opened.kind !== 'text') throw new RequestError(409, 'conflict', `${path} is no longer editable text`);
      liveDocs.attach(opened.doc, holder);
      held.push(opened.doc);
    }
    // From here to the last transaction nothing awaits: no other change can slip in between.
    for (const doc of held) {
      const text = doc.text.toString();
      if (byPath.get(doc.path)!.some((e) => text.slice(e.from, e.to) !== e.oldText)) {
        throw new RequestError(409, 'conflict', `${doc.path} changed while renaming; try again`);
      }
    }
    for (const doc of held) {
      const fileEdits = [...byPath.get(doc.path)!].sort((a, b) => b.from - a.from);
      doc.doc.transact(() => {
        for (const e of fileEdits) {
          doc.text.delete(e.from, e.to - e.from);
          doc.text.insert(e.from, e.newText);
        }
      }, { author, socketId: null, onBehalfOf: requester });
    }
    return held.map((doc) => ({ path: doc.path, edits: byPath.get(doc.path)!.length }));
  } finally {
    for (const doc of held) await liveDocs.detach(workspaceId, doc.path, holder);
  }
}
