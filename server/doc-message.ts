/**
 * The binary envelope of a document update travelling between server processes on the backplane:
 * which process sent it (so it is not applied twice), who made it, the document epoch, the update.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export interface DocMessage {
  node: string;
  author: string;
  epoch: string;
  update: Uint8Array;
}

export function encodeDocMessage(message: DocMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, message.node);
  encoding.writeVarString(encoder, message.author);
  encoding.writeVarString(encoder, message.epoch);
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
    const update = decoding.readVarUint8Array(decoder);
    return { node, author, epoch, update };
  } catch {
    return null;
  }
}
