'use client';

import { memo } from 'react';
import type { SaveState } from './editor/doc-sync';
import { FileIcon } from './FileIcon';
import { baseName } from '../lib/workspace-path';

export interface TabInfo {
  path: string;
  /** Changes when the tab must get a fresh editor (the file was replaced on disk). */
  key: string;
}

interface TabBarProps {
  tabs: TabInfo[];
  active: string | null;
  saveStates: Readonly<Record<string, SaveState>>;
  onSelect: (path: string) => void;
  onClose: (path: string) => void;
}

/** Open files. A dot marks unsaved changes; the close button (or a middle click) closes the tab. */
export const TabBar = memo(function TabBar({ tabs, active, saveStates, onSelect, onClose }: TabBarProps) {
  const names = tabs.map((t) => baseName(t.path));
  return (
    <div className="tab-bar" role="tablist" aria-label="Open files">
      {tabs.map(({ path }, i) => {
        const state = saveStates[path] ?? 'saved';
        const isActive = path === active;
        // Two open files with the same name get their folder shown to tell them apart.
        const duplicate = names.indexOf(names[i]) !== i || names.lastIndexOf(names[i]) !== i;
        return (
          <div
            key={path}
            role="tab"
            aria-selected={isActive}
            tabIndex={isActive ? 0 : -1}
            className={'tab' + (isActive ? ' active' : '') + (state !== 'saved' ? ' dirty' : '')}
            data-testid="tab"
            data-path={path}
            data-save-state={state}
            title={path}
            onClick={() => onSelect(path)}
            onMouseDown={(e) => {
              if (e.button === 1) e.preventDefault();
            }}
            onAuxClick={(e) => {
              if (e.button === 1) onClose(path);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') onSelect(path);
            }}
          >
            <FileIcon path={path} />
            <span className="tab-name">{names[i]}</span>
            {duplicate && <span className="tab-folder">{path.slice(0, path.length - names[i].length - 1)}</span>}
            <button
              type="button"
              className="tab-close"
              aria-label={`Close ${names[i]}`}
              data-testid="tab-close"
              tabIndex={-1}
              onClick={(e) => {
                e.stopPropagation();
                onClose(path);
              }}
            >
              <span className="tab-dot" aria-hidden="true" />
              <span className="tab-x" aria-hidden="true">
                ×
              </span>
            </button>
          </div>
        );
      })}
    </div>
  );
});
