import { acceptCompletion, autocompletion, completeAnyWord, completionStatus, type CompletionSource } from '@codemirror/autocomplete';
import { Prec, type Extension } from '@codemirror/state';
import { keymap } from '@codemirror/view';

/**
 * The completion dropdown. Its sources default to words already in the document, useful in any
 * language without a language server; TypeScript and JavaScript editors pass the language
 * service's source instead. autocompletion() binds arrows, Enter and Escape; Tab is bound here to
 * pick the selected item while the dropdown is open and falls through (to ghost text, then
 * indentation) otherwise. In the first moments after the dropdown opens, CodeMirror refuses to
 * pick (so a key meant for something else does not take a choice the user never saw); Tab then
 * does nothing rather than indent the line under the dropdown.
 */
export function wordCompletion(sources: readonly CompletionSource[] = [completeAnyWord]): Extension {
  return [autocompletion({ override: [...sources] }), Prec.high(keymap.of([{ key: 'Tab', run: (view) => acceptCompletion(view) || completionStatus(view.state) === 'active' }]))];
}
