/**
 * Tab requests over the workspace socket: the server already has the document and its recent edits,
 * so a request carries only the file, the cursor and a little text before it. The suggestion
 * streams back as `tab:partial` events before the final reply. Aborting a request tells the
 * server to stop working on it.
 */
import type { Transaction } from '@codemirror/state';
import type { Socket } from 'socket.io-client';
import { ySyncAnnotation } from 'y-codemirror.next';
import { isSecretLooking } from '../../lib/file-kind';
import type { Ack, TabPartial, TabReply } from '../../lib/protocol';
import type { GhostTextConfig } from './ghost-text';

let nextRequestId = 1;

export function socketTabSource(socket: Socket, path: string, editable: () => boolean): GhostTextConfig {
  return {
    enabled: () => editable() && !isSecretLooking(path) && socket.connected,
    isRemote: (tr: Transaction) => tr.annotation(ySyncAnnotation) !== undefined,
    request: (offset, before, signal, onPartial) =>
      new Promise((resolve) => {
        const requestId = nextRequestId++;
        const onStream = (partial: TabPartial) => {
          if (partial.requestId === requestId) onPartial({ text: partial.completion, replace: partial.replace });
        };
        const done = () => {
          signal.removeEventListener('abort', onAbort);
          socket.off('tab:partial', onStream);
        };
        const onAbort = () => {
          done();
          socket.emit('tab:cancel', { requestId });
          resolve(null);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        socket.on('tab:partial', onStream);
        socket.emit('tab:request', { path, requestId, offset, before }, (reply: Ack<TabReply>) => {
          done();
          resolve(reply.ok && reply.completion ? { text: reply.completion, replace: reply.replace } : null);
        });
      }),
  };
}
