/**
 * Limits shared by the server and the browser. Each one is a named constant with its reason.
 */

/** Files larger than this open read-only: the live document, its history and every keystroke's
 * sync message grow with the file, and a 1 MiB source file is already far past hand-written code. */
export const MAX_EDITABLE_BYTES = 1024 * 1024;

/** A file body accepted by the REST API. Larger uploads are refused before touching the disk. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** Largest single document update accepted over the socket. A full-state sync of a file at
 * MAX_EDITABLE_BYTES fits with room for Yjs metadata. */
export const MAX_UPDATE_BYTES = 4 * 1024 * 1024;

/** socket.io closes a connection whose frame exceeds this; it sits above MAX_UPDATE_BYTES so an
 * oversized update still reaches validation and gets an error reply instead of a disconnect. */
export const MAX_SOCKET_FRAME_BYTES = 16 * 1024 * 1024;

/** Path length and depth limits: generous for real projects, small enough to bound the work of
 * validating and resolving a path. */
export const MAX_PATH_LENGTH = 1024;
export const MAX_PATH_SEGMENTS = 64;

/** How many files a workspace listing returns; keeps the tree and quick open responsive. */
export const MAX_LISTED_FILES = 20_000;

/** The server writes a changed document to disk this long after the last edit (the contract is
 * "within 1 s of the last edit"). */
export const SAVE_DEBOUNCE_MS = 250;

/** Edits kept per open file for next-edit prediction: enough for the last minutes of typing. */
export const EDIT_HISTORY_LENGTH = 500;

/** Bytes of a file inspected for NUL bytes to decide that it is binary (git uses the same idea). */
export const BINARY_SNIFF_BYTES = 8000;

/** Longest name a rename accepts: far beyond any real identifier, small enough to bound the edit. */
export const MAX_IDENTIFIER_LENGTH = 256;

/** Diagnostics kept and sent per file: a file with more is broken beyond what a list helps with. */
export const MAX_DIAGNOSTICS_PER_FILE = 500;

/** Completion entries sent per request; the editor filters further as the user types. */
export const MAX_COMPLETIONS = 400;

/** A Yjs relative position names an item by client id and clock plus a few flags: tens of bytes.
 * Anything larger is not a position. */
export const MAX_PRESENCE_POSITION_BYTES = 256;

/** Presence updates forwarded per socket and second; the rest are dropped (the next one carries the
 * newer position anyway). Editors send at most one per PRESENCE_SEND_INTERVAL_MS. */
export const MAX_PRESENCE_UPDATES_PER_SECOND = 20;
export const PRESENCE_SEND_INTERVAL_MS = 50;

/** Longest Cmd/Ctrl-K instruction: a few paragraphs; code to apply goes in the sketch instead. */
export const MAX_INSTRUCTION_LENGTH = 8000;

/** Apply progress (`apply:partial`) is sent at most this often per socket: each carries the whole
 * output so far, and the editor redraws its review at about this rate anyway. */
export const APPLY_PARTIAL_INTERVAL_MS = 50;
