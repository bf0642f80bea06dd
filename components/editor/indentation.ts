import { indentUnit } from '@codemirror/language';
import { Compartment, EditorState, type Extension, type Text } from '@codemirror/state';
import { ViewPlugin, type EditorView, type ViewUpdate } from '@codemirror/view';
import { extensionOf } from './language-for-path';

/** Lines inspected to guess a file's indentation; plenty to see its habit, cheap on big files. */
const DETECT_LINES = 2000;

/** Conventional indentation when a file shows none of its own (PEP 8 for Python). */
function defaultUnit(path: string): string {
  return extensionOf(path) === 'py' ? '    ' : '  ';
}

/**
 * The indentation a document already uses: tabs when most indented lines start with a tab, else
 * the most common step between a line and a more indented next line. Null when nothing is indented.
 */
export function detectIndentUnit(doc: Text): string | null {
  let tabs = 0;
  let spaced = 0;
  const steps = new Map<number, number>();
  let previous = 0;
  const lines = Math.min(doc.lines, DETECT_LINES);
  for (let n = 1; n <= lines; n++) {
    const text = doc.line(n).text;
    if (!text.trim()) continue;
    const indent = /^[ \t]*/.exec(text)![0];
    if (indent.startsWith('\t')) tabs++;
    else if (indent.length > 0) spaced++;
    if (!indent.includes('\t') && indent.length > previous) {
      const step = indent.length - previous;
      if (step <= 8) steps.set(step, (steps.get(step) ?? 0) + 1);
    }
    if (!indent.includes('\t')) previous = indent.length;
  }
  if (tabs === 0 && spaced === 0) return null;
  if (tabs > spaced) return '\t';
  let best = 0;
  let bestCount = 0;
  for (const [step, count] of steps) if (count > bestCount || (count === bestCount && step < best)) [best, bestCount] = [step, count];
  return best > 0 ? ' '.repeat(best) : null;
}

/**
 * Indentation for a file: the language's convention at first, then what the file itself uses,
 * guessed once its text has arrived (live documents fill in after the editor is created).
 */
export function indentation(path: string): Extension {
  const unit = new Compartment();
  const detect = ViewPlugin.fromClass(
    class {
      done = false;
      constructor(view: EditorView) {
        this.tryDetect(view);
      }
      update(update: ViewUpdate) {
        if (!this.done && update.docChanged) this.tryDetect(update.view);
      }
      tryDetect(view: EditorView) {
        if (view.state.doc.length === 0) return;
        this.done = true;
        const found = detectIndentUnit(view.state.doc);
        if (!found || found === view.state.facet(indentUnit)) return;
        // Reconfiguring inside an update is not allowed: do it right after.
        queueMicrotask(() => view.dispatch({ effects: unit.reconfigure([indentUnit.of(found), EditorState.tabSize.of(found === '\t' ? 4 : found.length)]) }));
      }
    },
  );
  return [unit.of(indentUnit.of(defaultUnit(path))), detect];
}
