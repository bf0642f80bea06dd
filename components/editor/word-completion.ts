import { autocompletion, completeAnyWord } from '@codemirror/autocomplete';
import type { Extension } from '@codemirror/state';

/** Completion from words already in the document: useful in any language without a language server.
 * autocompletion() installs its own keymap (arrows, Enter, Escape), leaving Tab unbound. */
export function wordCompletion(): Extension {
  return autocompletion({ override: [completeAnyWord] });
}
