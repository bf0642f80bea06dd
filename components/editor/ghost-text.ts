/**
 * Tab: ghost text after the cursor, as a decoration (never a document edit).
 *
 * - Each local edit asks at once (no debounce); a newer edit aborts the older request. The
 *   suggestion shows as it streams in and settles when the final answer arrives.
 * - Tab accepts all, Mod-ArrowRight accepts the next word, Escape dismisses.
 * - Typing what the ghost text shows keeps the rest with no new request.
 * - Remote (collaborator) transactions never ask for, keep or accept a suggestion.
 * - No request with a selection, mid-word, or when the config says the file is not eligible.
 * - While the completion dropdown is open, ghost text is hidden and Tab, Mod-ArrowRight and Escape
 *   belong to the dropdown; the suggestion shows again if the dropdown closes without a pick.
 */
import { completionStatus } from '@codemirror/autocomplete';
import { Prec, StateEffect, StateField, type EditorState, type Extension, type Transaction } from '@codemirror/state';
import { Decoration, EditorView, keymap, ViewPlugin, WidgetType, type DecorationSet, type ViewUpdate } from '@codemirror/view';

export interface GhostTextConfig {
  /**
   * Asks for a completion at `offset`; `before` is the text just before it. `replace` counts the
   * characters after the cursor the suggestion rewrites (auto-closed brackets). Null: none.
   */
  request(offset: number, before: string, signal: AbortSignal, onPartial: (partial: { text: string; replace: number }) => void): Promise<{ text: string; replace: number } | null>;
  /** Whether a transaction came from a collaborator (then it never triggers a request). */
  isRemote(tr: Transaction): boolean;
  /** Files that must never be sent to a model (secrets) or cannot be edited. */
  enabled(): boolean;
}

interface Suggestion {
  from: number;
  text: string;
  /** Characters after `from` the suggestion replaces when accepted (hidden while shown). */
  replace: number;
  /** False while the suggestion is still streaming in (it may grow or shrink). */
  settled: boolean;
}

const setSuggestion = StateEffect.define<Suggestion | null>();

/** Characters before the cursor sent with a request (to detect a race with remote edits). */
const CONTEXT_CHARS = 32;

class GhostWidget extends WidgetType {
  constructor(
    readonly text: string,
    readonly settled: boolean,
  ) {
    super();
  }
  eq(other: GhostWidget) {
    return other.text === this.text && other.settled === this.settled;
  }
  toDOM() {
    const span = document.createElement('span');
    span.className = 'cm-ghost-text';
    span.setAttribute('data-testid', 'ghost-text');
    span.setAttribute('data-state', this.settled ? 'settled' : 'streaming');
    span.textContent = this.text;
    return span;
  }
  ignoreEvent() {
    return false;
  }
}

const suggestionField = StateField.define<Suggestion | null>({
  create: () => null,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setSuggestion)) return e.value;
    if (!value) return null;
    if (tr.docChanged) {
      // Typing exactly what the ghost text shows consumes it; anything else drops it.
      let next: Suggestion | null = null;
      let changes = 0;
      tr.changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
        changes++;
        const typed = inserted.toString();
        if (fromA === value.from && toA === fromA && typed && value.text.startsWith(typed)) {
          next = { from: value.from + typed.length, text: value.text.slice(typed.length), replace: value.replace, settled: value.settled };
        }
      });
      if (changes !== 1 || !next || !(next as Suggestion).text) return null;
      return next;
    }
    if (tr.selection) {
      const head = tr.state.selection.main;
      if (!head.empty || head.head !== value.from) return null;
    }
    return value;
  },
});

/** The completion dropdown is showing: it owns the keys ghost text would otherwise take. */
const dropdownOpen = (state: EditorState) => completionStatus(state) === 'active';

/** Read from the view on every update, so the ghost hides as soon as the dropdown opens. */
const ghostDecorations = EditorView.decorations.of((view): DecorationSet => {
  const s = view.state.field(suggestionField);
  if (!s || dropdownOpen(view.state)) return Decoration.none;
  return Decoration.set([
    Decoration.widget({ widget: new GhostWidget(s.text, s.settled), side: 1 }).range(s.from),
    ...(s.replace > 0 ? [Decoration.replace({}).range(s.from, s.from + s.replace)] : []),
  ]);
});

function accept(view: EditorView, text: string): boolean {
  const s = view.state.field(suggestionField);
  if (!s || dropdownOpen(view.state)) return false;
  const all = text === s.text;
  view.dispatch({
    // Accepting all of it rewrites the replaced closers; a word at a time leaves them in place.
    changes: { from: s.from, to: all ? s.from + s.replace : s.from, insert: text },
    selection: { anchor: s.from + text.length },
    effects: setSuggestion.of(all ? null : { from: s.from + text.length, text: s.text.slice(text.length), replace: s.replace, settled: s.settled }),
    userEvent: 'input.complete',
  });
  return true;
}

/** The next word of a suggestion: leading spaces, then a run of word or of non-word characters. */
export function nextWord(text: string): string {
  const m = /^\s*(\w+|[^\w\s]+|\s+)/.exec(text);
  return m ? m[0] : text;
}

function wantsCompletion(state: EditorState): boolean {
  const sel = state.selection.main;
  if (!sel.empty) return false;
  const after = state.doc.sliceString(sel.head, sel.head + 1);
  // Mid-word: the word continues after the cursor, so any completion would be cut by it.
  return !/\w/.test(after);
}

export function ghostText(config: GhostTextConfig): Extension {
  const requester = ViewPlugin.fromClass(
    class {
      controller: AbortController | null = null;
      constructor(readonly view: EditorView) {}
      update(update: ViewUpdate) {
        if (!update.docChanged) return;
        const local = update.transactions.some((tr) => tr.docChanged && !config.isRemote(tr) && !tr.isUserEvent('input.complete'));
        if (!local) return;
        // The suggestion survives typing that matches it: no new request then.
        if (update.state.field(suggestionField)) return;
        this.controller?.abort();
        this.controller = null;
        if (!config.enabled() || !wantsCompletion(update.state)) return;
        const controller = new AbortController();
        this.controller = controller;
        const offset = update.state.selection.main.head;
        const before = update.state.doc.sliceString(Math.max(0, offset - CONTEXT_CHARS), offset);
        // Shows a suggestion (partial or final) if the cursor and the text before it are unchanged.
        let shown = false;
        const show = (suggestion: { text: string; replace: number } | null, settled: boolean) => {
          if (controller.signal.aborted) return;
          const state = this.view.state;
          if (state.selection.main.head !== offset || state.doc.sliceString(Math.max(0, offset - CONTEXT_CHARS), offset) !== before) return;
          if (!suggestion) {
            // The final answer has nothing after all: take back what a partial showed.
            if (shown && state.field(suggestionField)?.from === offset) this.view.dispatch({ effects: setSuggestion.of(null) });
            return;
          }
          if (suggestion.replace > state.doc.length - offset) return;
          shown = true;
          this.view.dispatch({ effects: setSuggestion.of({ from: offset, text: suggestion.text, replace: suggestion.replace, settled }) });
        };
        config.request(offset, before, controller.signal, (partial) => show(partial, false)).then(
          (final) => show(final, true),
          () => {},
        );
      }
      destroy() {
        this.controller?.abort();
      }
    },
  );
  return [
    suggestionField,
    ghostDecorations,
    requester,
    Prec.highest(
      keymap.of([
        { key: 'Tab', run: (view) => accept(view, view.state.field(suggestionField)?.text ?? '') },
        { key: 'Mod-ArrowRight', run: (view) => accept(view, nextWord(view.state.field(suggestionField)?.text ?? '')) },
        {
          key: 'Escape',
          run: (view) => {
            if (!view.state.field(suggestionField) || dropdownOpen(view.state)) return false;
            view.dispatch({ effects: setSuggestion.of(null) });
            return true;
          },
        },
      ]),
    ),
    EditorView.baseTheme({ '.cm-ghost-text': { opacity: '0.45', fontStyle: 'italic', whiteSpace: 'pre' } }),
  ];
}
