'use client';

import { useCallback } from 'react';
import { FileIcon } from './FileIcon';
import { rankFuzzy } from './fuzzy-match';
import { Picker, type PickerItem } from './Picker';

interface QuickOpenProps {
  paths: string[];
  /** Recently used files, most recent first; listed first when the query is empty. */
  recent: string[];
  onOpen: (path: string) => void;
  onClose: () => void;
}

interface FileItem extends PickerItem {
  path: string;
}

/** Ctrl/Cmd+P: open a file by typing part of its path. */
export function QuickOpen({ paths, recent, onOpen, onClose }: QuickOpenProps) {
  const search = useCallback(
    (query: string): FileItem[] => {
      if (!query.trim()) {
        const known = new Set(paths);
        const ordered = [...recent.filter((p) => known.has(p)), ...paths.filter((p) => !recent.includes(p))];
        return ordered.slice(0, 200).map((path) => toItem(path));
      }
      return rankFuzzy(query, paths, (p) => p).map((r) => toItem(r.item, r.positions));
    },
    [paths, recent],
  );

  return (
    <Picker
      testId="quick-open"
      ariaLabel="Quick open"
      placeholder="Search files by name"
      emptyText="No matching files"
      search={search}
      onPick={(item) => onOpen(item.path)}
      onClose={onClose}
    />
  );
}

function toItem(path: string, positions?: number[]): FileItem {
  return { key: path, path, label: path, positions, icon: <FileIcon path={path} /> };
}
