/**
 * Long files are applied window by window: each run of the sketch between elision markers is
 * anchored to the original by its lines that appear there, and the model rewrites only the lines
 * around those anchors. The code between windows is the code the sketch elided, kept as it is.
 */
import { ApplyInputError, isAnchorLine, isElisionMarker } from './apply-input';

export interface ApplyWindow {
  /** Character range of the original the window rewrites (whole lines). */
  start: number;
  end: number;
  /** The part of the sketch for this window. */
  sketch: string;
}

/** Lines of unchanged context around the anchored span of each part of the sketch. */
const CONTEXT_LINES = 4;

interface Segment {
  /** Sketch lines (markers included at the edges). */
  lines: string[];
  /** Original line range its anchors span, or null when nothing anchors it. */
  span: [number, number] | null;
}

/** One window over the whole file when `fits` allows, else one per anchored part of the sketch. */
export function planWindows(original: string, sketch: string, fits: (original: string, sketch: string) => boolean): ApplyWindow[] {
  if (fits(original, sketch)) return [{ start: 0, end: original.length, sketch }];
  const fileLines = original.split(/(?<=\n)/);
  const offsets = [0];
  for (const l of fileLines) offsets.push(offsets[offsets.length - 1] + l.length);
  const where = new Map<string, number[]>();
  fileLines.forEach((l, i) => {
    if (!isAnchorLine(l)) return;
    const key = l.trim();
    where.set(key, [...(where.get(key) ?? []), i]);
  });

  // Split the sketch at markers; anchor each part, reading the file forwards.
  const segments: Segment[] = [];
  let current: string[] = [];
  let lastLine = -1;
  const close = (marker: string | null) => {
    if (current.some((l) => !isElisionMarker(l))) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const l of current) {
        const hits = isAnchorLine(l) ? where.get(l.trim()) : undefined;
        if (!hits) continue;
        const at = hits.find((i) => i > lastLine) ?? hits[0];
        lo = Math.min(lo, at);
        hi = Math.max(hi, at);
        lastLine = Math.max(lastLine, at);
      }
      segments.push({ lines: marker ? [...current, marker] : current, span: lo <= hi ? [lo, hi] : null });
    }
    current = marker ? [marker] : [];
  };
  for (const line of sketch.split(/(?<=\n)/)) {
    if (isElisionMarker(line)) close(line);
    else current.push(line);
  }
  close(null);
  if (!segments.some((s) => s.span)) {
    throw new ApplyInputError('the sketch shares no line with this file, and the file is too long to rewrite whole; add a few unchanged lines around the change');
  }

  // Unanchored parts (only new code) join the part before them, or the first anchored one.
  const merged: { lines: string[]; span: [number, number] }[] = [];
  let orphan: string[] = [];
  for (const s of segments) {
    if (!s.span) {
      if (merged.length) merged[merged.length - 1].lines.push(...s.lines);
      else orphan.push(...s.lines);
      continue;
    }
    merged.push({ lines: [...orphan, ...s.lines], span: [...s.span] });
    orphan = [];
  }

  // Widen by context, then join windows that touch.
  const windows: { from: number; to: number; lines: string[] }[] = [];
  for (const m of merged) {
    const from = Math.max(0, m.span[0] - CONTEXT_LINES);
    const to = Math.min(fileLines.length, m.span[1] + 1 + CONTEXT_LINES);
    const prev = windows[windows.length - 1];
    if (prev && from <= prev.to) {
      prev.to = Math.max(prev.to, to);
      prev.lines.push(...m.lines);
    } else {
      windows.push({ from, to, lines: [...m.lines] });
    }
  }
  return windows.map((w) => {
    // A marker shared by two parts appears once.
    const lines = w.lines.filter((l, i) => !(isElisionMarker(l) && i > 0 && isElisionMarker(w.lines[i - 1])));
    const window = { start: offsets[w.from], end: offsets[w.to], sketch: lines.join('') };
    if (!fits(original.slice(window.start, window.end), window.sketch)) {
      throw new ApplyInputError('one part of this edit spans too much of a long file to apply at once; split the sketch into smaller changes');
    }
    return window;
  });
}
