/**
 * The socket side of collaboration: authenticates each connection to one workspace, validates every
 * message with the zod schemas of lib/protocol, and moves document updates between editors and the
 * live documents. A malformed message gets an error reply; the connection carries on.
 */
import type { Server, Socket } from 'socket.io';
import * as Y from 'yjs';
import { clientEvents, describeZodError, type ClientEvent, type ClientEventName, type ProtocolError, type Role } from '../lib/protocol';
import { applyHandlers } from './apply-socket';
import type { ApplySessions } from './apply-sessions';
import { authorize, authorOf } from './auth';
import { isEmptyUpdate } from './doc-message';
import { RequestError } from './errors';
import type { Backplane } from './backplane/backplane';
import { Presence } from './presence';
import { canonicalPath } from './request-path';
import { languageHandlers } from './language/language-socket';
import type { LanguageWorkspaces } from './language/language-workspaces';
import type { LiveDoc, LiveDocs } from './live-docs';
import type { ShareLinks } from './share-links';
import type { TabCompletions } from './tab-completions';
import { workspaceRoom } from './workspace-events';
import { WorkspaceStore } from './workspace-store';

interface SocketData {
  workspaceId: string;
  role: Role;
  /** The share link this socket authenticated with: revoking it ends the session. */
  linkId: string;
  /** Numbers this session's name among the workspace's collaborators ("Editor 3"). */
  presenceNumber: number;
  author: string;
  open: Set<string>;
}

export function docRoom(workspaceId: string, path: string): string {
  return `doc:${workspaceId}:${path}`;
}

export function attachCollaboration(
  io: Server,
  deps: {
    links: ShareLinks;
    liveDocs: LiveDocs;
    store: WorkspaceStore;
    tab: TabCompletions;
    applies: ApplySessions;
    languages: LanguageWorkspaces;
    backplane: Backplane;
  },
): void {
  const { links, liveDocs, store, tab, applies, languages } = deps;
  const presence = new Presence(io, deps.backplane, docRoom);

  io.use(async (socket, next) => {
    try {
      const auth = (socket.handshake.auth ?? {}) as { workspaceId?: unknown; token?: unknown };
      const workspaceId = typeof auth.workspaceId === 'string' ? auth.workspaceId : '';
      const token = typeof auth.token === 'string' ? auth.token : undefined;
      const access = WorkspaceStore.isWorkspaceId(workspaceId) ? await authorize(links, socket.handshake.headers, workspaceId, token) : null;
      if (!access || !(await store.exists(workspaceId))) return next(new Error('unauthorized'));
      const data: SocketData = {
        workspaceId,
        role: access.role,
        linkId: access.link.id,
        author: authorOf(access),
        presenceNumber: await presence.numberFor(workspaceId),
        open: new Set(),
      };
      socket.data = data;
      next();
    } catch {
      next(new Error('unauthorized'));
    }
  });

  io.on('connection', (socket: Socket) => {
    const data = socket.data as SocketData;
    void socket.join(workspaceRoom(data.workspaceId));
    languages.socketConnected(data.workspaceId);
    const peer = presence.join(socket, data.workspaceId, data.role, data.presenceNumber);

    /** Holds a document open for this socket, unless the socket closed while it was loading. */
    const attach = async (doc: LiveDoc, path: string) => {
      liveDocs.attach(doc, socket.id);
      if (socket.disconnected) {
        // The disconnect handler has run already: release the document as it would have.
        await liveDocs.detach(data.workspaceId, path, socket.id);
        throw new RequestError(409, 'conflict', 'the connection closed while the file was opening');
      }
      data.open.add(path);
      await socket.join(docRoom(data.workspaceId, path));
    };

    const handlers: { [E in ClientEventName]: (msg: ClientEvent<E>) => Promise<unknown> } = {
      'doc:open': async (msg) => {
        const path = canonicalPath(msg.path);
        const opened = await liveDocs.open(data.workspaceId, path);
        if (opened.kind !== 'text') return { kind: opened.kind, size: opened.size, readOnly: true };
        const doc = opened.doc;
        await attach(doc, path);
        languages.fileOpened(data.workspaceId, path);
        // A client of the same epoch gets only what it lacks; any other client gets everything.
        const sameEpoch = msg.epoch === doc.epoch && msg.stateVector;
        let update: Uint8Array;
        try {
          update = sameEpoch ? Y.encodeStateAsUpdate(doc.doc, msg.stateVector!) : Y.encodeStateAsUpdate(doc.doc);
        } catch {
          update = Y.encodeStateAsUpdate(doc.doc); // An unreadable state vector: send everything.
        }
        return { kind: 'text', epoch: doc.epoch, update, stateVector: Y.encodeStateVector(doc.doc), readOnly: data.role !== 'edit' };
      },
      'doc:update': async (msg) => {
        if (data.role !== 'edit') throw new RequestError(403, 'forbidden', 'this link is view-only');
        const path = canonicalPath(msg.path);
        if (isEmptyUpdate(msg.update)) return { changed: false };
        let doc = liveDocs.get(data.workspaceId, path);
        if (!doc) {
          // The document was unloaded (or this process restarted) while the client kept it open.
          const opened = await liveDocs.open(data.workspaceId, path);
          if (opened.kind !== 'text') throw new RequestError(409, 'conflict', 'the file is no longer editable text');
          doc = opened.doc;
          await attach(doc, path);
        }
        if (doc.epoch !== msg.epoch) throw new StaleEpoch();
        const changed = liveDocs.applyUpdate(data.workspaceId, path, msg.epoch, msg.update, { author: data.author, socketId: socket.id });
        return { changed };
      },
      'tab:request': async (msg) => {
        if (data.role !== 'edit') throw new RequestError(403, 'forbidden', 'this link is view-only');
        const path = canonicalPath(msg.path);
        if (!data.open.has(path)) throw new RequestError(409, 'conflict', `${path} is not open on this connection`);
        return tab.request(socket.id, data.workspaceId, path, msg, (partial) => socket.emit('tab:partial', partial), data.open);
      },
      'tab:cancel': async (msg) => {
        tab.cancel(socket.id, msg.requestId);
        return {};
      },
      'doc:close': async (msg) => {
        const path = canonicalPath(msg.path);
        data.open.delete(path);
        await socket.leave(docRoom(data.workspaceId, path));
        peer.closed(path);
        await liveDocs.detach(data.workspaceId, path, socket.id);
        return {};
      },
      ...languageHandlers(languages, liveDocs, { ...data, socketId: socket.id }),
      ...applyHandlers(applies, socket, data),
      ...peer.handlers(data.open),
    };

    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (reply: unknown) => void) : null;
      const reply = (error: ProtocolError) => {
        if (ack) ack({ ok: false, error });
        else socket.emit('error:message', { event: String(event).slice(0, 64), error });
      };
      if (!Object.hasOwn(clientEvents, event)) return reply({ code: 'bad-request', message: 'unknown event' });
      const name = event as ClientEventName;
      const parsed = clientEvents[name].safeParse(args[0]);
      if (!parsed.success) return reply({ code: 'bad-request', message: describeZodError(parsed.error) });
      (handlers[name] as (msg: unknown) => Promise<unknown>)(parsed.data).then(
        (result) => ack?.({ ok: true, ...(result as object) }),
        (e: unknown) => reply(toProtocolError(e)),
      );
    });

    socket.on('disconnect', () => {
      tab.socketClosed(socket.id);
      applies.socketClosed(socket.id);
      languages.socketDisconnected(data.workspaceId);
      peer.left(data.open);
      for (const path of data.open) void liveDocs.detach(data.workspaceId, path, socket.id);
      data.open.clear();
    });
  });
}

class StaleEpoch extends Error {}

function toProtocolError(e: unknown): ProtocolError {
  if (e instanceof StaleEpoch) return { code: 'stale-epoch', message: 'the document was recreated; open it again' };
  if (e instanceof RequestError) {
    const code = e.code === 'bad-path' || e.code === 'not-found' || e.code === 'forbidden' || e.code === 'too-large' ? e.code : 'bad-request';
    return { code, message: e.message };
  }
  console.error('lookahead: socket handler failed:', e);
  return { code: 'internal', message: 'internal error' };
}
