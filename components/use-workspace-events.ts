'use client';

import { useEffect, useRef } from 'react';
import type { Socket } from 'socket.io-client';
import type { ServerEvents } from '../lib/protocol';

export interface WorkspaceEventHandlers {
  /** Null after a reconnect: something may have changed while disconnected. */
  treeChanged: (msg: Parameters<ServerEvents['tree:changed']>[0] | null) => void;
  docReset: (msg: Parameters<ServerEvents['doc:reset']>[0]) => void;
}

/** Wires the socket's workspace-level events (as opposed to per-document ones) to handlers. */
export function useWorkspaceEvents(socket: Socket | null, handlers: WorkspaceEventHandlers): void {
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });

  useEffect(() => {
    if (!socket) return;
    const onTree: ServerEvents['tree:changed'] = (msg) => ref.current.treeChanged(msg);
    const onReset: ServerEvents['doc:reset'] = (msg) => ref.current.docReset(msg);
    const onError: ServerEvents['error:message'] = (msg) => console.warn(`Server refused ${msg.event}: ${msg.error.message}`, msg.error);
    // Changes made while disconnected produced no events; a fresh listing catches up.
    const onConnect = () => ref.current.treeChanged(null);
    socket.on('tree:changed', onTree);
    socket.on('doc:reset', onReset);
    socket.on('error:message', onError);
    socket.io.on('reconnect', onConnect);
    return () => {
      socket.off('tree:changed', onTree);
      socket.off('doc:reset', onReset);
      socket.off('error:message', onError);
      socket.io.off('reconnect', onConnect);
    };
  }, [socket]);
}
