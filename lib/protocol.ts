/**
 * The socket protocol between the editor and the server, as zod schemas. Every message a client
 * sends is parsed with these before anything acts on it; a message that does not parse gets an
 * error reply (through its ack when it has one, else an `error:message` event).
 *
 * Durable traffic (document updates) and ephemeral traffic (presence) use separate events.
 */
import { z } from 'zod';
import { MAX_EDITABLE_BYTES, MAX_IDENTIFIER_LENGTH, MAX_INSTRUCTION_LENGTH, MAX_PATH_LENGTH, MAX_PRESENCE_POSITION_BYTES, MAX_UPDATE_BYTES } from './limits';
import type { PresenceColour } from './presence-colours';

const bytes = (max: number) =>
  z
    .custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected binary data' })
    .refine((v) => v.byteLength <= max, { message: `binary data larger than ${max} bytes` });

const path = z.string().min(1).max(MAX_PATH_LENGTH);

/** A UTF-16 offset into a document's text (the same unit as CodeMirror positions). */
const offset = z.number().int().nonnegative().max(MAX_EDITABLE_BYTES);

/** An opaque id naming one lineage of a live document; a client whose copy has another epoch must
 * not merge it (its history is unrelated) and starts from the server's copy instead. */
const epoch = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

export const clientEvents = {
  /** Open a file's live document. `stateVector` (with the `epoch` it belongs to) lets the server
   * send only what the client lacks, after a reconnect. */
  'doc:open': z.strictObject({
    path,
    epoch: epoch.nullable().optional(),
    stateVector: bytes(MAX_UPDATE_BYTES).nullable().optional(),
  }),
  /** A Yjs update made by this client. */
  'doc:update': z.strictObject({ path, epoch, update: bytes(MAX_UPDATE_BYTES) }),
  /** Stop receiving updates for a file. */
  'doc:close': z.strictObject({ path }),
  /**
   * Ask for a completion at `offset` of a file this socket has open. The server builds the prompt
   * from its own copy of the document; `before` (the text just before the cursor, as the client
   * sees it) lets it refuse a request that raced a remote edit. A newer request from the same
   * socket cancels the older one.
   */
  'tab:request': z.strictObject({
    path,
    requestId: z.number().int().nonnegative(),
    offset: z.number().int().nonnegative(),
    before: z.string().max(64),
  }),
  /** Cancel a request (the user moved on). */
  'tab:cancel': z.strictObject({ requestId: z.number().int().nonnegative() }),
  /**
   * Cmd/Ctrl-K: rewrite a file this socket has open (edit links only) from a pasted `sketch`, or
   * from an `instruction` the chat role turns into a sketch first. The answer (`{requestId}`) only
   * says it started: progress comes as `apply:sketch`, `apply:partial`, then `apply:done` or
   * `apply:error`. The server never changes the file: the editor shows the result for review and
   * applies what the user accepts as its own edits. One apply runs per socket; a newer start
   * cancels the older one.
   */
  'apply:start': z
    .strictObject({
      requestId: z.number().int().nonnegative(),
      path,
      instruction: z.string().max(MAX_INSTRUCTION_LENGTH).optional(),
      sketch: z.string().max(MAX_EDITABLE_BYTES).optional(),
      /** The selection the instruction is about (UTF-16 offsets). */
      selection: z.strictObject({ from: offset, to: offset }).refine((s) => s.from <= s.to, { message: 'from must not be after to' }).optional(),
    })
    .refine((m) => m.instruction !== undefined || m.sketch !== undefined, { message: 'give an instruction or a sketch' }),
  /** Stop an apply; it ends with `apply:error` (code `cancelled`) and never `apply:done`. */
  'apply:cancel': z.strictObject({ requestId: z.number().int().nonnegative() }),
  /** What Cmd/Ctrl-K can do here: whether a chat endpoint is configured (else sketches only). */
  'apply:info': z.strictObject({}),
  /**
   * Language intelligence for TypeScript and JavaScript files, answered from the workspace's
   * language service over the live text of its documents. Other files get empty answers.
   */
  'lang:hover': z.strictObject({ path, offset }),
  'lang:definition': z.strictObject({ path, offset }),
  'lang:references': z.strictObject({ path, offset }),
  'lang:completions': z.strictObject({ path, offset }),
  /** Renames the symbol at `offset` in every file of the workspace (edit links only). */
  'lang:rename': z.strictObject({ path, offset, newName: z.string().min(1).max(MAX_IDENTIFIER_LENGTH) }),
  /** Every known diagnostic of the workspace, or of one file; starts the language service. */
  'lang:problems': z.strictObject({ path: path.optional() }),
  /**
   * Where this editor's selection is in a file it has open: Yjs relative positions
   * (Y.encodeRelativePosition), which stay attached to the text as others edit it. Null clears
   * it. Passed on to the other editors of the file and never stored; view links may send it.
   */
  'presence:update': z.strictObject({
    path,
    anchor: bytes(MAX_PRESENCE_POSITION_BYTES).nullable(),
    head: bytes(MAX_PRESENCE_POSITION_BYTES).nullable(),
  }),
} as const;

export type ClientEventName = keyof typeof clientEvents;
export type ClientEvent<E extends ClientEventName> = z.infer<(typeof clientEvents)[E]>;

export interface ProtocolError {
  code: 'bad-request' | 'bad-path' | 'not-found' | 'forbidden' | 'too-large' | 'not-open' | 'stale-epoch' | 'internal';
  message: string;
}

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: ProtocolError };

/** What `doc:open` answers. Binary and oversized files never get a live document. */
export type DocOpenReply =
  | {
      kind: 'text';
      epoch: string;
      /** Everything the client lacks, relative to the state vector it sent. */
      update: Uint8Array;
      /** The server's state vector: the client sends back what the server lacks. */
      stateVector: Uint8Array;
      readOnly: boolean;
    }
  | { kind: 'binary' | 'too-large'; size: number; readOnly: true };

/** What `tab:request` answers: a suggestion to show, or why there is none. */
export type TabReply =
  | { requestId: number; completion: string; replace: number; confidence: number }
  | { requestId: number; completion: null; reason: 'cancelled' | 'stale' | 'secret' | 'binary' | 'unconfident' | 'empty' | 'unavailable' };

/** A problem the language service found, at UTF-16 offsets of the text it checked. */
export interface LangDiagnostic {
  from: number;
  to: number;
  /** 1-based line and column of `from`, for lists. */
  line: number;
  col: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  code: number;
}

/** A place in a workspace file: a definition, a reference. `lineText` is the line it is on. */
export interface LangLocation {
  path: string;
  from: number;
  to: number;
  line: number;
  col: number;
  lineText: string;
}

/** What `lang:hover` answers: the symbol's type (as TypeScript prints it) and documentation. */
export type LangHoverReply = { hover: { from: number; to: number; display: string; docs: string } | null };
export type LangLocationsReply = { locations: LangLocation[] };
export interface LangCompletion {
  label: string;
  /** TypeScript's kind of the entry (function, method, property, keyword, ...). */
  kind: string;
}
export type LangCompletionsReply = { completions: LangCompletion[]; isMember: boolean };
/** What `lang:rename` answers: the files changed and how many places in each. */
export type LangRenameReply = { files: { path: string; edits: number }[] };
export type LangProblemsReply = { problems: { path: string; diagnostics: LangDiagnostic[] }[] };

/** A suggestion still being generated (every version of it passed the confidence gate). */
export interface TabPartial {
  requestId: number;
  completion: string;
  replace: number;
}

/** What `apply:info` answers. */
export interface ApplyInfo {
  /** A chat endpoint is configured: instructions work; without one only pasted sketches do. */
  chat: boolean;
  /** The endpoint's model name, to show. */
  chatModel: string | null;
}

/** The sketch the chat role wrote for an instruction (before the apply starts). */
export interface ApplySketch {
  requestId: number;
  sketch: string;
}

/** The updated file so far: a growing prefix of the final output. */
export interface ApplyPartial {
  requestId: number;
  output: string;
}

/** The finished apply: `original` is the text it was computed against, `output` the whole new file. */
export interface ApplyDone {
  requestId: number;
  original: string;
  output: string;
  ms: number;
  outputTokens: number;
  forwardPasses: number;
}

/**
 * Why an apply ended without a result. `cancelled`: by apply:cancel, a newer start or a
 * disconnect; `bad-input`: empty sketch, binary, oversized or secret-looking file, nothing to do;
 * `no-chat`: an instruction but no chat endpoint configured; `chat`: the chat endpoint failed;
 * `unavailable`: the apply model could not run.
 */
export interface ApplyError {
  requestId: number;
  code: 'cancelled' | 'bad-input' | 'no-chat' | 'chat' | 'unavailable';
  message: string;
}

/** Events the server sends. */
export interface ServerEvents {
  'tab:partial': (msg: TabPartial) => void;
  'apply:sketch': (msg: ApplySketch) => void;
  'apply:partial': (msg: ApplyPartial) => void;
  'apply:done': (msg: ApplyDone) => void;
  'apply:error': (msg: ApplyError) => void;
  /** The share link this session came through was revoked; the server disconnects next. */
  'session:revoked': (msg: { reason: 'link-revoked' }) => void;
  /** `own`: a change the server made at this client's request (a rename): an undo step here. */
  'doc:update': (msg: { path: string; epoch: string; update: Uint8Array; own?: true }) => void;
  'doc:saved': (msg: { path: string; savedAt: number }) => void;
  /** The live document was dropped (file deleted, renamed, replaced by binary content). */
  'doc:reset': (msg: { path: string; reason: 'deleted' | 'renamed' | 'replaced'; to?: string }) => void;
  'tree:changed': (msg: { reason: 'created' | 'deleted' | 'renamed' | 'written'; path: string; to?: string }) => void;
  /** A file's diagnostics changed (sent to every socket of the workspace). */
  'lang:diagnostics': (msg: { path: string; diagnostics: LangDiagnostic[] }) => void;
  'error:message': (msg: { event: string; error: ProtocolError }) => void;
  /** A collaborator's selection in a file this socket has open (see `PeerPresence`). */
  presence: (msg: PeerPresence) => void;
  /** The collaborator closed the file or left. */
  'presence:leave': (msg: { id: string; path: string }) => void;
}

/** A collaborator's selection as the server passes it on: who (named and coloured by the server,
 * never by the peer) and where (relative positions, or null when the peer has no selection). */
export interface PeerPresence {
  /** The peer's session (socket) id. */
  id: string;
  name: string;
  colour: PresenceColour;
  path: string;
  anchor: Uint8Array | null;
  head: Uint8Array | null;
}

/** Role a share link grants. */
export const roles = ['edit', 'view'] as const;
export type Role = (typeof roles)[number];

/** A validation failure as a one-line, human-readable message. */
export function describeZodError(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid message';
  const where = first.path.length ? first.path.join('.') + ': ' : '';
  return where + first.message;
}
