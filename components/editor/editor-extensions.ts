import type { CompletionSource } from '@codemirror/autocomplete';
import type { Extension } from '@codemirror/state';
import { baseSetup } from './base-setup';
import { cursorListener, type CursorPosition } from './cursor-position';
import { indentation } from './indentation';
import { languageForPath } from './language-for-path';
import { searchPanel } from './search';
import { editorTheme } from './theme';
import { wordCompletion } from './word-completion';

/** Everything an editor has regardless of where its text comes from. `completionSources`
 * replaces the words-in-the-document completion (for files a language service understands). */
export function commonExtensions(path: string, onCursor: (position: CursorPosition) => void, completionSources?: readonly CompletionSource[]): Extension {
  return [
    baseSetup(),
    wordCompletion(completionSources),
    searchPanel(),
    languageForPath(path).extension(),
    indentation(path),
    editorTheme(),
    cursorListener(onCursor),
  ];
}
