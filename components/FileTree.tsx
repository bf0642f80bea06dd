'use client';

import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import { baseName, parentOf } from '../lib/workspace-path';
import { ConfirmDialog } from './ConfirmDialog';
import { ContextMenu, type MenuItem } from './ContextMenu';
import { FileIcon, FolderIcon } from './FileIcon';
import { NewFileIcon, NewFolderIcon } from './icons';
import { ancestorsOf, buildTree, type TreeNode } from './file-tree-model';
import { InlineNameInput } from './InlineNameInput';
import { TreeRows } from './TreeRows';
import { resolveTypedName } from './validate-name';
import { ApiError, type FileListing, type WorkspaceApi } from './workspace-api';

/** Lets the command palette start the same create/rename/delete flows as the tree's own menus. */
export interface FileTreeHandle {
  create(kind: 'file' | 'folder', parent?: string): void;
  rename(path: string): void;
  remove(path: string): void;
}

interface FileTreeProps {
  ref?: Ref<FileTreeHandle>;
  listing: FileListing | null;
  activePath: string | null;
  canEdit: boolean;
  api: WorkspaceApi;
  onOpen: (path: string) => void;
  /** The tree changed on the server: refetch the listing. */
  onChanged: () => void;
  onMoved: (from: string, to: string) => void;
  onDeleted: (path: string) => void;
  /** A tree interaction ended without opening a file: give focus back to the editor. */
  onDone: () => void;
}

const SMALL_PROJECT_ENTRIES = 100;

type Editing = { mode: 'file' | 'folder'; parent: string } | { mode: 'rename'; path: string };

export function FileTree({ ref, listing, activePath, canEdit, api, onOpen, onChanged, onMoved, onDeleted, onDone }: FileTreeProps) {
  const tree = useMemo(() => (listing ? buildTree(listing) : []), [listing]);
  const files = useMemo(() => new Set(listing?.files.map((f) => f.path)), [listing]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const [editing, setEditing] = useState<Editing | null>(null);
  const [menu, setMenu] = useState<{ node: TreeNode; x: number; y: number } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  const expand = useCallback((paths: string[]) => {
    setExpanded((prev) => (paths.every((p) => prev.has(p)) ? prev : new Set([...prev, ...paths])));
  }, []);

  useEffect(() => {
    if (activePath) expand(ancestorsOf(activePath));
  }, [activePath, expand]);

  // A small project opens fully expanded so every file is one click away; a large one starts
  // with only its top-level folders open.
  const initialised = useRef(false);
  useEffect(() => {
    if (!listing || initialised.current) return;
    initialised.current = true;
    const small = listing.files.length + listing.dirs.length <= SMALL_PROJECT_ENTRIES;
    expand(small ? listing.dirs.flatMap((d) => [...ancestorsOf(d), d]) : listing.dirs.filter((d) => !d.includes('/')));
  }, [listing, expand]);

  const toggle = (path: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (!next.delete(path)) next.add(path);
      return next;
    });

  const startCreate = useCallback(
    (kind: 'file' | 'folder', parent = '') => {
      if (parent) expand([...ancestorsOf(parent), parent]);
      setEditing({ mode: kind, parent });
    },
    [expand],
  );

  useImperativeHandle(
    ref,
    () => ({
      create: startCreate,
      rename: (path) => {
        expand(ancestorsOf(path));
        setEditing({ mode: 'rename', path });
      },
      remove: (path) => setDeleting(path),
    }),
    [startCreate, expand],
  );

  const cancelEdit = () => {
    setEditing(null);
    onDone();
  };

  const submitCreate = async (kind: 'file' | 'folder', parent: string, typed: string): Promise<string | null> => {
    const resolved = resolveTypedName(parent, typed);
    if ('error' in resolved) return resolved.error;
    try {
      if (kind === 'file') await api.createFile(resolved.path);
      else await api.createDir(resolved.path);
    } catch (e) {
      return messageOf(e);
    }
    setEditing(null);
    expand(kind === 'folder' ? [...ancestorsOf(resolved.path), resolved.path] : ancestorsOf(resolved.path));
    onChanged();
    if (kind === 'file') onOpen(resolved.path);
    else onDone();
    return null;
  };

  const submitRename = async (from: string, typed: string): Promise<string | null> => {
    const resolved = resolveTypedName(parentOf(from), typed);
    if ('error' in resolved) return resolved.error;
    if (resolved.path !== from) {
      try {
        await api.rename(from, resolved.path);
      } catch (e) {
        return messageOf(e);
      }
      expand(ancestorsOf(resolved.path));
      onMoved(from, resolved.path);
      onChanged();
    }
    setEditing(null);
    onDone();
    return null;
  };

  const menuItems = (node: TreeNode): MenuItem[] => {
    const common: MenuItem[] = [
      { label: 'Rename…', hint: 'F2', onSelect: () => setEditing({ mode: 'rename', path: node.path }) },
      { label: 'Delete', hint: 'Del', danger: true, onSelect: () => setDeleting(node.path) },
    ];
    if (node.kind === 'file') return common;
    return [
      { label: 'New File…', onSelect: () => startCreate('file', node.path) },
      { label: 'New Folder…', onSelect: () => startCreate('folder', node.path) },
      ...common,
    ];
  };

  const activate = (node: TreeNode) => {
    if (node.kind === 'file') onOpen(node.path);
    else toggle(node.path);
  };

  const onKey = (node: TreeNode, e: KeyboardEvent<HTMLDivElement>) => {
    const isFolder = node.kind === 'folder';
    if (e.key === 'Enter' || e.key === ' ') activate(node);
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') moveFocus(rootRef.current, e.currentTarget, e.key === 'ArrowDown' ? 1 : -1);
    else if (e.key === 'ArrowRight' && isFolder && !expanded.has(node.path)) toggle(node.path);
    else if (e.key === 'ArrowLeft' && isFolder && expanded.has(node.path)) toggle(node.path);
    else if (canEdit && e.key === 'F2') setEditing({ mode: 'rename', path: node.path });
    else if (canEdit && e.key === 'Delete') setDeleting(node.path);
    else if (canEdit && (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10'))) {
      const r = e.currentTarget.getBoundingClientRect();
      setMenu({ node, x: r.left + 24, y: r.bottom });
    } else return;
    e.preventDefault();
  };

  const createParent = editing && editing.mode !== 'rename' ? editing.parent : null;
  const createInput =
    editing && editing.mode !== 'rename' ? (
      <InlineNameInput
        key={`new-${editing.mode}-${editing.parent}`}
        initial=""
        depth={editing.parent ? editing.parent.split('/').length : 0}
        icon={editing.mode === 'file' ? <FileIcon path="" /> : <FolderIcon open={false} />}
        label={editing.mode === 'file' ? 'New file name' : 'New folder name'}
        onSubmit={(v) => submitCreate(editing.mode as 'file' | 'folder', editing.parent, v)}
        onCancel={cancelEdit}
      />
    ) : null;
  const renaming = editing?.mode === 'rename' ? editing.path : null;
  const renameInput = renaming ? (
    <InlineNameInput
      key={`rename-${renaming}`}
      initial={baseName(renaming)}
      depth={renaming.split('/').length - 1}
      icon={files.has(renaming) ? <FileIcon path={renaming} /> : <FolderIcon open={false} />}
      label="New name"
      onSubmit={(v) => submitRename(renaming, v)}
      onCancel={cancelEdit}
    />
  ) : null;

  return (
    <div className="file-tree">
      <div className="sidebar-header">
        <span className="sidebar-title">Explorer</span>
        {canEdit && (
          <div className="sidebar-actions">
            <button type="button" className="icon-button" title="New file" aria-label="New file" data-testid="new-file" onClick={() => startCreate('file')}>
              <NewFileIcon />
            </button>
            <button type="button" className="icon-button" title="New folder" aria-label="New folder" data-testid="new-folder" onClick={() => startCreate('folder')}>
              <NewFolderIcon />
            </button>
          </div>
        )}
      </div>
      <div
        ref={rootRef}
        className="tree-body"
        role="tree"
        aria-label="Files"
        tabIndex={0}
        onFocus={(e) => {
          // Entering the tree with Tab lands on the active row (or the first one).
          if (e.target !== e.currentTarget) return;
          const rows = e.currentTarget.querySelectorAll<HTMLElement>('[role=treeitem]');
          ([...rows].find((r) => r.getAttribute('aria-selected') === 'true') ?? rows[0])?.focus();
        }}
      >
        {createParent === '' && createInput}
        <TreeRows
          nodes={tree}
          depth={0}
          expanded={expanded}
          activePath={activePath}
          canEdit={canEdit}
          createIn={createParent}
          createInput={createInput}
          renaming={renaming}
          renameInput={renameInput}
          onActivate={activate}
          onMenu={(node, x, y) => setMenu({ node, x, y })}
          onKey={onKey}
        />
        {listing && tree.length === 0 && !editing && <p className="tree-empty">This workspace is empty.</p>}
        {!listing && <p className="tree-empty">Loading files…</p>}
      </div>
      {menu && <ContextMenu x={menu.x} y={menu.y} items={menuItems(menu.node)} onClose={() => setMenu(null)} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${files.has(deleting) ? 'file' : 'folder'}?`}
          confirmLabel="Delete"
          onConfirm={async () => {
            try {
              await api.remove(deleting);
            } catch (e) {
              throw new Error(messageOf(e));
            }
            onDeleted(deleting);
            onChanged();
          }}
          onClose={() => {
            setDeleting(null);
            onDone();
          }}
        >
          <p>
            {files.has(deleting) ? 'Delete ' : 'Delete the folder '}
            <strong className="mono">{deleting}</strong>
            {files.has(deleting) ? '?' : ' and everything in it?'} This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

function moveFocus(root: HTMLElement | null, from: HTMLElement, step: number) {
  if (!root) return;
  const rows = [...root.querySelectorAll<HTMLElement>('[role=treeitem]')];
  rows[rows.indexOf(from) + step]?.focus();
}
