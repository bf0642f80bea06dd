/**
 * Language intelligence in a TypeScript or JavaScript editor, answered by the server's language
 * service over the workspace socket: hover (type and docs), F12 / Mod-click go to definition,
 * Shift-F12 references, F2 rename, completion from the service, and squiggles for the diagnostics
 * the server pushes. Offsets are this document's positions; the server answers from its live copy,
 * which has every edit sent before the request.
 */
import type { Completion, CompletionSource } from '@codemirror/autocomplete';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Facet, StateEffect, StateField, type Extension } from '@codemirror/state';
import { EditorView, hoverTooltip, keymap, showTooltip, type Command, type Tooltip } from '@codemirror/view';
import type { Socket } from 'socket.io-client';
import type { Ack, LangCompletionsReply, LangDiagnostic, LangHoverReply, LangLocation, LangLocationsReply, LangRenameReply } from '../../lib/protocol';

export interface LanguageIntelConfig {
  socket: Socket;
  path: string;
  editable: () => boolean;
  /** Shows `path` at `offset` (this file or another, opened as a tab). */
  goTo: (path: string, offset: number) => void;
  showReferences: (locations: LangLocation[]) => void;
}

const intelConfig = Facet.define<LanguageIntelConfig, LanguageIntelConfig | null>({ combine: (values) => values[0] ?? null });

/** How long a language request may take before the editor stops waiting for it. */
const REQUEST_TIMEOUT_MS = 10_000;

function ask<T>(config: LanguageIntelConfig, event: string, payload: object): Promise<Ack<T> | null> {
  if (!config.socket.connected) return Promise.resolve(null);
  return (config.socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck(event, { path: config.path, ...payload }) as Promise<Ack<T>>).catch(() => null);
}

/** Shows the server's diagnostics as squiggles; positions past the end (text typed since) are clamped. */
export function showDiagnostics(view: EditorView, diagnostics: readonly LangDiagnostic[]): void {
  const length = view.state.doc.length;
  const shown: Diagnostic[] = diagnostics.map((d) => {
    const from = Math.min(d.from, length);
    return { from, to: Math.max(from, Math.min(d.to, length)), severity: d.severity, message: d.message, source: `ts(${d.code})` };
  });
  view.dispatch(setDiagnostics(view.state, shown));
}

const wordAt = (view: EditorView, pos: number) => view.state.wordAt(pos);

export const goToDefinition: Command = (view) => {
  const config = view.state.facet(intelConfig);
  if (!config) return false;
  void ask<LangLocationsReply>(config, 'lang:definition', { offset: view.state.selection.main.head }).then((reply) => {
    const target = reply?.ok ? reply.locations[0] : undefined;
    if (target) config.goTo(target.path, target.from);
  });
  return true;
};

export const findReferences: Command = (view) => {
  const config = view.state.facet(intelConfig);
  if (!config) return false;
  void ask<LangLocationsReply>(config, 'lang:references', { offset: view.state.selection.main.head }).then((reply) => {
    if (reply?.ok) config.showReferences(reply.locations);
  });
  return true;
};

// Rename: F2 opens a small box at the symbol, Enter applies (on the server), Escape closes.
const openRename = StateEffect.define<{ pos: number; name: string } | null>();

const renameField = StateField.define<Tooltip | null>({
  create: () => null,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(openRename)) return e.value ? renameTooltip(e.value.pos, e.value.name) : null;
    if (value && tr.docChanged) return null;
    return value;
  },
  provide: (f) => showTooltip.from(f),
});

function renameTooltip(pos: number, name: string): Tooltip {
  return {
    pos,
    above: true,
    create: (view) => {
      const dom = document.createElement('div');
      dom.className = 'cm-lang-rename';
      const input = document.createElement('input');
      input.className = 'cm-textfield';
      input.value = name;
      input.spellcheck = false;
      input.setAttribute('data-testid', 'rename-input');
      input.setAttribute('aria-label', `Rename ${name}`);
      const message = document.createElement('div');
      message.className = 'cm-lang-rename-message';
      const close = () => {
        view.dispatch({ effects: openRename.of(null) });
        view.focus();
      };
      input.addEventListener('keydown', (e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          close();
        } else if (e.key === 'Enter') {
          e.preventDefault();
          const config = view.state.facet(intelConfig);
          const newName = input.value.trim();
          if (!config || !newName || newName === name) return close();
          input.disabled = true;
          void ask<LangRenameReply>(config, 'lang:rename', { offset: pos, newName }).then((reply) => {
            if (reply?.ok) return close();
            input.disabled = false;
            message.textContent = reply ? reply.error.message : 'Rename failed: not connected';
          });
        }
      });
      dom.append(input, message);
      return {
        dom,
        mount: () => {
          input.focus();
          input.select();
        },
      };
    },
  };
}

export const renameSymbol: Command = (view) => {
  const config = view.state.facet(intelConfig);
  if (!config || !config.editable()) return false;
  const word = wordAt(view, view.state.selection.main.head);
  if (!word) return false;
  view.dispatch({ effects: openRename.of({ pos: word.from, name: view.state.sliceDoc(word.from, word.to) }) });
  return true;
};

const hover = hoverTooltip(
  async (view, pos) => {
    const config = view.state.facet(intelConfig);
    if (!config) return null;
    const reply = await ask<LangHoverReply>(config, 'lang:hover', { offset: pos });
    const info = reply?.ok ? reply.hover : null;
    if (!info || info.to > view.state.doc.length) return null;
    return {
      pos: info.from,
      end: info.to,
      above: true,
      create: () => {
        const dom = document.createElement('div');
        dom.className = 'cm-lang-hover';
        dom.setAttribute('data-testid', 'hover-info');
        const type = document.createElement('pre');
        type.className = 'cm-lang-hover-type';
        type.textContent = info.display;
        dom.append(type);
        if (info.docs) {
          const docs = document.createElement('div');
          docs.className = 'cm-lang-hover-docs';
          docs.textContent = info.docs;
          dom.append(docs);
        }
        return { dom };
      },
    };
  },
  { hoverTime: 350 },
);

/** Mod-click (Cmd on macOS, Ctrl elsewhere) on a name goes to its definition. */
const modClick = EditorView.domEventHandlers({
  mousedown(event, view) {
    const mac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
    if (event.button !== 0 || !(mac ? event.metaKey : event.ctrlKey)) return false;
    const pos = view.posAtCoords({ x: event.clientX, y: event.clientY });
    if (pos === null || !wordAt(view, pos)) return false;
    event.preventDefault();
    view.dispatch({ selection: { anchor: pos } });
    return goToDefinition(view);
  },
});

const completionTypes: Record<string, string> = {
  function: 'function',
  'local function': 'function',
  method: 'method',
  property: 'property',
  getter: 'property',
  setter: 'property',
  var: 'variable',
  'local var': 'variable',
  let: 'variable',
  parameter: 'variable',
  const: 'constant',
  class: 'class',
  'local class': 'class',
  interface: 'interface',
  type: 'type',
  enum: 'enum',
  'enum member': 'enum',
  module: 'namespace',
  alias: 'variable',
  keyword: 'keyword',
};

/** Completion from the language service: after a name's first character, after `.`, or on Ctrl-Space. */
export function languageCompletions(socket: Socket, path: string): CompletionSource {
  return async (context) => {
    const word = context.matchBefore(/[\w$]+/);
    const afterDot = context.state.sliceDoc(context.pos - 1, context.pos) === '.';
    if (!context.explicit && !word && !afterDot) return null;
    if (!socket.connected) return null;
    const reply = (await (socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck('lang:completions', { path, offset: context.pos }) as Promise<Ack<LangCompletionsReply>>).catch(
      () => null,
    )) as Ack<LangCompletionsReply> | null;
    if (context.aborted || !reply?.ok || reply.completions.length === 0) return null;
    // The server lists entries best first; boost keeps that order among equally good matches.
    const options: Completion[] = reply.completions.map((c, i) => ({
      label: c.label,
      type: completionTypes[c.kind] ?? 'text',
      boost: -Math.floor((i * 99) / reply.completions.length),
    }));
    return { from: word ? word.from : context.pos, options, validFor: /^[\w$]*$/ };
  };
}

export function languageIntel(config: LanguageIntelConfig): Extension {
  return [
    intelConfig.of(config),
    hover,
    modClick,
    renameField,
    lintGutter(),
    keymap.of([
      { key: 'F12', run: goToDefinition },
      { key: 'Shift-F12', run: findReferences },
      { key: 'F2', run: renameSymbol },
    ]),
    EditorView.baseTheme({
      '.cm-lang-hover': { maxWidth: '640px', maxHeight: '320px', overflow: 'auto', padding: '6px 10px', fontSize: '12px' },
      '.cm-lang-hover-type': { margin: 0, fontFamily: 'var(--font-mono)', whiteSpace: 'pre-wrap', color: 'var(--text-strong)' },
      '.cm-lang-hover-docs': { marginTop: '6px', paddingTop: '6px', borderTop: '1px solid var(--border-soft)', whiteSpace: 'pre-wrap', fontFamily: 'var(--font-ui)' },
      '.cm-lang-rename': { padding: '4px', fontFamily: 'var(--font-ui)' },
      '.cm-lang-rename input': { width: '220px', fontFamily: 'var(--font-mono)' },
      '.cm-lang-rename-message:not(:empty)': { color: 'var(--danger)', fontSize: '12px', padding: '4px 2px 0', maxWidth: '320px' },
    }),
  ];
}
