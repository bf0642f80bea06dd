'use client';

import type { KeyboardEvent, MouseEvent, ReactNode } from 'react';
import { FileIcon, FolderIcon } from './FileIcon';
import type { TreeNode } from './file-tree-model';
import { indent } from './InlineNameInput';

export interface TreeRowsProps {
  nodes: TreeNode[];
  depth: number;
  expanded: ReadonlySet<string>;
  activePath: string | null;
  canEdit: boolean;
  /** The folder that should show a "new entry" input at the top of its children ('' for the root). */
  createIn: string | null;
  createInput: ReactNode;
  renaming: string | null;
  renameInput: ReactNode;
  onActivate: (node: TreeNode) => void;
  onMenu: (node: TreeNode, x: number, y: number) => void;
  onKey: (node: TreeNode, e: KeyboardEvent<HTMLDivElement>) => void;
}

/** One level of the file tree, recursing into expanded folders. */
export function TreeRows(props: TreeRowsProps) {
  const { nodes, depth, expanded, activePath, canEdit, createIn, createInput, renaming, renameInput } = props;
  return (
    <>
      {nodes.map((node) => {
        const open = node.kind === 'folder' && expanded.has(node.path);
        const row =
          renaming === node.path ? (
            <div key={node.path}>{renameInput}</div>
          ) : (
            <Row
              key={node.path}
              node={node}
              depth={depth}
              open={open}
              active={node.path === activePath}
              canEdit={canEdit}
              onActivate={props.onActivate}
              onMenu={props.onMenu}
              onKey={props.onKey}
            />
          );
        if (node.kind !== 'folder' || !open) return row;
        return (
          <div key={node.path} role="group">
            {row}
            {createIn === node.path && createInput}
            <TreeRows {...props} nodes={node.children} depth={depth + 1} />
          </div>
        );
      })}
    </>
  );
}

interface RowProps {
  node: TreeNode;
  depth: number;
  open: boolean;
  active: boolean;
  canEdit: boolean;
  onActivate: (node: TreeNode) => void;
  onMenu: (node: TreeNode, x: number, y: number) => void;
  onKey: (node: TreeNode, e: KeyboardEvent<HTMLDivElement>) => void;
}

function Row({ node, depth, open, active, canEdit, onActivate, onMenu, onKey }: RowProps) {
  const isFile = node.kind === 'file';
  const openMenu = (e: MouseEvent) => {
    e.preventDefault();
    e.stopPropagation();
    onMenu(node, e.clientX, e.clientY);
  };
  return (
    <div
      role="treeitem"
      tabIndex={-1}
      aria-selected={active}
      aria-expanded={isFile ? undefined : open}
      className={'tree-row' + (active ? ' active' : '') + (isFile ? ' file' : ' folder')}
      style={{ paddingLeft: indent(depth) }}
      data-testid={isFile ? 'tree-item' : 'tree-folder'}
      data-path={node.path}
      title={node.path}
      onClick={() => onActivate(node)}
      onContextMenu={canEdit ? openMenu : undefined}
      onKeyDown={(e) => onKey(node, e)}
    >
      {isFile ? <FileIcon path={node.path} /> : <FolderIcon open={open} />}
      <span className="tree-name">{node.name}</span>
      {canEdit && (
        <button
          type="button"
          className="tree-row-action"
          aria-label={`Actions for ${node.name}`}
          tabIndex={-1}
          onClick={(e) => {
            e.stopPropagation();
            const r = e.currentTarget.getBoundingClientRect();
            onMenu(node, r.left, r.bottom);
          }}
        >
          ⋯
        </button>
      )}
    </div>
  );
}
