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
 * Names are numbered per workspace by a counter on the backplane, so sessions on different web
 * nodes get different numbers; if the backplane is unreachable, a number from this process stands
 * in (it may repeat one given elsewhere meanwhile).
 */
import type { Server, Socket } from 'socket.io';
import { MAX_PRESENCE_UPDATES_PER_SECOND } from '../lib/limits';
import { PRESENCE_COLOURS, type PresenceColour } from '../lib/presence-colours';
import type { ClientEvent, PeerPresence, Role } from '../lib/protocol';
import type { Backplane } from './backplane/backplane';
import { RequestError } from './errors';
import { RateLimit } from './rate-limit';
import { canonicalPath } from './request-path';

/** The `presence:update` handler of one socket, in the shape collab-socket's dispatcher expects. */
export type PresenceHandlers = { 'presence:update': (msg: ClientEvent<'presence:update'>) => Promise<unknown> };

/** A workspace's numbering starts over after this long without a new session. */
const NUMBERING_TTL_MS = 12 * 60 * 60 * 1000;

export class Presence {
  /** Stand-in numbers while the backplane is unreachable. */
  private fallback = 0;

  constructor(
    private readonly io: Server,
    private readonly backplane: Backplane,
    private readonly room: (workspaceId: string, path: string) => string,
  ) {}

  /** The number of the next session of a workspace, in every process (called while connecting). */
  async numberFor(workspaceId: string): Promise<number> {
    return this.backplane.increment(`presence:${workspaceId}`, NUMBERING_TTL_MS).catch(() => ++this.fallback);
  }

  /** Names and colours a session that just connected, from its number. */
  join(socket: Socket, workspaceId: string, role: Role, number: number): PresenceSession {
    const name = `${role === 'edit' ? 'Editor' : 'Viewer'} ${number}`;
    const colour = PRESENCE_COLOURS[(number - 1) % PRESENCE_COLOURS.length];
    return new PresenceSession(this.io, socket, workspaceId, name, colour, this.room);
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
  }
}
