import { EDIT_HISTORY_LENGTH } from '../lib/limits';

/** One change to a file: at `from`, `deleted` was replaced by `inserted` (positions in UTF-16 units
 * of the document as it was just before this change). */
export interface EditRecord {
  at: number;
  author: string;
  from: number;
  deleted: string;
  inserted: string;
}

/**
 * The recent edits of one open file, oldest first, bounded to EDIT_HISTORY_LENGTH entries.
 * Next-edit prediction reads it to see what the user has just been doing.
 */
export class EditHistory {
  private records: EditRecord[] = [];

  constructor(private readonly limit = EDIT_HISTORY_LENGTH) {}

  add(record: EditRecord): void {
    this.records.push(record);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
  }

  /** The most recent `count` edits (all by default), oldest first. */
  recent(count = this.limit): readonly EditRecord[] {
    return this.records.slice(-count);
  }

  get size(): number {
    return this.records.length;
  }
}

/** A Yjs text delta (retain/insert/delete ops) as edit records, applied in order to `before`. */
export function recordsFromDelta(
  before: string,
  delta: ReadonlyArray<{ retain?: number; insert?: unknown; delete?: number }>,
  author: string,
  at: number,
): EditRecord[] {
  const records: EditRecord[] = [];
  let text = before;
  let pos = 0;
  for (const op of delta) {
    if (op.retain !== undefined) pos += op.retain;
    else if (op.delete !== undefined) {
      const deleted = text.slice(pos, pos + op.delete);
      const last = records.at(-1);
      // A replacement arrives as delete+insert or insert+delete at one spot: keep it one record.
      if (last && last.from + last.inserted.length === pos && last.deleted === '') {
        last.deleted = deleted;
      } else records.push({ at, author, from: pos, deleted, inserted: '' });
      text = text.slice(0, pos) + text.slice(pos + op.delete);
    } else if (typeof op.insert === 'string') {
      const last = records.at(-1);
      if (last && last.from === pos && last.inserted === '') last.inserted = op.insert;
      else records.push({ at, author, from: pos, deleted: '', inserted: op.insert });
      text = text.slice(0, pos) + op.insert + text.slice(pos);
      pos += op.insert.length;
    }
  }
  return records;
}
