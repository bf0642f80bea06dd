/**
 * Cmd/Ctrl-K on the server: turns an instruction (through the chat role) or a pasted sketch into
 * the whole updated file with the apply model, streaming it to the requesting socket.
 *
 * Promises:
 * - The server never changes the file: the result goes to the editor, which shows it for review
 *   and applies what the user accepts as ordinary edits (so a cancelled, failed or rejected apply
 *   leaves nothing half-written).
 * - One apply runs per socket; a newer start, `apply:cancel` or a disconnect cancels it down to
 *   the model worker, and it ends with `apply:error` (code `cancelled`), never `apply:done`.
 * - Secret-looking files never reach a model; binary and oversized files and empty sketches get a
 *   clear error.
 * - `apply:partial` carries the whole output so far, at most every APPLY_PARTIAL_INTERVAL_MS.
 */
import { classifyFile, isSecretLooking } from '../lib/file-kind';
import { APPLY_PARTIAL_INTERVAL_MS, MAX_EDITABLE_BYTES } from '../lib/limits';
import type { ApplyDone, ApplyError, ApplyInfo, ApplyPartial, ApplySketch, ClientEvent } from '../lib/protocol';
import { ChatError, requestSketch } from './chat-sketch';
import type { ChatConfig } from './config';
import type { ApplyResult } from '../workers/apply/apply-edit';
import type { LiveDocs } from './live-docs';
import type { WorkspaceStore } from './workspace-store';

/** The part of the model client an apply needs (ModelClient.apply). */
export interface ApplyModel {
  apply(original: string, sketch: string, options: { signal?: AbortSignal; onPartial?: (output: string) => void }): Promise<ApplyResult>;
  close(): Promise<void>;
}

/** What an apply reports to its socket. */
export interface ApplyEmitter {
  sketch(msg: ApplySketch): void;
  partial(msg: ApplyPartial): void;
  done(msg: ApplyDone): void;
  error(msg: ApplyError): void;
}

/** After the model fails to load, applies answer "unavailable" this long before a retry. */
const MODEL_RETRY_MS = 30_000;

export const NO_CHAT_MESSAGE =
  'No chat endpoint is configured: set LOOKAHEAD_CHAT_BASE_URL and LOOKAHEAD_CHAT_MODEL (and LOOKAHEAD_CHAT_API_KEY if it needs one) on the server, or paste a sketch and press Apply.';

class ApplyFailure extends Error {
  constructor(
    readonly code: ApplyError['code'],
    message: string,
  ) {
    super(message);
  }
}

export class ApplySessions {
  private running = new Map<string, { requestId: number; controller: AbortController }>();
  private client: Promise<ApplyModel> | null = null;
  private failedAt = -Infinity;

  constructor(
    private readonly deps: {
      liveDocs: LiveDocs;
      store: WorkspaceStore;
      chat: ChatConfig | null;
      startModel: () => Promise<ApplyModel>;
    },
  ) {}

  info(): ApplyInfo {
    return { chat: this.deps.chat !== null, chatModel: this.deps.chat?.model ?? null };
  }

  /**
   * Starts an apply of a file open on this socket (`openHere`) and returns at once; the result
   * and any failure arrive through `emit`.
   */
  start(socketId: string, workspaceId: string, path: string, openHere: boolean, msg: ClientEvent<'apply:start'>, emit: ApplyEmitter): void {
    this.running.get(socketId)?.controller.abort();
    const controller = new AbortController();
    const entry = { requestId: msg.requestId, controller };
    this.running.set(socketId, entry);
    void this.run(workspaceId, path, openHere, msg, controller.signal, emit)
      .catch((e: unknown) => {
        const { requestId } = msg;
        if (controller.signal.aborted || (e as Error).name === 'AbortError') {
          emit.error({ requestId, code: 'cancelled', message: 'The apply was cancelled; the file is unchanged.' });
        } else if (e instanceof ApplyFailure) {
          emit.error({ requestId, code: e.code, message: e.message });
        } else if (e instanceof ChatError) {
          emit.error({ requestId, code: 'chat', message: capitalise(e.message) });
        } else {
          console.error('lookahead: apply failed:', (e as Error).message);
          emit.error({ requestId, code: 'unavailable', message: `The apply model failed: ${(e as Error).message}` });
        }
      })
      .finally(() => {
        if (this.running.get(socketId) === entry) this.running.delete(socketId);
      });
  }

  private async run(workspaceId: string, path: string, openHere: boolean, msg: ClientEvent<'apply:start'>, signal: AbortSignal, emit: ApplyEmitter): Promise<void> {
    const { requestId } = msg;
    if (isSecretLooking(path)) throw new ApplyFailure('bad-input', 'Secret-looking files are never sent to a model.');
    const text = await this.currentText(workspaceId, path, openHere);
    let sketch = msg.sketch;
    if (sketch === undefined) {
      const instruction = msg.instruction ?? '';
      if (!instruction.trim()) throw new ApplyFailure('bad-input', 'Type an instruction, or paste a sketch and press Apply.');
      if (!this.deps.chat) throw new ApplyFailure('no-chat', NO_CHAT_MESSAGE);
      const selection = msg.selection && msg.selection.to <= text.length ? msg.selection : null;
      sketch = await requestSketch(this.deps.chat, { path, text, selection, instruction }, signal);
      signal.throwIfAborted();
      emit.sketch({ requestId, sketch });
    }
    if (!sketch.trim()) throw new ApplyFailure('bad-input', 'The sketch is empty: paste the code to apply.');
    const client = await this.model();
    signal.throwIfAborted();
    // The file as it is now (it may have changed while the chat model wrote the sketch).
    const original = await this.currentText(workspaceId, path, openHere);
    const partials = throttle((output: string) => emit.partial({ requestId, output }), APPLY_PARTIAL_INTERVAL_MS);
    let result: ApplyResult;
    try {
      result = await client.apply(original, sketch, { signal, onPartial: (output) => !signal.aborted && partials.push(output) });
    } catch (e) {
      if ((e as Error).name === 'AbortError' || signal.aborted) throw e;
      // Bad input (an empty sketch, a binary or oversized file) comes back as a readable message.
      if (isModelFailure(e as Error)) {
        this.client = null;
        this.failedAt = Date.now();
        throw e;
      }
      throw new ApplyFailure('bad-input', capitalise((e as Error).message));
    } finally {
      partials.cancel();
    }
    signal.throwIfAborted();
    emit.done({ requestId, original, output: result.output, ms: result.ms, outputTokens: result.outputTokens, forwardPasses: result.forwardPasses });
  }

  /** The live text of a file open on this socket, or an error saying why there is none. */
  private async currentText(workspaceId: string, path: string, openHere: boolean): Promise<string> {
    const doc = openHere ? this.deps.liveDocs.get(workspaceId, path) : undefined;
    if (doc) return doc.text.toString();
    // Not open as text here: say why, without loading a live document nobody holds.
    const bytes = await this.deps.store.read(workspaceId, path).catch(() => null);
    if (!bytes) throw new ApplyFailure('bad-input', `${path} does not exist.`);
    const kind = classifyFile(bytes);
    if (kind === 'binary') throw new ApplyFailure('bad-input', `${path} looks binary; only text files can be applied to.`);
    if (kind === 'too-large') {
      throw new ApplyFailure('bad-input', `${path} is too large to apply to (${bytes.byteLength} bytes, limit ${MAX_EDITABLE_BYTES}).`);
    }
    throw new ApplyFailure('bad-input', `${path} is not open in this editor; open it first.`);
  }

  cancel(socketId: string, requestId: number): void {
    const running = this.running.get(socketId);
    if (running?.requestId === requestId) running.controller.abort();
  }

  socketClosed(socketId: string): void {
    this.running.get(socketId)?.controller.abort();
    this.running.delete(socketId);
  }

  async close(): Promise<void> {
    for (const { controller } of this.running.values()) controller.abort();
    this.running.clear();
    const client = this.client;
    this.client = null;
    if (client) await (await client.catch(() => null))?.close();
  }

  /** The apply model's worker, started on first use (one per server process). */
  private model(): Promise<ApplyModel> {
    if (!this.client && Date.now() - this.failedAt < MODEL_RETRY_MS) {
      return Promise.reject(new ApplyFailure('unavailable', 'The apply model is unavailable (it failed to load); try again in a minute.'));
    }
    if (!this.client) {
      const started = this.deps.startModel();
      this.client = started;
      started.catch((e: Error) => {
        console.error('lookahead: apply model failed to load:', e.message);
        if (this.client === started) this.client = null;
        this.failedAt = Date.now();
      });
    }
    return this.client.catch((e: Error) => {
      throw new ApplyFailure('unavailable', `The apply model is unavailable: ${e.message}`);
    });
  }
}

/** A worker that died or could not run, as opposed to input the model refused. */
function isModelFailure(e: Error): boolean {
  return /model worker exited|worker|failed to load/i.test(e.message);
}

function capitalise(message: string): string {
  const m = message.trim();
  const sentence = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : sentence + '.';
}

/** Passes on the latest value at most every `ms` (the first at once, the last after a pause). */
function throttle(send: (value: string) => void, ms: number): { push(value: string): void; cancel(): void } {
  let last = -Infinity;
  let pending: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    if (pending === null) return;
    last = Date.now();
    const value = pending;
    pending = null;
    send(value);
  };
  return {
    push(value) {
      pending = value;
      if (timer) return;
      const wait = last + ms - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
