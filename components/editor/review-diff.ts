/**
 * The diff the apply review shows: by lines, as a reader compares code. A line rewritten is the
 * old line out and the new one in, not characters threaded from one line into the next; inside
 * a run of lines rewritten one for one, the words that changed are marked. Given to
 * @codemirror/merge as its diff (`diffConfig.override`), whose own diff works by characters and,
 * past 500 changed characters, falls back to marking whole stretches of unchanged lines too.
 */
import { Change, presentableDiff } from '@codemirror/merge';
import { diffLines } from 'diff';

export function reviewDiff(a: string, b: string): readonly Change[] {
  const changes: Change[] = [];
  const parts = diffLines(a, b);
  let atA = 0;
  let atB = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (!part.added && !part.removed) {
      atA += part.value.length;
      atB += part.value.length;
      continue;
    }
    // Lines removed and the lines added right after them are one change.
    const removed = part.removed ? part : null;
    const added = part.added ? part : parts[i + 1]?.added ? parts[++i] : null;
    const old = removed?.value ?? '';
    const now = added?.value ?? '';
    if (removed && added && removed.count === added.count) {
      for (const c of presentableDiff(old, now)) changes.push(new Change(atA + c.fromA, atA + c.toA, atB + c.fromB, atB + c.toB));
    } else if ((!old || !now) && (old || now).endsWith('\n') && endsLine(a, atA) && endsLine(b, atB)) {
      // Whole lines in or out, given from the end of the line before: the same text, but the merge
      // view, which moves an insertion that starts as the text after it does (a line of blanks
      // before an indented line), then has nothing to move, and marks no unchanged line. Not
      // after a blank line, whose end is also its start: the view would lose the last line.
      changes.push(new Change(atA - 1, atA - 1 + old.length, atB - 1, atB - 1 + now.length));
    } else {
      changes.push(new Change(atA, atA + old.length, atB, atB + now.length));
    }
    atA += old.length;
    atB += now.length;
  }
  return changes;
}

/** Whether the line before `at` (a line start) has text, so `at - 1` ends it and starts nothing. */
function endsLine(text: string, at: number): boolean {
  return at >= 2 && text[at - 2] !== '\n';
}
