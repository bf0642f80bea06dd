/**
 * Cmd/Ctrl-K: an instruction box inline above the selection (or the cursor's line), like Cursor's.
 *
 * - "Instruction": Generate asks the chat role for a sketch of the edit, then applies it.
 *   "Sketch": paste code (a whole file, or the changed parts with `// ... existing code ...`
 *   elisions) and Apply it directly; this works without a chat endpoint.
 * - The result streams into a review (ApplyReview) over the editor; chunks are accepted into this
 *   editor as ordinary transactions (collaborators get them as normal edits, one undo step per
 *   accept) or rejected. Nothing changes in the file before an accept.
 * - Esc cancels: mid-stream it stops the server's work and leaves the file as it was.
 * - Errors (no chat endpoint, empty sketch, binary or oversized file...) show in the box.
 */
import { Facet, Prec, StateEffect, StateField, type ChangeSet, type EditorState, type Extension, type Text } from '@codemirror/state';
import { Decoration, EditorView, keymap, ViewPlugin, WidgetType, type Command, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import type { ApplyDone } from '../../lib/protocol';
import { applyAcceptTracking, planAccept, startTracking, stopTracking } from './apply-accept';
import { ApplyReview, button, type StatusKind } from './apply-review';
import type { ApplySource } from './apply-source';
import { collabUndoManager } from './collab';

export interface ApplyConfig {
  /** Null in editors that never apply (their `refusal` says why). */
  source: ApplySource | null;
  /** Whether this editor may change the file (edit link, editable text). */
  editable: () => boolean;
  /** Why nothing can be applied here (a view link, an oversized file): the box only says so. */
  refusal?: () => string | null;
  /** The file's language, for the review's highlighting. */
  language: () => Extension;
}

interface BoxState {
  /** Start of the line the box sits above. */
  line: number;
  /** The selection the instruction is about, mapped through edits. */
  from: number;
  to: number;
  widget: BoxWidget;
}

const showBox = StateEffect.define<BoxState | null>();

/** The box is as wide as the visible editor, up to this. */
const MAX_BOX_WIDTH = 760;

const boxField = StateField.define<BoxState | null>({
  create: () => null,
  update(box, tr) {
    for (const e of tr.effects) if (e.is(showBox)) return e.value;
    if (!box || !tr.docChanged) return box;
    const line = tr.state.doc.lineAt(tr.changes.mapPos(box.line, -1)).from;
    return { ...box, line, from: tr.changes.mapPos(box.from, 1), to: tr.changes.mapPos(box.to, -1) };
  },
  provide: (field) =>
    EditorView.decorations.from(field, (box): DecorationSet =>
      box ? Decoration.set([Decoration.widget({ widget: box.widget, block: true, side: -1 }).range(box.line)]) : Decoration.none,
    ),
});

class BoxWidget extends WidgetType {
  constructor(readonly dom: HTMLElement) {
    super();
  }
  eq(other: BoxWidget): boolean {
    return other.dom === this.dom;
  }
  toDOM(): HTMLElement {
    return this.dom;
  }
  /** Typing and clicking in the box belong to it, not to the editor. */
  ignoreEvent(): boolean {
    return true;
  }
  get estimatedHeight(): number {
    return 150;
  }
}

/** Opens the box (or focuses it when open). Fails in read-only editors. */
export const openApplyBox: Command = (view) => {
  const controller = view.plugin(applyPlugin);
  return controller ? controller.open() : false;
};

type Mode = 'instruction' | 'sketch';

class ApplyController {
  private readonly config: ApplyConfig;
  private readonly box: HTMLElement;
  private readonly instruction: HTMLTextAreaElement;
  private readonly sketch: HTMLTextAreaElement;
  private readonly status: HTMLElement;
  private readonly generateButton: HTMLButtonElement;
  private readonly applyButton: HTMLButtonElement;
  private readonly tabs: Record<Mode, HTMLButtonElement>;
  private readonly widget: BoxWidget;
  private mode: Mode = 'instruction';
  private chatConfigured: boolean | null = null;
  private cancel: (() => void) | null = null;
  private review: ApplyReview | null = null;
  private running = false;
  private destroyed = false;

  constructor(
    private readonly view: EditorView,
    config: ApplyConfig,
  ) {
    this.config = config;
    this.box = document.createElement('div');
    this.box.className = 'cm-apply-box';
    this.box.setAttribute('data-testid', 'apply-box');
    this.box.tabIndex = -1;
    const header = this.box.appendChild(document.createElement('div'));
    header.className = 'cm-apply-tabs';
    this.tabs = {
      instruction: header.appendChild(tab('Instruction', 'apply-tab-instruction')),
      sketch: header.appendChild(tab('Sketch', 'apply-tab-sketch')),
    };
    const hint = header.appendChild(document.createElement('span'));
    hint.className = 'cm-apply-hint';
    hint.textContent = 'Esc to close';
    const close = header.appendChild(button('×', 'apply-close'));
    close.classList.add('cm-apply-close');
    close.title = 'Close (Esc)';
    this.instruction = this.box.appendChild(textarea('apply-instruction', 'Describe the change (Enter to generate, Shift+Enter for a new line)'));
    this.sketch = this.box.appendChild(
      textarea('apply-sketch', 'Paste code to apply: the whole file, or the changed parts with "// ... existing code ..." between them (Ctrl/Cmd+Enter to apply)'),
    );
    this.sketch.rows = 8;
    const footer = this.box.appendChild(document.createElement('div'));
    footer.className = 'cm-apply-footer';
    this.status = footer.appendChild(document.createElement('span'));
    this.status.className = 'cm-apply-status';
    this.status.setAttribute('data-testid', 'apply-status');
    this.status.setAttribute('role', 'status');
    this.generateButton = footer.appendChild(button('Generate', 'apply-generate', 'primary'));
    this.applyButton = footer.appendChild(button('Apply', 'apply-apply', 'primary'));
    this.widget = new BoxWidget(this.box);

    this.tabs.instruction.addEventListener('click', () => this.setMode('instruction', true));
    this.tabs.sketch.addEventListener('click', () => this.setMode('sketch', true));
    close.addEventListener('click', () => this.close());
    this.generateButton.addEventListener('click', () => this.generate());
    this.applyButton.addEventListener('click', () => this.applySketch());
    this.box.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.close();
      } else if (e.key === 'Enter' && e.target === this.instruction && !e.shiftKey) {
        e.preventDefault();
        this.generate();
      } else if (e.key === 'Enter' && e.target === this.sketch && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        this.applySketch();
      }
      // Keys typed here are the box's, never the editor's or the window's shortcuts'.
      e.stopPropagation();
    });
    this.setMode('instruction', false);
    this.setStatus('', 'info');
  }

  update(update: ViewUpdate): void {
    if (update.geometryChanged && this.isOpen()) this.fit();
  }

  /**
   * The editor's content is as wide as its longest line, and the box's text would widen it further:
   * keep the box within the visible width instead.
   */
  private fit(): void {
    this.view.requestMeasure({
      key: this,
      read: (view) => view.scrollDOM.clientWidth - (view.contentDOM.getBoundingClientRect().left - view.scrollDOM.getBoundingClientRect().left) - 24,
      write: (width) => {
        this.box.style.width = `${Math.max(240, Math.min(MAX_BOX_WIDTH, width))}px`;
      },
    });
  }

  isOpen(): boolean {
    return this.view.state.field(boxField, false) != null;
  }

  open(): boolean {
    const refusal = this.config.editable() && this.config.source ? null : (this.config.refusal?.() ?? null);
    if (refusal === null && (!this.config.editable() || !this.config.source)) return false;
    if (this.review) {
      this.review.dom.focus();
      return true;
    }
    if (!this.isOpen()) {
      const { from, to } = this.view.state.selection.main;
      const line = this.view.state.doc.lineAt(from).from;
      this.view.dispatch({ effects: [showBox.of({ line, from, to, widget: this.widget }), EditorView.scrollIntoView(line, { y: 'nearest', yMargin: 160 })] });
      this.fit();
      this.box.setAttribute('data-refused', String(refusal !== null));
      this.instruction.disabled = this.sketch.disabled = refusal !== null;
      if (refusal !== null) {
        this.setBusy(true);
        this.setStatus(refusal, 'error');
        this.box.focus();
        return true;
      }
      this.setBusy(false);
      if (!this.running) this.setStatus('', 'info');
      void this.config.source!.info().then((info) => {
        if (!info) return;
        this.chatConfigured = info.chat;
        if (!info.chat && !this.running) {
          this.setMode('sketch', true);
          this.setStatus(
            'No chat endpoint configured: set LOOKAHEAD_CHAT_BASE_URL and LOOKAHEAD_CHAT_MODEL on the server to generate from instructions, or paste a sketch and press Apply.',
            'info',
          );
        } else if (info.chat && !this.running && this.mode === 'instruction') {
          this.setStatus(`Chat: ${info.chatModel ?? 'configured'}`, 'info');
        }
      });
    }
    this.focusInput();
    return true;
  }

  /** Closes the box, cancelling a running apply and discarding its review; the file is unchanged. */
  close(): void {
    this.stop();
    if (this.isOpen()) this.view.dispatch({ effects: showBox.of(null) });
    this.view.focus();
  }

  destroy(): void {
    this.destroyed = true;
    this.stop();
  }

  private stop(): void {
    this.cancel?.();
    this.cancel = null;
    this.running = false;
    this.closeReview();
    this.setBusy(false);
  }

  private closeReview(): void {
    if (!this.review) return;
    this.review.destroy();
    this.review = null;
    if (!this.destroyed) this.view.dispatch({ effects: stopTracking() });
  }

  private setMode(mode: Mode, focus: boolean): void {
    this.mode = mode;
    this.box.setAttribute('data-mode', mode);
    for (const [name, el] of Object.entries(this.tabs)) el.setAttribute('aria-selected', String(name === mode));
    this.instruction.hidden = mode !== 'instruction';
    this.generateButton.hidden = mode !== 'instruction';
    this.sketch.hidden = mode !== 'sketch';
    this.applyButton.hidden = mode !== 'sketch';
    if (focus) this.focusInput();
  }

  private focusInput(): void {
    (this.mode === 'instruction' ? this.instruction : this.sketch).focus();
  }

  private setStatus(text: string, kind: StatusKind): void {
    this.status.textContent = text;
    this.status.setAttribute('data-state', kind);
    this.review?.setStatus(text, kind);
  }

  private setBusy(busy: boolean): void {
    // A disabled button drops focus to the page, where Esc would no longer reach the box.
    const pressed = busy && (document.activeElement === this.generateButton || document.activeElement === this.applyButton);
    this.generateButton.disabled = busy;
    this.applyButton.disabled = busy;
    if (pressed) this.box.focus();
    this.box.setAttribute('data-busy', String(busy));
  }

  private generate(): void {
    const instruction = this.instruction.value.trim();
    if (!instruction) return this.setStatus('Type an instruction first, or paste a sketch under Sketch.', 'error');
    if (this.chatConfigured === false) {
      return this.setStatus(
        'No chat endpoint configured: set LOOKAHEAD_CHAT_BASE_URL and LOOKAHEAD_CHAT_MODEL on the server, or paste a sketch under Sketch and press Apply.',
        'error',
      );
    }
    const box = this.view.state.field(boxField, false);
    this.run({ instruction, selection: box ? { from: box.from, to: box.to } : undefined }, 'Asking the chat model for a sketch…');
  }

  private applySketch(): void {
    const sketch = this.sketch.value;
    if (!sketch.trim()) return this.setStatus('The sketch is empty: paste the code to apply.', 'error');
    this.run({ sketch }, 'Applying the sketch…');
  }

  private run(request: { instruction?: string; sketch?: string; selection?: { from: number; to: number } }, message: string): void {
    const source = this.config.source;
    if (!source || !this.config.editable()) return this.setStatus('This file cannot be changed here.', 'error');
    this.stop();
    this.running = true;
    this.setBusy(true);
    this.setStatus(message, 'working');
    const base = this.view.state.doc.toString();
    const started = Date.now();
    this.cancel = source.start(request, {
      onSketch: (sketch) => {
        this.sketch.value = sketch;
        this.setStatus('Applying the sketch…', 'working');
      },
      onPartial: (output) => {
        if (!this.review) this.review = this.openReview(base);
        this.review.stream(output);
        const lines = output.split('\n').length - 1;
        this.setStatus(`Applying… ${lines} line${lines === 1 ? '' : 's'} so far`, 'working');
      },
      onDone: (done) => this.finished(base, done, started),
      onError: (error) => {
        this.cancel = null;
        this.running = false;
        this.closeReview();
        this.setBusy(false);
        this.setStatus(error.message, 'error');
        if (this.isOpen()) this.focusInput();
      },
    });
  }

  private finished(base: string, done: ApplyDone, started: number): void {
    this.cancel = null;
    this.running = false;
    this.setBusy(false);
    if (done.output === done.original) {
      this.closeReview();
      this.setStatus('No changes: the result is the same as the file.', 'done');
      this.box.setAttribute('data-result', 'no-changes');
      this.focusInput();
      return;
    }
    if (!this.review) this.review = this.openReview(base);
    this.view.dispatch({ effects: startTracking(this.view.state, done.original) });
    const chunks = this.review.finish(done.original, done.output);
    this.box.setAttribute('data-result', 'review');
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    this.setStatus(
      `${chunks} change${chunks === 1 ? '' : 's'} to review · ${done.outputTokens} tokens in ${done.forwardPasses} passes (${seconds} s)`,
      'done',
    );
    if (chunks === 0) {
      // The texts differ only in what the diff does not count (such as a final newline).
      this.closeReview();
      this.setStatus('No changes to review.', 'done');
      this.box.setAttribute('data-result', 'no-changes');
    }
  }

  private openReview(base: string): ApplyReview {
    return new ApplyReview(base, {
      host: this.view.dom,
      language: this.config.language(),
      accept: (changes, original) => this.accept(changes, original),
      resolved: () => this.close(),
      dismiss: () => this.close(),
    });
  }

  /** Applies an accepted chunk to this editor as one transaction and one undo step. */
  private accept(changes: ChangeSet, original: Text): string | null {
    if (!this.config.editable()) return 'This editor is read-only now; the change was not applied.';
    const plan = planAccept(this.view.state, changes, original);
    if ('error' in plan) return plan.error;
    const undo = this.view.state.facet(collabUndoManager);
    undo?.stopCapturing();
    this.view.dispatch(plan.spec);
    undo?.stopCapturing();
    return null;
  }
}

const applyConfigFacet = Facet.define<ApplyConfig, ApplyConfig | null>({ combine: (values) => values[0] ?? null });

const applyPlugin = ViewPlugin.define((view) => new ApplyController(view, view.state.facet(applyConfigFacet)!));

/** Cmd/Ctrl-K and everything behind it, for an editor bound to a live document. */
export function applyEdits(config: ApplyConfig): Extension {
  return [
    applyConfigFacet.of(config),
    boxField,
    applyAcceptTracking(),
    applyPlugin,
    Prec.high(
      keymap.of([
        { key: 'Mod-k', run: openApplyBox, preventDefault: true },
        {
          key: 'Escape',
          run: (view) => {
            const controller = view.plugin(applyPlugin);
            if (!controller?.isOpen()) return false;
            controller.close();
            return true;
          },
        },
      ]),
    ),
    applyTheme,
  ];
}

export function applyBoxOpen(state: EditorState): boolean {
  return state.field(boxField, false) != null;
}

function tab(label: string, testId: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'cm-apply-tab';
  b.textContent = label;
  b.setAttribute('role', 'tab');
  b.setAttribute('data-testid', testId);
  return b;
}

function textarea(testId: string, placeholder: string): HTMLTextAreaElement {
  const t = document.createElement('textarea');
  t.className = 'cm-apply-input';
  t.setAttribute('data-testid', testId);
  t.placeholder = placeholder;
  t.rows = 2;
  t.spellcheck = false;
  return t;
}

const applyTheme = EditorView.baseTheme({
  '.cm-apply-box': {
    margin: '6px 0 6px 4px',
    boxSizing: 'border-box',
    padding: '8px',
    border: '1px solid var(--border-soft, #333842)',
    borderLeft: '3px solid var(--accent, #4d8dff)',
    borderRadius: '6px',
    backgroundColor: 'var(--bg-elevated, #2f343e)',
    fontFamily: 'var(--font-ui)',
    fontSize: '12px',
    color: 'var(--text, #abb2bf)',
    boxShadow: '0 4px 14px rgba(0, 0, 0, 0.3)',
    cursor: 'auto',
    whiteSpace: 'normal',
  },
  '.cm-apply-tabs': { display: 'flex', alignItems: 'center', gap: '4px', marginBottom: '6px' },
  '.cm-apply-tab': {
    background: 'none',
    border: 'none',
    borderBottom: '2px solid transparent',
    padding: '2px 6px',
    color: 'var(--text-muted, #7f848e)',
    cursor: 'pointer',
    font: 'inherit',
  },
  '.cm-apply-tab[aria-selected=true]': { color: 'var(--text-strong, #e6e9ef)', borderBottomColor: 'var(--accent, #4d8dff)' },
  '.cm-apply-hint': { marginLeft: 'auto', color: 'var(--text-muted, #7f848e)', fontSize: '11px' },
  '.cm-apply-close': { padding: '0 6px', lineHeight: '18px' },
  '.cm-apply-input': {
    display: 'block',
    width: '100%',
    boxSizing: 'border-box',
    resize: 'vertical',
    backgroundColor: 'var(--bg-input, #1b1f24)',
    color: 'var(--text-strong, #e6e9ef)',
    border: '1px solid var(--border-soft, #333842)',
    borderRadius: '4px',
    padding: '5px 7px',
    fontFamily: 'var(--font-mono)',
    fontSize: '12px',
    lineHeight: '1.45',
    outline: 'none',
  },
  '.cm-apply-input:focus': { borderColor: 'var(--accent, #4d8dff)' },
  '.cm-apply-input:disabled': { opacity: '0.5' },
  '.cm-apply-box:focus': { outline: 'none' },
  '.cm-apply-footer': { display: 'flex', alignItems: 'center', gap: '6px', marginTop: '6px' },
  '.cm-apply-status': { flex: '1', minWidth: '0', color: 'var(--text-muted, #7f848e)', overflowWrap: 'anywhere' },
  '.cm-apply-status[data-state=error]': { color: 'var(--danger, #e06c75)' },
  '.cm-apply-status[data-state=done]': { color: 'var(--success, #98c379)' },
  '.cm-apply-button': {
    backgroundColor: 'var(--bg-elevated, #2f343e)',
    border: '1px solid var(--border-soft, #333842)',
    borderRadius: '4px',
    padding: '3px 10px',
    fontFamily: 'var(--font-ui)',
    fontSize: '12px',
    color: 'var(--text, #abb2bf)',
    cursor: 'pointer',
  },
  '.cm-apply-button:hover:not(:disabled)': { backgroundColor: 'var(--bg-selected, #3a3f4b)' },
  '.cm-apply-button:disabled': { opacity: '0.5', cursor: 'default' },
  '.cm-apply-button-primary': { backgroundColor: 'var(--accent, #4d8dff)', borderColor: 'var(--accent, #4d8dff)', color: '#fff' },
  '.cm-apply-button-primary:hover:not(:disabled)': { backgroundColor: 'var(--accent-strong, #6ea1ff)' },
  '.cm-apply-review': {
    position: 'absolute',
    inset: '0',
    zIndex: '250',
    display: 'flex',
    flexDirection: 'column',
    backgroundColor: 'var(--bg, #282c34)',
    outline: 'none',
  },
  '.cm-apply-review-bar': {
    flex: 'none',
    display: 'flex',
    alignItems: 'center',
    gap: '8px',
    padding: '6px 10px',
    borderBottom: '1px solid var(--border, #181a1f)',
    backgroundColor: 'var(--bg-chrome, #1e2227)',
    fontFamily: 'var(--font-ui)',
    fontSize: '12px',
  },
  '.cm-apply-review-title': { color: 'var(--text-strong, #e6e9ef)', fontWeight: '600' },
  '.cm-apply-review-editor': { flex: '1', minHeight: '0', position: 'relative' },
  '.cm-apply-review-editor > .cm-editor': { position: 'absolute', inset: '0', height: 'auto' },
  '.cm-apply-review .cm-chunkButtons': { display: 'flex', gap: '4px', padding: '2px 0' },
  '.cm-apply-review .cm-chunkButtons .cm-apply-button': { padding: '1px 8px', fontSize: '11px' },
  // Folded unchanged lines: the merge view's own marks (U+299A) are missing from common fonts.
  '.cm-apply-review .cm-collapsedLines:before': { content: '"\\2195"' },
  '.cm-apply-review .cm-collapsedLines:after': { content: 'none' },
  // Changed text tinted rather than underlined: the merge view's line along the text's foot hides
  // underscores (`is_marker_line` read as three words).
  '.cm-apply-review .cm-editor .cm-changedText': { background: 'rgba(120, 220, 120, 0.22)', borderRadius: '2px' },
  '.cm-apply-review .cm-editor .cm-deletedChunk .cm-deletedText': { background: 'rgba(240, 110, 100, 0.25)', borderRadius: '2px' },
});
