/**
 * The socket handlers of Cmd/Ctrl-K (`apply:*` events). Messages arrive validated by the
 * collaboration socket's dispatcher; the work is ApplySessions'. Only edit links may start an
 * apply (view links can read the file but must not produce edits for it).
 */
import type { Socket } from 'socket.io';
import type { ClientEvent, ClientEventName, Role } from '../lib/protocol';
import type { ApplySessions } from './apply-sessions';
import { RequestError } from './errors';
import { canonicalPath } from './request-path';

type ApplyEventName = Extract<ClientEventName, `apply:${string}`>;
export type ApplyHandlers = { [E in ApplyEventName]: (msg: ClientEvent<E>) => Promise<unknown> };

export function applyHandlers(applies: ApplySessions, socket: Socket, session: { workspaceId: string; role: Role; open: ReadonlySet<string> }): ApplyHandlers {
  return {
    'apply:info': async () => applies.info(),
    'apply:start': async (msg) => {
      if (session.role !== 'edit') throw new RequestError(403, 'forbidden', 'this link is view-only');
      const path = canonicalPath(msg.path);
      applies.start(socket.id, session.workspaceId, path, session.open.has(path), msg, {
        sketch: (m) => socket.emit('apply:sketch', m),
        partial: (m) => socket.emit('apply:partial', m),
        done: (m) => socket.emit('apply:done', m),
        error: (m) => socket.emit('apply:error', m),
      });
      return { requestId: msg.requestId };
    },
    'apply:cancel': async (msg) => {
      applies.cancel(socket.id, msg.requestId);
      return {};
    },
  };
}
