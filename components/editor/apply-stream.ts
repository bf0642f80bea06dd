/**
 * What the review shows while an apply streams in: the output's complete lines so far, then the
 * rest of the original file from the point the output has reached. That point follows the output
 * line by line: each complete output line found a little further on in the original moves it past
 * that line (lines the model dropped then show as deleted, new lines as inserted), so the review
 * shows a whole file with the changes so far instead of "everything after here was deleted".
 *
 * Display only: what the user accepts is always the final output.
 */

/** How far ahead (in lines) an output line is looked for in the original. */
const LOOKAHEAD_LINES = 400;

/** Lines this short ("}", "", "end") match too much: they only align with one of the next
 * TRIVIAL_LOOKAHEAD_LINES lines (the one after a changed line, typically). */
const TRIVIAL_LINE_LENGTH = 3;
const TRIVIAL_LOOKAHEAD_LINES = 2;

export class StreamAlignment {
  private readonly lines: string[];
  /** Start offset of each original line. */
  private readonly starts: number[];
  /** Index of the next original line not yet passed. */
  private next = 0;
  /** Output already aligned (complete lines). */
  private aligned = '';

  constructor(private readonly original: string) {
    this.lines = original.split('\n');
    this.starts = [];
    let at = 0;
    for (const line of this.lines) {
      this.starts.push(at);
      at += line.length + 1;
    }
  }

  /** The proposed file for `output`, a prefix of the final output. */
  proposal(output: string): string {
    const complete = output.slice(0, output.lastIndexOf('\n') + 1);
    if (!complete.startsWith(this.aligned)) {
      // Not a continuation of what was aligned: start over.
      this.next = 0;
      this.aligned = '';
    }
    const fresh = complete.slice(this.aligned.length);
    if (fresh) {
      const lines = fresh.split('\n');
      lines.pop(); // after the final newline
      for (const line of lines) this.advance(line);
      this.aligned = complete;
    }
    const rest = this.next < this.lines.length ? this.original.slice(this.starts[this.next]) : '';
    return complete + rest;
  }

  private advance(line: string): void {
    if (this.next >= this.lines.length) return;
    if (this.lines[this.next] === line) {
      this.next++;
      return;
    }
    const trivial = line.trim().length <= TRIVIAL_LINE_LENGTH;
    const end = Math.min(this.lines.length, this.next + (trivial ? TRIVIAL_LOOKAHEAD_LINES : LOOKAHEAD_LINES));
    for (let i = this.next + 1; i < end; i++) {
      if (this.lines[i] === line) {
        this.next = i + 1;
        return;
      }
    }
  }
}
