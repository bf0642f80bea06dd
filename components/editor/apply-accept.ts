/**
 * Accepting reviewed apply chunks into the real (collaborative) editor.
 *
 * The review compares the output with `original`, the text the server computed the apply against;
 * the real document may have moved on since (the user's own edits in flight, collaborators'
 * edits). This keeps `drift`, the changes from the review's original (with the chunks accepted so
 * far) to the real document, so an accepted chunk is mapped through whatever happened meanwhile
 * and applied as one ordinary transaction. A chunk whose text someone edited meanwhile is refused
 * rather than merged into their edit.
 */
import type { Chunk } from '@codemirror/merge';
import { ChangeSet, StateEffect, StateField, Text, type EditorState, type Extension, type TransactionSpec } from '@codemirror/state';
import { diffText } from '../../lib/text-diff';

/** Starts (a ChangeSet from the review's original to the document) or ends (null) tracking. */
const setDrift = StateEffect.define<ChangeSet | null>();

const driftField = StateField.define<ChangeSet | null>({
  create: () => null,
  update(drift, tr) {
    for (const e of tr.effects) if (e.is(setDrift)) return e.value;
    return drift && tr.docChanged ? drift.compose(tr.changes) : drift;
  },
});

export function applyAcceptTracking(): Extension {
  return driftField;
}

/** Effects that start tracking the document against `original` (the review's base text). */
export function startTracking(state: EditorState, original: string): StateEffect<ChangeSet | null> {
  const change = diffText(original, state.doc.toString());
  const drift = change
    ? ChangeSet.of({ from: change.from, to: change.from + change.deleteCount, insert: change.insert }, original.length)
    : ChangeSet.empty(original.length);
  return setDrift.of(drift);
}

export function stopTracking(): StateEffect<ChangeSet | null> {
  return setDrift.of(null);
}

/** The user event of accepted apply chunks (collaborators get them as normal edits). */
export const ACCEPT_USER_EVENT = 'input.apply';

/**
 * The transaction that applies `accepted` (changes to `reviewOriginal`, the review's original
 * before this accept) to the real document, or why it cannot: the document changed in that place.
 */
export function planAccept(state: EditorState, accepted: ChangeSet, reviewOriginal: Text): { spec: TransactionSpec } | { error: string } {
  const drift = state.field(driftField, false);
  if (!drift) return { error: 'The review is not attached to this editor.' };
  if (drift.length !== reviewOriginal.length || accepted.length !== reviewOriginal.length) {
    return { error: 'The review is out of step with the file; close it and apply again.' };
  }
  // Only the characters that differ: a chunk replaces whole lines, but rewriting unchanged text
  // would move collaborators' cursors and clash with their edits on the same lines.
  const refined: { from: number; to: number; insert: string }[] = [];
  accepted.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
    const change = diffText(reviewOriginal.sliceString(fromA, toA), inserted.toString());
    if (change) refined.push({ from: fromA + change.from, to: fromA + change.from + change.deleteCount, insert: change.insert });
  });
  const minimal = ChangeSet.of(refined, reviewOriginal.length);
  let clash = false;
  minimal.iterChangedRanges((fromA, toA) => {
    if (drift.touchesRange(fromA, toA)) clash = true;
  });
  if (clash) return { error: 'That part of the file was edited since the apply started, so the change was not applied. Reject it, or apply again.' };
  return {
    spec: {
      changes: minimal.map(drift),
      effects: setDrift.of(drift.map(minimal, true)),
      userEvent: ACCEPT_USER_EVENT,
      scrollIntoView: true,
    },
  };
}

/**
 * The change to the review's original that accepts `chunks` of the proposal: the ranges
 * @codemirror/merge's own acceptChunk uses, for several chunks at once.
 */
export function acceptedChanges(chunks: readonly Chunk[], original: Text, proposed: Text): ChangeSet {
  return ChangeSet.of(
    chunks.map((chunk) => {
      let insert = proposed.sliceString(chunk.fromB, Math.max(chunk.fromB, chunk.toB - 1));
      if (chunk.fromB !== chunk.toB && chunk.toA <= original.length) insert += '\n';
      return { from: chunk.fromA, to: Math.min(original.length, chunk.toA), insert };
    }),
    original.length,
  );
}
