/**
 * A revoked share link ends every session opened through it, in every server process: the
 * revocation is published on the backplane, and each process disconnects its own sockets that
 * authenticated with that link (after telling them why). New requests with the token already fail,
 * since its file is gone.
 */
import type { Server } from 'socket.io';
import type { Backplane } from './backplane/backplane';

const CHANNEL = 'links:revoked';

export class LinkRevocations {
  private constructor(
    private readonly backplane: Backplane,
    private readonly unsubscribe: () => Promise<void>,
  ) {}

  static async start(io: Server, backplane: Backplane): Promise<LinkRevocations> {
    const unsubscribe = await backplane.subscribe(CHANNEL, (message) => {
      let parsed: { workspaceId?: unknown; linkId?: unknown };
      try {
        parsed = JSON.parse(new TextDecoder().decode(message));
      } catch {
        return;
      }
      for (const socket of io.of('/').sockets.values()) {
        const data = socket.data as { workspaceId?: string; linkId?: string };
        if (data.workspaceId === parsed.workspaceId && data.linkId === parsed.linkId) {
          socket.emit('session:revoked', { reason: 'link-revoked' });
          socket.disconnect(true);
        }
      }
    });
    return new LinkRevocations(backplane, unsubscribe);
  }

  /** Ends the sessions of a link that was just revoked. */
  async revoked(workspaceId: string, linkId: string): Promise<void> {
    await this.backplane.publish(CHANNEL, new TextEncoder().encode(JSON.stringify({ workspaceId, linkId })));
  }

  stop(): Promise<void> {
    return this.unsubscribe();
  }
}
