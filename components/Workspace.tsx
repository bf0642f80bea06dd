'use client';

import { EditorView } from '@codemirror/view';
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore } from 'react';
import type { LangLocation } from '../lib/protocol';
import { buildCommands, type Command } from './commands';
import { CommandPalette } from './CommandPalette';
import type { CursorPosition } from './editor/cursor-position';
import type { DocStatus, SaveState } from './editor/doc-sync';
import { languageForPath } from './editor/language-for-path';
import type { LanguageTools } from './DocEditor';
import { EditorPane } from './EditorPane';
import { FileTree, type FileTreeHandle } from './FileTree';
import { ProblemsStore } from './problems-store';
import { countProblems, ProblemsPanel } from './ProblemsPanel';
import { QuickOpen } from './QuickOpen';
import { ReferencesPicker } from './ReferencesPicker';
import { SessionRevokedNotice } from './SessionRevokedNotice';
import { ShareDialog } from './ShareDialog';
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

type Overlay = 'quick-open' | 'palette' | 'share' | { references: LangLocation[] } | null;

/** Puts the cursor at `offset` and scrolls it into the middle of the view. */
function reveal(view: EditorView, offset: number): void {
  const pos = Math.min(offset, view.state.doc.length);
  view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
  view.focus();
}

/**
 * The IDE for one workspace: file tree, tabs, editors, status bar, quick open, command palette,
 * the Problems panel and the share dialog.
 */
export function Workspace({ id }: { id: string }) {
  const api = useMemo(() => new WorkspaceApi(id), [id]);
  const { info, error: infoError } = useWorkspaceInfo(api);
  const { listing, error: listingError, refresh } = useFileListing(api);
  const { socket, connection, revoked } = useWorkspaceSocket(id);
  const [{ tabs, active, recent }, dispatch] = useReducer(tabsReducer, initialTabs);
  const [saveStates, setSaveStates] = useState<Readonly<Record<string, SaveState>>>({});
  const [cursor, setCursor] = useState<CursorPosition | null>(null);
  const [sidebar, setSidebar] = useState(true);
  const [overlay, setOverlay] = useState<Overlay>(null);
  const [problemsOpen, setProblemsOpen] = useState(false);
  const views = useRef(new Map<string, EditorView>());
  /** Where to put the cursor once a file opened by go-to-definition (or a problem) is shown. */
  const pendingReveal = useRef<{ path: string; offset: number } | null>(null);
  const tree = useRef<FileTreeHandle>(null);
  const activeRef = useRef(active);
  useLayoutEffect(() => {
    activeRef.current = active;
  }, [active]);
  // The newly active editor reports its own cursor; until then (or for binary files) show none.
  useEffect(() => setCursor(null), [active]);

  // A revoked session keeps showing what it has but can change nothing.
  const canEdit = info?.role === 'edit' && !revoked;
  const focusEditor = useCallback(() => {
    const path = activeRef.current;
    if (path) views.current.get(path)?.focus();
  }, []);

  const openFile = useCallback((path: string) => dispatch({ type: 'open', path }), []);
  const problems = useMemo(() => (socket ? new ProblemsStore(socket) : null), [socket]);
  useEffect(() => () => problems?.destroy(), [problems]);
  const problemsVersion = useSyncExternalStore(
    useCallback((listener: () => void) => problems?.subscribe(listener) ?? (() => {}), [problems]),
    () => problems?.getVersion() ?? 0,
    () => 0,
  );
  const problemCounts = useMemo(() => countProblems(problems?.all() ?? []), [problems, problemsVersion]);

  /** Reveals the pending position if its file's editor is the active one (after its own focus frame). */
  const revealPending = useCallback(() => {
    const pending = pendingReveal.current;
    const view = pending && pending.path === activeRef.current ? views.current.get(pending.path) : undefined;
    if (!pending || !view) return;
    pendingReveal.current = null;
    requestAnimationFrame(() => reveal(view, pending.offset));
  }, []);
  const goTo = useCallback(
    (path: string, offset: number) => {
      pendingReveal.current = { path, offset };
      if (path === activeRef.current) revealPending();
      else openFile(path);
    },
    [openFile, revealPending],
  );
  useEffect(() => revealPending(), [active, revealPending]);
  const language: LanguageTools | null = useMemo(
    () => (problems ? { problems, goTo, showReferences: (locations: LangLocation[]) => setOverlay({ references: locations }) } : null),
    [problems, goTo],
  );
  const toggleProblems = useCallback(() => {
    problems?.start();
    setProblemsOpen((open) => !open);
  }, [problems]);
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
  const onView = useCallback(
    (path: string, view: EditorView | null) => {
      if (view) views.current.set(path, view);
      else views.current.delete(path);
      if (view) revealPending();
    },
    [revealPending],
  );

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
    toggleProblems,
    share: () => setOverlay('share'),
  });

  useGlobalShortcuts({
    quickOpen: () => setOverlay('quick-open'),
    commandPalette: () => setOverlay('palette'),
    closeTab: closeActive,
    toggleSidebar: () => setSidebar((s) => !s),
    toggleProblems,
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
  if (!info || !socket || !problems || !language) return <div className="workspace-message subtle">Loading workspace…</div>;

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
            language={language}
            onStatus={onStatus}
            onCursor={onCursor}
            onView={onView}
          />
          {problemsOpen && <ProblemsPanel problems={problems} onOpen={goTo} onClose={() => setProblemsOpen(false)} />}
        </main>
      </div>
      <StatusBar
        connection={connection}
        role={info.role}
        saveState={active ? (saveStates[active] ?? 'saved') : null}
        language={active ? languageForPath(active).name : null}
        cursor={active ? cursor : null}
        problems={problemCounts}
        onProblems={toggleProblems}
        onShare={canEdit ? () => setOverlay('share') : undefined}
      />
      {overlay === 'share' && canEdit && <ShareDialog api={api} currentLinkId={info.linkId} onClose={closeOverlay} />}
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
      {overlay !== null && typeof overlay === 'object' && (
        <ReferencesPicker
          locations={overlay.references}
          onPick={(location) => {
            setOverlay(null);
            goTo(location.path, location.from);
          }}
          onClose={closeOverlay}
        />
      )}
      {revoked && <SessionRevokedNotice />}
    </div>
  );
}
