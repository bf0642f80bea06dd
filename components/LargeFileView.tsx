'use client';

import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useRef, useState } from 'react';
import { cursorOf } from './editor/cursor-position';
import { commonExtensions } from './editor/editor-extensions';
import { readOnlyCompartment } from './editor/read-only';
import { focusIsFree } from './focus-is-free';
import type { EditorCallbacks } from './DocEditor';
import type { WorkspaceApi } from './workspace-api';

interface LargeFileViewProps extends Omit<EditorCallbacks, 'onStatus'> {
  path: string;
  api: WorkspaceApi;
  active: boolean;
}

/** A file too large for a live document: its content fetched once and shown read-only. */
export function LargeFileView({ path, api, active, onCursor, onView }: LargeFileViewProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const latest = useRef({ onCursor, onView, active });
  useEffect(() => {
    latest.current = { onCursor, onView, active };
  });

  useEffect(() => {
    let view: EditorView | null = null;
    let cancelled = false;
    api.readText(path).then(
      (text) => {
        if (cancelled || !hostRef.current) return;
        view = new EditorView({
          parent: hostRef.current,
          state: EditorState.create({
            doc: text,
            extensions: [
              commonExtensions(path, (pos) => latest.current.active && latest.current.onCursor(path, pos)),
              readOnlyCompartment(true).extension,
            ],
          }),
        });
        latest.current.onView(path, view);
        if (latest.current.active) {
          if (focusIsFree()) view.focus();
          latest.current.onCursor(path, cursorOf(view));
        }
        setLoaded(true);
      },
      (e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
      if (view) latest.current.onView(path, null);
      view?.destroy();
    };
  }, [api, path]);

  return (
    <div className="large-file">
      <div className="editor-banner" data-testid="too-large-notice">
        This file is larger than 1 MiB and opens read-only.
      </div>
      {!loaded && !error && <div className="editor-notice subtle">Loading…</div>}
      {error && (
        <div className="editor-notice error" role="alert">
          {error}
        </div>
      )}
      <div ref={hostRef} className="editor-host" />
    </div>
  );
}
