'use client';

import type { Socket } from 'socket.io-client';
import { DocEditor, type EditorCallbacks, type LanguageTools } from './DocEditor';
import type { TabInfo } from './TabBar';
import type { WorkspaceApi } from './workspace-api';
import { formatKeys } from './platform';

interface EditorPaneProps extends EditorCallbacks {
  tabs: TabInfo[];
  active: string | null;
  socket: Socket;
  api: WorkspaceApi;
  viewOnly: boolean;
  language: LanguageTools;
}

/** Every open tab's editor; only the active one is visible, the others stay mounted. */
export function EditorPane({ tabs, active, socket, api, viewOnly, language, ...callbacks }: EditorPaneProps) {
  return (
    <div className="editor-pane">
      {tabs.map((tab) => (
        <DocEditor key={tab.key} path={tab.path} socket={socket} api={api} viewOnly={viewOnly} active={tab.path === active} language={language} {...callbacks} />
      ))}
      {tabs.length === 0 && (
        <div className="editor-empty">
          <div className="editor-empty-logo">Lookahead</div>
          <dl className="editor-empty-keys">
            <dt>Open file</dt>
            <dd>
              <kbd>{formatKeys('Mod-p')}</kbd>
            </dd>
            <dt>All commands</dt>
            <dd>
              <kbd>{formatKeys('Mod-Shift-p')}</kbd>
            </dd>
          </dl>
        </div>
      )}
    </div>
  );
}
