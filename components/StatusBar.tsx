'use client';

import type { Role } from '../lib/protocol';
import type { SaveState } from './editor/doc-sync';
import type { CursorPosition } from './editor/cursor-position';
import type { ConnectionState } from './use-workspace-socket';

interface StatusBarProps {
  connection: ConnectionState;
  role: Role;
  /** Null when no text document is active. */
  saveState: SaveState | null;
  language: string | null;
  cursor: CursorPosition | null;
  problems: { errors: number; warnings: number };
  onProblems: () => void;
  /** Opens the share dialog; absent when this session cannot manage links. */
  onShare?: () => void;
}

const connectionText: Record<ConnectionState, string> = {
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const saveText: Record<SaveState, string> = {
  saved: 'Saved',
  saving: 'Saving…',
  'offline-unsaved': 'Unsaved (offline)',
};

export function StatusBar({ connection, role, saveState, language, cursor, problems, onProblems, onShare }: StatusBarProps) {
  return (
    <footer className={'status-bar connection-' + connection}>
      <span className="status-item" data-testid="connection-state" data-state={connection} role="status">
        <span className="status-dot" aria-hidden="true" />
        {connectionText[connection]}
      </span>
      {role === 'view' && (
        <span className="status-item status-badge" data-testid="role">
          View only
        </span>
      )}
      {saveState && (
        <span className={'status-item save-' + saveState} data-testid="save-state" data-state={saveState}>
          {saveText[saveState]}
        </span>
      )}
      <button
        className="status-item status-button"
        data-testid="problems-count"
        title="Problems (errors, warnings)"
        aria-label={`${problems.errors} ${problems.errors === 1 ? 'error' : 'errors'}, ${problems.warnings} ${problems.warnings === 1 ? 'warning' : 'warnings'}`}
        onClick={onProblems}
      >
        <span className={problems.errors ? 'status-errors' : undefined}>⊗ {problems.errors}</span>
        <span className={problems.warnings ? 'status-warnings' : undefined}>⚠ {problems.warnings}</span>
      </button>
      <span className="status-spacer" />
      {cursor && (
        <span className="status-item" data-testid="cursor-position">
          Ln {cursor.line}, Col {cursor.column}
        </span>
      )}
      {language && (
        <span className="status-item" data-testid="language">
          {language}
        </span>
      )}
      {onShare && (
        <button className="status-item status-button status-share" data-testid="share-button" title="Share links to this workspace" onClick={onShare}>
          Share
        </button>
      )}
    </footer>
  );
}
