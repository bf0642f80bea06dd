import type { TabInfo } from './TabBar';

export interface TabsState {
  tabs: TabInfo[];
  active: string | null;
  /** Paths most recently active first: closing a tab returns to the one used before it. */
  recent: string[];
  nextKey: number;
}

export type TabsAction =
  | { type: 'open'; path: string }
  | { type: 'close'; path: string }
  /** Closes every tab at or below a path (a deleted file or folder). */
  | { type: 'close-under'; path: string }
  /** A file or folder was renamed: its tabs follow it under the new path. */
  | { type: 'move'; from: string; to: string }
  /** Gives a tab a fresh editor (its live document was replaced). */
  | { type: 'reopen'; path: string };

export const initialTabs: TabsState = { tabs: [], active: null, recent: [], nextKey: 1 };

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + '/');
}

function activate(state: TabsState, path: string): TabsState {
  return { ...state, active: path, recent: [path, ...state.recent.filter((p) => p !== path)] };
}

function closeWhere(state: TabsState, drop: (path: string) => boolean): TabsState {
  const index = state.tabs.findIndex((t) => drop(t.path));
  if (index < 0) return state;
  const tabs = state.tabs.filter((t) => !drop(t.path));
  const recent = state.recent.filter((p) => !drop(p));
  let active = state.active;
  if (active !== null && drop(active)) {
    active = recent.find((p) => tabs.some((t) => t.path === p)) ?? tabs[Math.min(index, tabs.length - 1)]?.path ?? null;
  }
  return { ...state, tabs, recent, active };
}

export function tabsReducer(state: TabsState, action: TabsAction): TabsState {
  switch (action.type) {
    case 'open': {
      if (state.tabs.some((t) => t.path === action.path)) return activate(state, action.path);
      const tab = { path: action.path, key: `${action.path}#${state.nextKey}` };
      return activate({ ...state, tabs: [...state.tabs, tab], nextKey: state.nextKey + 1 }, action.path);
    }
    case 'close':
      return closeWhere(state, (p) => p === action.path);
    case 'close-under':
      return closeWhere(state, (p) => isUnder(p, action.path));
    case 'move': {
      const rename = (p: string) => (isUnder(p, action.from) ? action.to + p.slice(action.from.length) : p);
      if (!state.tabs.some((t) => isUnder(t.path, action.from))) return state;
      let nextKey = state.nextKey;
      const seen = new Set<string>();
      const tabs: TabInfo[] = [];
      for (const t of state.tabs) {
        const path = rename(t.path);
        // A move onto an already open path would leave two tabs for one file.
        if (seen.has(path)) continue;
        seen.add(path);
        tabs.push(path === t.path ? t : { path, key: `${path}#${nextKey++}` });
      }
      const recent = [...new Set(state.recent.map(rename))];
      return { ...state, tabs, recent, nextKey, active: state.active === null ? null : rename(state.active) };
    }
    case 'reopen': {
      if (!state.tabs.some((t) => t.path === action.path)) return state;
      const tabs = state.tabs.map((t) => (t.path === action.path ? { path: t.path, key: `${t.path}#${state.nextKey}` } : t));
      return { ...state, tabs, nextKey: state.nextKey + 1 };
    }
  }
}
