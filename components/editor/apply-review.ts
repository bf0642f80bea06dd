/**
 * The review of an apply: a read-only editor over the file's area showing the proposed file as a
 * unified merge view (@codemirror/merge) against the original. It never touches the shared
 * document: the proposal lives only in this editor, and accepting a chunk hands exactly that
 * chunk's change to `accept`, which applies it to the real editor (or refuses).
 *
 * - While streaming: the output so far plus the rest of the original (StreamAlignment), without
 *   controls, following the end of the output.
 * - When done: Accept / Reject per chunk, "Accept all" (one change), "Reject all"; Esc rejects all.
 *   When no chunk is left the review closes.
 */
import { getChunks, getOriginalDoc, unifiedMergeView, updateOriginalDoc } from '@codemirror/merge';
import { reviewDiff } from './review-diff';
import { EditorSelection, EditorState, type ChangeSet, type Extension, type Text } from '@codemirror/state';
import { drawSelection, EditorView, highlightSpecialChars, lineNumbers } from '@codemirror/view';
import { diffText } from '../../lib/text-diff';
import { acceptedChanges } from './apply-accept';
import { StreamAlignment } from './apply-stream';
import { editorTheme } from './theme';

export interface ReviewOptions {
  /** Element the review covers (positioned): the real editor's DOM. */
  host: HTMLElement;
  /** The file's language, for highlighting. */
  language: Extension;
  /** Applies an accepted change (to `original`, the review's original before it) to the real
   * document; returns null when done, or why it could not. */
  accept(changes: ChangeSet, original: Text): string | null;
  /** No chunk is left (all accepted or rejected). */
  resolved(): void;
  /** Esc, or the close button: cancel while streaming, reject all when done. */
  dismiss(): void;
}

export type StatusKind = 'working' | 'info' | 'error' | 'done';

export class ApplyReview {
  readonly dom: HTMLElement;
  private readonly status: HTMLElement;
  private readonly acceptAllButton: HTMLButtonElement;
  private readonly rejectAllButton: HTMLButtonElement;
  private readonly editorHost: HTMLElement;
  private view: EditorView | null = null;
  private phase: 'streaming' | 'ready' = 'streaming';
  private alignment: StreamAlignment;
  private closed = false;

  constructor(
    /** The text shown as the original while streaming (the file when the apply started). */
    private readonly streamBase: string,
    private readonly options: ReviewOptions,
  ) {
    this.alignment = new StreamAlignment(streamBase);
    this.dom = element('div', 'cm-apply-review', { 'data-testid': 'apply-review', 'data-state': 'streaming', tabindex: '-1' });
    const bar = this.dom.appendChild(element('div', 'cm-apply-review-bar'));
    bar.appendChild(element('span', 'cm-apply-review-title')).textContent = 'Review changes';
    this.status = bar.appendChild(element('span', 'cm-apply-status', { 'data-testid': 'apply-review-status', role: 'status' }));
    this.acceptAllButton = bar.appendChild(button('Accept all', 'apply-accept-all', 'primary'));
    this.rejectAllButton = bar.appendChild(button('Reject all', 'apply-reject-all'));
    const close = bar.appendChild(button('Esc', 'apply-review-close'));
    close.title = 'Cancel (Esc)';
    this.acceptAllButton.disabled = true;
    this.rejectAllButton.disabled = true;
    this.acceptAllButton.addEventListener('click', () => this.acceptAll());
    this.rejectAllButton.addEventListener('click', () => this.options.dismiss());
    close.addEventListener('click', () => this.options.dismiss());
    this.editorHost = this.dom.appendChild(element('div', 'cm-apply-review-editor'));
    this.dom.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        this.options.dismiss();
      } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && this.phase === 'ready') {
        e.preventDefault();
        this.acceptAll();
      }
    });
    this.view = this.createView(streamBase, streamBase, false);
    options.host.appendChild(this.dom);
    this.dom.focus({ preventScroll: true });
  }

  setStatus(text: string, kind: StatusKind): void {
    this.status.textContent = text;
    this.status.setAttribute('data-state', kind);
  }

  /** Shows the output so far. */
  stream(output: string): void {
    if (this.closed || this.phase !== 'streaming' || !this.view) return;
    const proposal = this.alignment.proposal(output);
    const view = this.view;
    const change = diffText(view.state.doc.toString(), proposal);
    const end = Math.min(output.lastIndexOf('\n') + 1, proposal.length);
    view.dispatch({
      changes: change ? { from: change.from, to: change.from + change.deleteCount, insert: change.insert } : undefined,
      effects: EditorView.scrollIntoView(EditorSelection.cursor(end), { y: 'center' }),
    });
  }

  /** Shows the final result for review; returns how many chunks it has. */
  finish(original: string, output: string): number {
    if (this.closed) return 0;
    this.phase = 'ready';
    const scrollTop = this.view?.scrollDOM.scrollTop ?? 0;
    this.view?.destroy();
    this.view = this.createView(original, output, true);
    this.view.scrollDOM.scrollTop = scrollTop;
    this.dom.setAttribute('data-state', 'ready');
    this.acceptAllButton.disabled = false;
    this.rejectAllButton.disabled = false;
    this.dom.focus({ preventScroll: true });
    return this.chunkCount();
  }

  chunkCount(): number {
    return this.view ? (getChunks(this.view.state)?.chunks.length ?? 0) : 0;
  }

  /** Accepts every remaining chunk as one change. */
  acceptAll(): void {
    const view = this.view;
    if (this.closed || this.phase !== 'ready' || !view) return;
    const chunks = getChunks(view.state)?.chunks ?? [];
    if (!chunks.length) return;
    const original = getOriginalDoc(view.state);
    const changes = acceptedChanges(chunks, original, view.state.doc);
    view.dispatch({ effects: updateOriginalDoc.of({ doc: changes.apply(original), changes }), userEvent: 'accept' });
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.view?.destroy();
    this.view = null;
    this.dom.remove();
  }

  private createView(original: string, doc: string, ready: boolean): EditorView {
    const extensions: Extension[] = [
      lineNumbers(),
      highlightSpecialChars(),
      drawSelection(),
      EditorState.readOnly.of(true),
      this.options.language,
      editorTheme(),
      unifiedMergeView({
        original,
        mergeControls: ready ? mergeControl : false,
        syntaxHighlightDeletions: true,
        collapseUnchanged: ready ? { margin: 3, minSize: 6 } : undefined,
        diffConfig: { override: reviewDiff },
      }),
    ];
    if (ready) {
      extensions.push(
        // An accept changes the merge view's original: hand that change to the real editor first,
        // and keep the chunk when the real editor refuses it.
        EditorState.transactionFilter.of((tr) => {
          const accepted = tr.effects.find((e) => e.is(updateOriginalDoc));
          if (!accepted || this.closed) return tr;
          const error = this.options.accept((accepted.value as { changes: ChangeSet }).changes, getOriginalDoc(tr.startState));
          if (error === null) return tr;
          this.setStatus(error, 'error');
          return {};
        }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged && !update.transactions.some((tr) => tr.effects.some((e) => e.is(updateOriginalDoc)))) return;
          const left = getChunks(update.state)?.chunks.length ?? 0;
          this.dom.setAttribute('data-chunks', String(left));
          // Closing destroys this view: not while it is updating.
          if (left === 0) setTimeout(() => !this.closed && this.options.resolved(), 0);
        }),
      );
    }
    const view = new EditorView({ parent: this.editorHost, state: EditorState.create({ doc, extensions }) });
    this.dom.setAttribute('data-chunks', String(getChunks(view.state)?.chunks.length ?? 0));
    return view;
  }
}

function mergeControl(type: 'accept' | 'reject', action: (e: MouseEvent) => void): HTMLElement {
  const b = button(type === 'accept' ? 'Accept' : 'Reject', `apply-chunk-${type}`, type === 'accept' ? 'primary' : undefined);
  b.name = type;
  b.onmousedown = action;
  return b;
}

function element(tag: string, className: string, attributes: Record<string, string> = {}): HTMLElement {
  const el = document.createElement(tag);
  el.className = className;
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  return el;
}

export function button(label: string, testId: string, variant?: 'primary'): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = variant ? `cm-apply-button cm-apply-button-${variant}` : 'cm-apply-button';
  b.textContent = label;
  b.setAttribute('data-testid', testId);
  return b;
}
