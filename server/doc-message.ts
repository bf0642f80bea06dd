/**
 * The binary envelope of document traffic between server processes on the backplane: which
 * process sent it (so it is not applied twice), who made it, the document epoch, and either a Yjs
 * update or a state vector. A state vector asks the other processes for what the sender lacks
 * (sent after the backplane was unreachable, when updates may have been lost): each answers with
 * that difference as an update, and once with its own state vector ("reply") to get its share.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export type DocMessageKind = 'update' | 'state-vector' | 'state-vector-reply';
const KINDS: readonly DocMessageKind[] = ['update', 'state-vector', 'state-vector-reply'];

export interface DocMessage {
  node: string;
  author: string;
  epoch: string;
  kind: DocMessageKind;
  /** The update, or the state vector. */
  update: Uint8Array;
}

export function encodeDocMessage(message: DocMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, message.node);
  encoding.writeVarString(encoder, message.author);
  encoding.writeVarString(encoder, message.epoch);
  encoding.writeUint8(encoder, KINDS.indexOf(message.kind));
  encoding.writeVarUint8Array(encoder, message.update);
  return encoding.toUint8Array(encoder);
}

/** Null for bytes that are not a DocMessage. */
export function decodeDocMessage(bytes: Uint8Array): DocMessage | null {
  try {
    const decoder = decoding.createDecoder(bytes);
    const node = decoding.readVarString(decoder);
    const author = decoding.readVarString(decoder);
    const epoch = decoding.readVarString(decoder);
    const kind = KINDS[decoding.readUint8(decoder)];
    const update = decoding.readVarUint8Array(decoder);
    return kind ? { node, author, epoch, kind, update } : null;
  } catch {
    return null;
  }
}

/** A Yjs update starts with the number of structs and deletions; two zero bytes carry nothing. */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}
