/**
 * Presence: where each collaborator's selection is in the files they have open, passed from one
 * editor to the others of the same file.
 *
 * Promises:
 * - Presence is ephemeral: it travels on its own events, beside document updates, and is never
 *   stored or written into a document. It reaches the other sockets of the file's room, in every
 *   server process (socket.io's Redis adapter carries room broadcasts in scaled mode).
 * - Who a peer is comes from the server alone: a name from the session's role and its order of
 *   arrival in the workspace ("Editor 1", "Viewer 2"), and a colour from a fixed palette. Nothing a
 *   client sends is shown to others except its two positions, which are size-bounded bytes.
 * - A socket sends at most MAX_PRESENCE_UPDATES_PER_SECOND updates a second; extras are dropped.
 * - When a socket closes a file or disconnects, the others are told to remove its cursor.
 *
 * Names are numbered per process: with several web nodes, two sessions on different nodes may share
 * a number (their colours and ids still tell them apart).
 */
import type { Server, Socket } from 'socket.io';
import { MAX_PRESENCE_UPDATES_PER_SECOND } from '../lib/limits';
import { PRESENCE_COLOURS, type PresenceColour } from '../lib/presence-colours';
import type { ClientEvent, PeerPresence, Role } from '../lib/protocol';
import { RequestError } from './errors';
import { RateLimit } from './rate-limit';
import { canonicalPath } from './request-path';

/** The `presence:update` handler of one socket, in the shape collab-socket's dispatcher expects. */
export type PresenceHandlers = { 'presence:update': (msg: ClientEvent<'presence:update'>) => Promise<unknown> };

export class Presence {
  /** Sessions per workspace in this process, and the number the next one gets. */
  private workspaces = new Map<string, { sessions: number; next: number }>();

  constructor(
    private readonly io: Server,
    private readonly room: (workspaceId: string, path: string) => string,
  ) {}

  /** Names and colours a session that just connected. */
  join(socket: Socket, workspaceId: string, role: Role): PresenceSession {
    const workspace = this.workspaces.get(workspaceId) ?? { sessions: 0, next: 1 };
    this.workspaces.set(workspaceId, workspace);
    workspace.sessions++;
    const number = workspace.next++;
    const name = `${role === 'edit' ? 'Editor' : 'Viewer'} ${number}`;
    const colour = PRESENCE_COLOURS[(number - 1) % PRESENCE_COLOURS.length];
    const leaveWorkspace = () => {
      // Numbering starts over once nobody is left, so the map holds only workspaces in use.
      if (--workspace.sessions === 0) this.workspaces.delete(workspaceId);
    };
    return new PresenceSession(this.io, socket, workspaceId, name, colour, this.room, leaveWorkspace);
  }
}

export class PresenceSession {
  private readonly limit = new RateLimit(MAX_PRESENCE_UPDATES_PER_SECOND, 1000);

  constructor(
    private readonly io: Server,
    private readonly socket: Socket,
    private readonly workspaceId: string,
    readonly name: string,
    readonly colour: PresenceColour,
    private readonly room: (workspaceId: string, path: string) => string,
    private readonly leaveWorkspace: () => void,
  ) {}

  /** `open` is the set of files the socket has open; presence for any other file is refused. */
  handlers(open: ReadonlySet<string>): PresenceHandlers {
    return {
      'presence:update': async (msg) => {
        const path = canonicalPath(msg.path);
        if (!open.has(path)) throw new RequestError(409, 'conflict', `${path} is not open on this connection`);
        if (!this.limit.allow('updates')) return { sent: false };
        const presence: PeerPresence = { id: this.socket.id, name: this.name, colour: this.colour, path, anchor: msg.anchor, head: msg.head };
        this.socket.to(this.room(this.workspaceId, path)).emit('presence', presence);
        return { sent: true };
      },
    };
  }

  /** The socket closed `path` (or left): its cursor disappears from the others' editors. */
  closed(path: string): void {
    this.io.to(this.room(this.workspaceId, path)).except(this.socket.id).emit('presence:leave', { id: this.socket.id, path });
  }

  /** The socket disconnected with `open` files still open. */
  left(open: Iterable<string>): void {
    for (const path of open) this.closed(path);
    this.leaveWorkspace();
  }
}
