/**
 * Blocks by lines: a line that ends with `{`, `(` or `[` opens a block, and a line that starts
 * with `}`, `)` or `]` closes the innermost one, at the indentation of the line that opened it.
 * Formatted code in braces keeps to this (prettier, rustfmt, black, gofmt all do), so an
 * updated file made from two texts that keep to it does too. Apply's line guard uses it to stop
 * a small model closing a block at the wrong depth, or once too often; and, where both texts keep
 * to it, writing a line inside an open block no deeper than the line that opened it.
 *
 * Lines are given as [indentation, trimmed text]. A window cut from inside a file may close
 * blocks opened above it, as the texts do (`structureOf`).
 */

export class BlockStructure {
  /** Indentations of the open blocks' first lines, innermost last. */
  private open: string[];
  /** How many more times a line may close, at each indentation, what was opened above the output. */
  private enclosing: Map<string, number>;

  /**
   * @param enclosing how often the texts close at each indentation what they did not open
   * @param leftOpen how many blocks the output may leave open at its end (as many as a text does)
   */
  constructor(
    enclosing: ReadonlyMap<string, number>,
    private readonly leftOpen = 0,
    open: readonly string[] = [],
    /** Whether a line inside an open block stands deeper than the line that opened it (where both texts keep to that). */
    private readonly deeper = false,
  ) {
    this.enclosing = new Map(enclosing);
    this.open = open.slice();
  }

  /** Whether the output may end here: it leaves no more blocks open than one of the texts does. */
  mayEnd(): boolean {
    return this.open.length <= this.leftOpen;
  }

  /**
   * Whether a line may come next: a closing line closes the innermost open block at the
   * indentation it opened with or, with none open, what one of the texts closes at this
   * indentation with nothing open (a block around the window, or a bracket opened mid-line),
   * as often as that text does.
   */
  allows(indent: string, key: string): boolean {
    if (!closes(key)) return !this.deeper || this.open.length === 0 || indent.length > this.open[this.open.length - 1].length;
    if (this.open.length > 0) return this.open[this.open.length - 1] === indent;
    return (this.enclosing.get(indent) ?? 0) > 0;
  }

  /** Records a line (it must be allowed). */
  push(indent: string, key: string): void {
    if (closes(key)) {
      if (this.open.length > 0) this.open.pop();
      else this.enclosing.set(indent, (this.enclosing.get(indent) ?? 0) - 1);
    }
    if (opens(key)) this.open.push(indent);
  }

  clone(): BlockStructure {
    return new BlockStructure(this.enclosing, this.leftOpen, this.open, this.deeper);
  }
}

/**
 * The structure an output of the two texts starts with, or null when either text does not keep
 * to the rule (a block closed at another indentation than it opened with), so the guard does
 * without it. Either text may close blocks it does not open (the original's window and the
 * sketch may be cut from inside a block); those are the blocks around the window. Either may
 * also leave blocks open at its end (a window that ends inside a block, a snippet cut short),
 * and the output may leave as many.
 */
export function structureOf(original: readonly (readonly [string, string])[], sketch: readonly (readonly [string, string])[]): BlockStructure | null {
  const walk = (lines: readonly (readonly [string, string])[]) => {
    const open: string[] = [];
    const outside = new Map<string, number>();
    let deeper = true;
    for (const [indent, key] of lines) {
      if (closes(key)) {
        if (open.length === 0) outside.set(indent, (outside.get(indent) ?? 0) + 1);
        else if (open.pop() !== indent) return null;
      } else if (key !== '' && open.length > 0 && indent.length <= open[open.length - 1].length) deeper = false;
      if (opens(key)) open.push(indent);
    }
    return { outside, leftOpen: open.length, deeper };
  };
  const inOriginal = walk(original);
  const inSketch = walk(sketch);
  if (!inOriginal || !inSketch) return null;
  const outside = inOriginal.outside;
  for (const [indent, n] of inSketch.outside) outside.set(indent, Math.max(n, outside.get(indent) ?? 0));
  return new BlockStructure(outside, Math.max(inOriginal.leftOpen, inSketch.leftOpen), [], inOriginal.deeper && inSketch.deeper);
}

/** Whether a line (trimmed) closes a block: it starts with `}`, `)` or `]`. */
export function closes(key: string): boolean {
  const c = key.charCodeAt(0);
  return c === 0x7d || c === 0x29 || c === 0x5d;
}

/** Whether a line (trimmed) opens a block: it ends with `{`, `(` or `[`. */
export function opens(key: string): boolean {
  const c = key.charCodeAt(key.length - 1);
  return c === 0x7b || c === 0x28 || c === 0x5b;
}
