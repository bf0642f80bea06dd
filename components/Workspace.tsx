'use client';

import type { EditorView } from '@codemirror/view';
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { buildCommands, type Command } from './commands';
import { CommandPalette } from './CommandPalette';
import type { CursorPosition } from './editor/cursor-position';
import type { DocStatus, SaveState } from './editor/doc-sync';
import { languageForPath } from './editor/language-for-path';
import { EditorPane } from './EditorPane';
import { FileTree, type FileTreeHandle } from './FileTree';
import { QuickOpen } from './QuickOpen';
import { StatusBar } from './StatusBar';
import { TabBar } from './TabBar';
import { initialTabs, tabsReducer } from './tabs-state';
import { useFileListing } from './use-file-listing';
import { useGlobalShortcuts } from './use-global-shortcuts';
import { useWorkspaceEvents } from './use-workspace-events';
import { useWorkspaceInfo } from './use-workspace-info';
import { useRememberedTabs } from './use-remembered-tabs';
import { useWorkspaceSocket } from './use-workspace-socket';
import { WorkspaceApi } from './workspace-api';

type Overlay = 'quick-open' | 'palette' | null;

/** The IDE for one workspace: file tree, tabs, editors, status bar, quick open and command palette. */
export function Workspace({ id }: { id: string }) {
  const api = useMemo(() => new WorkspaceApi(id), [id]);
  const { info, error: infoError } = useWorkspaceInfo(api);
  const { listing, error: listingError, refresh } = useFileListing(api);
  const { socket, connection } = useWorkspaceSocket(id);
  const [{ tabs, active, recent }, dispatch] = useReducer(tabsReducer, initialTabs);
  const [saveStates, setSaveStates] = useState<Readonly<Record<string, SaveState>>>({});
  const [cursor, setCursor] = useState<CursorPosition | null>(null);
  const [sidebar, setSidebar] = useState(true);
  const [overlay, setOverlay] = useState<Overlay>(null);
  const views = useRef(new Map<string, EditorView>());
  const tree = useRef<FileTreeHandle>(null);
  const activeRef = useRef(active);
  useLayoutEffect(() => {
    activeRef.current = active;
  }, [active]);
  // The newly active editor reports its own cursor; until then (or for binary files) show none.
  useEffect(() => setCursor(null), [active]);

  const canEdit = info?.role === 'edit';
  const focusEditor = useCallback(() => {
    const path = activeRef.current;
    if (path) views.current.get(path)?.focus();
  }, []);

  const openFile = useCallback((path: string) => dispatch({ type: 'open', path }), []);
  useRememberedTabs(id, listing, tabs, active, openFile);
  const closeTab = useCallback((path: string) => {
    dispatch({ type: 'close', path });
    setSaveStates((prev) => {
      if (!(path in prev)) return prev;
      const next = { ...prev };
      delete next[path];
      return next;
    });
  }, []);
  const closeActive = useCallback(() => {
    if (activeRef.current) closeTab(activeRef.current);
  }, [closeTab]);
  const onMoved = useCallback((from: string, to: string) => dispatch({ type: 'move', from, to }), []);
  const onDeleted = useCallback((path: string) => dispatch({ type: 'close-under', path }), []);

  useWorkspaceEvents(socket, {
    treeChanged: (msg) => {
      refresh();
      // Tabs follow files deleted or renamed by anyone, not only through this tree.
      if (msg?.reason === 'deleted') dispatch({ type: 'close-under', path: msg.path });
      else if (msg?.reason === 'renamed' && msg.to) dispatch({ type: 'move', from: msg.path, to: msg.to });
    },
    docReset: (msg) => {
      if (msg.reason === 'renamed' && msg.to) dispatch({ type: 'move', from: msg.path, to: msg.to });
      // The file's content was replaced (for instance by binary data): reopen to show what it is now.
      else if (msg.reason === 'replaced') dispatch({ type: 'reopen', path: msg.path });
      else dispatch({ type: 'close', path: msg.path });
    },
  });

  const onStatus = useCallback((path: string, status: DocStatus) => {
    setSaveStates((prev) => (prev[path] === status.saveState ? prev : { ...prev, [path]: status.saveState }));
  }, []);
  const onCursor = useCallback((path: string, position: CursorPosition) => {
    if (path === activeRef.current) setCursor(position);
  }, []);
  const onView = useCallback((path: string, view: EditorView | null) => {
    if (view) views.current.set(path, view);
    else views.current.delete(path);
  }, []);

  const showSidebarThen = (action: () => void) => {
    setSidebar(true);
    // The tree must be mounted before it can show its inline name box.
    requestAnimationFrame(action);
  };

  const commands: Command[] = buildCommands({
    canEdit,
    hasActiveFile: active !== null,
    activeView: () => (activeRef.current ? (views.current.get(activeRef.current) ?? null) : null),
    newFile: () => showSidebarThen(() => tree.current?.create('file')),
    newFolder: () => showSidebarThen(() => tree.current?.create('folder')),
    renameActive: () => active && showSidebarThen(() => tree.current?.rename(active)),
    deleteActive: () => active && showSidebarThen(() => tree.current?.remove(active)),
    closeTab: closeActive,
    toggleSidebar: () => setSidebar((s) => !s),
    quickOpen: () => setOverlay('quick-open'),
  });

  useGlobalShortcuts({
    quickOpen: () => setOverlay('quick-open'),
    commandPalette: () => setOverlay('palette'),
    closeTab: closeActive,
    toggleSidebar: () => setSidebar((s) => !s),
  });

  const closeOverlay = useCallback(() => {
    setOverlay(null);
    focusEditor();
  }, [focusEditor]);

  const paths = useMemo(() => listing?.files.map((f) => f.path) ?? [], [listing]);

  if (infoError) {
    return (
      <div className="workspace-message" role="alert">
        <h1>Could not open this workspace</h1>
        <p>{infoError}</p>
        <a href="/">Back to Lookahead</a>
      </div>
    );
  }
  if (!info || !socket) return <div className="workspace-message subtle">Loading workspace…</div>;

  return (
    <div className="workspace" data-role={info.role}>
      <div className="workspace-main">
        {sidebar && (
          <aside className="sidebar" aria-label="Explorer">
            <FileTree
              ref={tree}
              listing={listing}
              activePath={active}
              canEdit={canEdit}
              api={api}
              onOpen={openFile}
              onChanged={refresh}
              onMoved={onMoved}
              onDeleted={onDeleted}
              onDone={focusEditor}
            />
            {listingError && (
              <p className="sidebar-error" role="alert">
                {listingError}
              </p>
            )}
          </aside>
        )}
        <main className="editor-area">
          <TabBar tabs={tabs} active={active} saveStates={saveStates} onSelect={openFile} onClose={closeTab} />
          <EditorPane
            tabs={tabs}
            active={active}
            socket={socket}
            api={api}
            viewOnly={!canEdit}
            onStatus={onStatus}
            onCursor={onCursor}
            onView={onView}
          />
        </main>
      </div>
      <StatusBar
        connection={connection}
        role={info.role}
        saveState={active ? (saveStates[active] ?? 'saved') : null}
        language={active ? languageForPath(active).name : null}
        cursor={active ? cursor : null}
      />
      {overlay === 'quick-open' && (
        <QuickOpen
          paths={paths}
          recent={recent}
          onOpen={(path) => {
            // The opened tab's editor takes focus itself once it is visible.
            setOverlay(null);
            openFile(path);
          }}
          onClose={closeOverlay}
        />
      )}
      {overlay === 'palette' && (
        <CommandPalette
          commands={commands}
          onRun={(command) => {
            closeOverlay();
            command.run();
          }}
          onClose={closeOverlay}
        />
      )}
    </div>
  );
}
