/**
 * Tab requests over the workspace socket: the server already has the document and its recent edits,
 * so a request carries only the file, the cursor and a little text before it. Aborting a request
 * tells the server to stop working on it.
 */
import type { Transaction } from '@codemirror/state';
import type { Socket } from 'socket.io-client';
import { ySyncAnnotation } from 'y-codemirror.next';
import { isSecretLooking } from '../../lib/file-kind';
import type { Ack, TabReply } from '../../lib/protocol';
import type { GhostTextConfig } from './ghost-text';

let nextRequestId = 1;

export function socketTabSource(socket: Socket, path: string, editable: () => boolean): GhostTextConfig {
  return {
    enabled: () => editable() && !isSecretLooking(path) && socket.connected,
    isRemote: (tr: Transaction) => tr.annotation(ySyncAnnotation) !== undefined,
    request: (offset, before, signal) =>
      new Promise((resolve) => {
        const requestId = nextRequestId++;
        const onAbort = () => {
          socket.emit('tab:cancel', { requestId });
          resolve(null);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        socket.emit('tab:request', { path, requestId, offset, before }, (reply: Ack<TabReply>) => {
          signal.removeEventListener('abort', onAbort);
          resolve(reply.ok && reply.completion ? { text: reply.completion, replace: reply.replace } : null);
        });
      }),
  };
}
