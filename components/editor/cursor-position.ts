import type { Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';

export interface CursorPosition {
  line: number;
  column: number;
}

export function cursorOf(view: EditorView): CursorPosition {
  const head = view.state.selection.main.head;
  const line = view.state.doc.lineAt(head);
  return { line: line.number, column: head - line.from + 1 };
}

/** Reports the main cursor's 1-based line and column whenever it moves or the text changes. */
export function cursorListener(onChange: (position: CursorPosition) => void): Extension {
  return EditorView.updateListener.of((update) => {
    if (update.selectionSet || update.docChanged) onChange(cursorOf(update.view));
  });
}
