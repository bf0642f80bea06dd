/**
 * Cmd/Ctrl-K requests over the workspace socket: the server reads the file from its live document,
 * gets a sketch from the chat role when given an instruction, and streams the apply model's output
 * back (`apply:sketch`, `apply:partial`, then `apply:done` or `apply:error`). Cancelling tells the
 * server to stop; the file is never changed by the server either way.
 */
import type { Socket } from 'socket.io-client';
import type { Ack, ApplyDone, ApplyError, ApplyInfo, ApplyPartial, ApplySketch } from '../../lib/protocol';

export interface ApplyRequest {
  instruction?: string;
  sketch?: string;
  selection?: { from: number; to: number };
}

export interface ApplyCallbacks {
  /** The chat role's sketch for an instruction, before the apply starts. */
  onSketch(sketch: string): void;
  /** The output so far (a growing prefix of the final output). */
  onPartial(output: string): void;
  onDone(done: ApplyDone): void;
  /** The apply ended without a result; the file is unchanged. Not called after `cancel()`. */
  onError(error: Pick<ApplyError, 'code' | 'message'>): void;
}

export interface ApplySource {
  /** What the server can do; null when it cannot be asked (offline). */
  info(): Promise<ApplyInfo | null>;
  /** Starts an apply; the returned function cancels it (no callback is called after that). */
  start(request: ApplyRequest, callbacks: ApplyCallbacks): () => void;
}

let nextRequestId = 1;

export function socketApplySource(socket: Socket, path: string): ApplySource {
  return {
    info: () =>
      socket.connected
        ? (socket.timeout(5000).emitWithAck('apply:info', {}) as Promise<Ack<ApplyInfo>>).then(
            (reply) => (reply.ok ? { chat: reply.chat, chatModel: reply.chatModel } : null),
            () => null,
          )
        : Promise.resolve(null),
    start(request, callbacks) {
      const requestId = nextRequestId++;
      let finished = false;
      const mine = (msg: { requestId?: unknown } | null | undefined) => !finished && msg?.requestId === requestId;
      const onSketch = (msg: ApplySketch) => mine(msg) && callbacks.onSketch(msg.sketch);
      const onPartial = (msg: ApplyPartial) => mine(msg) && callbacks.onPartial(msg.output);
      const onDone = (msg: ApplyDone) => {
        if (!mine(msg)) return;
        finish();
        callbacks.onDone(msg);
      };
      const fail = (error: Pick<ApplyError, 'code' | 'message'>) => {
        if (finished) return;
        finish();
        callbacks.onError(error);
      };
      const onError = (msg: ApplyError) => mine(msg) && fail({ code: msg.code, message: msg.message });
      const onDisconnect = () => fail({ code: 'unavailable', message: 'Lost the connection to the server; the file is unchanged.' });
      const finish = () => {
        finished = true;
        socket.off('apply:sketch', onSketch);
        socket.off('apply:partial', onPartial);
        socket.off('apply:done', onDone);
        socket.off('apply:error', onError);
        socket.off('disconnect', onDisconnect);
      };
      socket.on('apply:sketch', onSketch);
      socket.on('apply:partial', onPartial);
      socket.on('apply:done', onDone);
      socket.on('apply:error', onError);
      socket.on('disconnect', onDisconnect);
      if (!socket.connected) {
        queueMicrotask(() => fail({ code: 'unavailable', message: 'Not connected to the server; try again when the connection is back.' }));
      } else {
        const payload = { requestId, path, ...request };
        socket.emit('apply:start', payload, (reply: Ack<{ requestId: number }>) => {
          if (!reply.ok) fail({ code: 'bad-input', message: capitalise(reply.error.message) });
        });
      }
      return () => {
        if (finished) return;
        finish();
        if (socket.connected) socket.emit('apply:cancel', { requestId });
      };
    },
  };
}

function capitalise(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
