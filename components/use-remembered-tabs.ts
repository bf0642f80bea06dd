'use client';

import { useEffect, useRef } from 'react';
import type { TabInfo } from './TabBar';
import type { FileListing } from './workspace-api';

/** What is kept per workspace in this browser: the open tabs in order and the active one. */
interface RememberedTabs {
  tabs: string[];
  active: string | null;
}

/** Enough for any real session; bounds what a stale entry can make the page open. */
const MAX_REMEMBERED_TABS = 30;

function storageKey(workspaceId: string): string {
  return `lookahead:tabs:${workspaceId}`;
}

function read(workspaceId: string): RememberedTabs | null {
  try {
    const value = JSON.parse(localStorage.getItem(storageKey(workspaceId)) ?? 'null') as RememberedTabs | null;
    if (!value || !Array.isArray(value.tabs)) return null;
    return { tabs: value.tabs.filter((p) => typeof p === 'string').slice(0, MAX_REMEMBERED_TABS), active: typeof value.active === 'string' ? value.active : null };
  } catch {
    return null; // Storage disabled or a corrupt entry: start with no tabs.
  }
}

/**
 * Reopens the tabs this browser had open in a workspace, like a desktop editor does after a
 * restart, once the file listing is known (files deleted meanwhile are skipped), and keeps the
 * record up to date afterwards.
 */
export function useRememberedTabs(workspaceId: string, listing: FileListing | null, tabs: readonly TabInfo[], active: string | null, open: (path: string) => void): void {
  const restored = useRef(false);

  useEffect(() => {
    if (restored.current || !listing) return;
    restored.current = true;
    const remembered = read(workspaceId);
    if (!remembered) return;
    const exists = new Set(listing.files.map((f) => f.path));
    for (const path of remembered.tabs) if (exists.has(path)) open(path);
    if (remembered.active && exists.has(remembered.active)) open(remembered.active);
  }, [workspaceId, listing, open]);

  useEffect(() => {
    if (!restored.current) return;
    try {
      const value: RememberedTabs = { tabs: tabs.map((t) => t.path), active };
      localStorage.setItem(storageKey(workspaceId), JSON.stringify(value));
    } catch {
      // Storage full or disabled: tabs simply are not remembered.
    }
  }, [workspaceId, tabs, active]);
}
