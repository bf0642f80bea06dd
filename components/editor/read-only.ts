import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';

/**
 * Read-only is toggled at runtime (a view-only link, a file the server marks read-only), so it
 * lives in a compartment that can be reconfigured without rebuilding the editor.
 */
export function readOnlyCompartment(initial: boolean): { extension: Extension; set: (view: EditorView, readOnly: boolean) => void } {
  const compartment = new Compartment();
  const config = (readOnly: boolean): Extension => [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
  return {
    extension: compartment.of(config(initial)),
    set: (view, readOnly) => {
      if (view.state.readOnly === readOnly) return;
      view.dispatch({ effects: compartment.reconfigure(config(readOnly)) });
    },
  };
}
