import type { FileListing } from './workspace-api';

export interface TreeFolder {
  kind: 'folder';
  name: string;
  path: string;
  children: TreeNode[];
}

export interface TreeFile {
  kind: 'file';
  name: string;
  path: string;
  size: number;
}

export type TreeNode = TreeFolder | TreeFile;

/** Builds the nested tree from the flat listing: folders first, then files, each by name. */
export function buildTree(listing: FileListing): TreeNode[] {
  const root: TreeFolder = { kind: 'folder', name: '', path: '', children: [] };
  const folders = new Map<string, TreeFolder>([['', root]]);

  const folderAt = (path: string): TreeFolder => {
    const existing = folders.get(path);
    if (existing) return existing;
    const slash = path.lastIndexOf('/');
    const parent = folderAt(slash < 0 ? '' : path.slice(0, slash));
    const folder: TreeFolder = { kind: 'folder', name: path.slice(slash + 1), path, children: [] };
    parent.children.push(folder);
    folders.set(path, folder);
    return folder;
  };

  for (const dir of listing.dirs) folderAt(dir);
  for (const file of listing.files) {
    const slash = file.path.lastIndexOf('/');
    const parent = folderAt(slash < 0 ? '' : file.path.slice(0, slash));
    parent.children.push({ kind: 'file', name: file.path.slice(slash + 1), path: file.path, size: file.size });
  }
  for (const folder of folders.values()) folder.children.sort(compareNodes);
  return root.children;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compareNodes(a: TreeNode, b: TreeNode): number {
  if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
  return collator.compare(a.name, b.name);
}

/** Every folder that contains `path`, outermost first ("src", "src/lib" for "src/lib/a.ts"). */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}
