'use client';

import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import type { LangLocation } from '../lib/protocol';
import { isScriptPath } from '../lib/script-files';
import { applyEdits } from './editor/apply-box';
import { socketApplySource } from './editor/apply-source';
import { collab } from './editor/collab';
import { cursorOf, type CursorPosition } from './editor/cursor-position';
import { DocSync, type DocStatus } from './editor/doc-sync';
import { commonExtensions } from './editor/editor-extensions';
import { ghostText } from './editor/ghost-text';
import { languageForPath } from './editor/language-for-path';
import { languageCompletions, languageIntel, showDiagnostics } from './editor/language-intel';
import { presence } from './editor/presence';
import { readOnlyCompartment } from './editor/read-only';
import { socketTabSource } from './editor/tab-source';
import { focusIsFree } from './focus-is-free';
import { LargeFileView } from './LargeFileView';
import type { ProblemsStore } from './problems-store';
import type { WorkspaceApi } from './workspace-api';

export interface EditorCallbacks {
  onStatus: (path: string, status: DocStatus) => void;
  onCursor: (path: string, position: CursorPosition) => void;
  /** Called with the editor once it exists, and with null when it goes away. */
  onView: (path: string, view: EditorView | null) => void;
}

/** What a TypeScript or JavaScript editor needs from the workspace for language intelligence. */
export interface LanguageTools {
  problems: ProblemsStore;
  goTo: (path: string, offset: number) => void;
  showReferences: (locations: LangLocation[]) => void;
}

interface DocEditorProps extends EditorCallbacks {
  path: string;
  socket: Socket;
  api: WorkspaceApi;
  viewOnly: boolean;
  active: boolean;
  language: LanguageTools;
}

/**
 * One open file: its live document (DocSync) and, for text, a CodeMirror view bound to it.
 * Lives as long as the tab, so undo history and scroll position survive tab switches.
 */
export function DocEditor({ path, socket, api, viewOnly, active, language, ...callbacks }: DocEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const lockRef = useRef<{ readOnly: ReturnType<typeof readOnlyCompartment>; sync: DocSync } | null>(null);
  const [status, setStatus] = useState<DocStatus | null>(null);
  // Latest props for callbacks made from inside CodeMirror and DocSync, which are set up once.
  const latest = useRef({ callbacks, viewOnly, active, language });
  useEffect(() => {
    latest.current = { callbacks, viewOnly, active, language };
  });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const sync = new DocSync(socket, path);
    const script = isScriptPath(path);
    const editable = () => !(sync.getStatus().readOnly || latest.current.viewOnly);
    let readOnly: ReturnType<typeof readOnlyCompartment> | null = null;
    let unsubscribeProblems = () => {};
    const unsubscribe = sync.subscribe((s) => {
      const locked = s.readOnly || latest.current.viewOnly;
      if (!viewRef.current && s.kind === 'text' && s.phase === 'live') {
        readOnly = readOnlyCompartment(locked);
        lockRef.current = { readOnly, sync };
        // The document starts as the synced text; from here on yCollab keeps the two in step.
        const view = new EditorView({
          parent: host,
          state: EditorState.create({
            doc: sync.text.toString(),
            extensions: [
              collab(sync.text),
              presence(socket, sync),
              ghostText(socketTabSource(socket, path, editable)),
              applyEdits({
                source: socketApplySource(socket, path),
                editable,
                refusal: () => (latest.current.viewOnly ? 'This link is view-only: edits cannot be applied.' : 'This file is read-only: edits cannot be applied.'),
                language: () => languageForPath(path).extension(),
              }),
              commonExtensions(
                path,
                (pos) => latest.current.active && latest.current.callbacks.onCursor(path, pos),
                script ? [languageCompletions(socket, path)] : undefined,
              ),
              script
                ? languageIntel({
                    socket,
                    path,
                    editable,
                    goTo: (target, offset) => latest.current.language.goTo(target, offset),
                    showReferences: (locations) => latest.current.language.showReferences(locations),
                  })
                : [],
              readOnly.extension,
            ],
          }),
        });
        viewRef.current = view;
        if (script) {
          const { problems } = latest.current.language;
          let shown = problems.get(path);
          showDiagnostics(view, shown);
          unsubscribeProblems = problems.subscribe(() => {
            if (problems.get(path) === shown) return;
            shown = problems.get(path);
            showDiagnostics(view, shown);
          });
          problems.start();
        }
        latest.current.callbacks.onView(path, view);
      } else if (viewRef.current && readOnly) {
        readOnly.set(viewRef.current, locked);
      }
      setStatus(s);
      latest.current.callbacks.onStatus(path, s);
    });
    return () => {
      unsubscribe();
      unsubscribeProblems();
      latest.current.callbacks.onView(path, null);
      viewRef.current?.destroy();
      viewRef.current = null;
      lockRef.current = null;
      sync.destroy();
    };
  }, [socket, path]);

  // The session can lose its edit rights while the file is open (its link was revoked).
  useEffect(() => {
    const view = viewRef.current;
    const lock = lockRef.current;
    if (view && lock) lock.readOnly.set(view, viewOnly || lock.sync.getStatus().readOnly);
  }, [viewOnly]);

  const kind = status?.kind ?? null;
  // Focus the editor when its tab becomes active, or when it first appears in the active tab.
  useEffect(() => {
    const view = viewRef.current;
    if (!active || !view) return;
    // The pane was display:none a moment ago; wait for layout before focusing and measuring.
    const frame = requestAnimationFrame(() => {
      view.requestMeasure();
      if (focusIsFree()) view.focus();
      latest.current.callbacks.onCursor(path, cursorOf(view));
    });
    return () => cancelAnimationFrame(frame);
  }, [active, path, kind]);
  return (
    <div className="doc-editor" data-testid="editor" data-path={path} data-active={active} hidden={!active}>
      <div ref={hostRef} className="editor-host" hidden={kind !== 'text'} />
      {kind === null && status?.phase !== 'error' && <div className="editor-notice subtle">Opening…</div>}
      {status?.phase === 'error' && kind === null && (
        <div className="editor-notice error" role="alert">
          Could not open {path}: {status.error}
        </div>
      )}
      {kind === 'binary' && (
        <div className="editor-notice" data-testid="binary-notice">
          Binary file ({status?.size ?? 0} bytes) — not shown; it is never modified by the editor.
        </div>
      )}
      {kind === 'too-large' && <LargeFileView path={path} api={api} active={active} {...callbacks} />}
    </div>
  );
}
