'use client';

import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';

export type ConnectionState = 'connected' | 'reconnecting' | 'offline';

/**
 * Opens the workspace's one socket for as long as the component is mounted and tracks whether
 * it is connected. "Offline" means the browser has no network or the client gave up retrying;
 * "reconnecting" means socket.io is still trying (including the very first connection).
 * `revoked` turns true when the server ends the session because its share link was revoked; the
 * server then disconnects, and socket.io does not retry a disconnect the server made.
 */
export function useWorkspaceSocket(workspaceId: string): { socket: Socket | null; connection: ConnectionState; revoked: boolean } {
  const [socket, setSocket] = useState<Socket | null>(null);
  const [connection, setConnection] = useState<ConnectionState>('reconnecting');
  const [revoked, setRevoked] = useState(false);

  useEffect(() => {
    const s = io({ path: '/socket.io', auth: { workspaceId }, transports: ['websocket'] });
    const update = () => {
      if (s.connected) setConnection('connected');
      else if (!navigator.onLine || !s.active) setConnection('offline');
      else setConnection('reconnecting');
    };
    s.on('connect', update);
    s.on('disconnect', update);
    s.on('connect_error', update);
    s.io.on('reconnect_attempt', update);
    s.io.on('reconnect_failed', update);
    s.on('session:revoked', () => setRevoked(true));
    // A dead network does not close an open websocket until the ping times out, which would
    // leave edits silently unsent; drop it at once and reconnect when the network returns.
    const onOffline = () => {
      s.disconnect();
      update();
    };
    const onOnline = () => {
      // `active` covers a connection still being made: a second connect() would make the server
      // drop it.
      if (!s.active) s.connect();
      update();
    };
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    setSocket(s);
    update();
    return () => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      s.disconnect();
      setSocket(null);
    };
  }, [workspaceId]);

  return { socket, connection, revoked };
}
