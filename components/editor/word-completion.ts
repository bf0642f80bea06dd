import { acceptCompletion, autocompletion, completeAnyWord, type CompletionSource } from '@codemirror/autocomplete';
import { Prec, type Extension } from '@codemirror/state';
import { keymap } from '@codemirror/view';

/**
 * The completion dropdown. Its sources default to words already in the document, useful in any
 * language without a language server; TypeScript and JavaScript editors pass the language
 * service's source instead. autocompletion() binds arrows, Enter and Escape; Tab is bound here to
 * pick the selected item while the dropdown is open and falls through (to ghost text, then
 * indentation) otherwise.
 */
export function wordCompletion(sources: readonly CompletionSource[] = [completeAnyWord]): Extension {
  return [autocompletion({ override: [...sources] }), Prec.high(keymap.of([{ key: 'Tab', run: acceptCompletion }]))];
}
