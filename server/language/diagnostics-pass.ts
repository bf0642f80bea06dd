/**
 * Keeps the diagnostics of every file of the project current, in the background of the language
 * worker. Any change can affect any file (an edited export breaks its importers), so after a
 * change every root file is checked again, in this order: the files just changed, then files open
 * in editors, then the rest. A newer change interrupts the check in progress and reorders the
 * queue; checks yield between files so requests (hover, completions) are answered in between.
 * Only diagnostics that differ from the last ones published are published.
 */
import ts from 'typescript';
import type { LangDiagnostic } from '../../lib/protocol';
import type { ChangeSignal } from './change-signal';
import { diagnostics } from './language-queries';
import type { VirtualProject } from './virtual-project';

/** Changes arriving within this window are checked together (keystrokes come in bursts). */
const SETTLE_MS = 15;

const yieldToMessages = () => new Promise<void>((resolve) => setImmediate(resolve));

export class DiagnosticsPass {
  private published = new Map<string, { key: string; diagnostics: LangDiagnostic[] }>();
  private queue: string[] = [];
  private focused: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly project: VirtualProject,
    private readonly signal: ChangeSignal,
    private readonly publish: (path: string, diagnostics: LangDiagnostic[]) => void,
  ) {}

  /** Files changed (or were added or removed): check again, these first. */
  changed(paths: readonly string[]): void {
    this.queue = [...new Set([...paths, ...this.focused, ...this.queue, ...this.project.rootPaths()])];
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.run();
    }, SETTLE_MS);
  }

  /** A file open in an editor: its diagnostics come before those of files nobody looks at. */
  focus(path: string): void {
    this.focused = [path, ...this.focused.filter((p) => p !== path)].slice(0, 32);
  }

  /** Checks one file now (a request wants it) and publishes it if it changed. */
  checkNow(path: string): LangDiagnostic[] {
    const found = diagnostics(this.project, path);
    this.record(path, found);
    this.queue = this.queue.filter((p) => p !== path);
    return found;
  }

  /** Everything published so far, by file. */
  all(): { path: string; diagnostics: LangDiagnostic[] }[] {
    return [...this.published].filter(([, v]) => v.diagnostics.length > 0).map(([path, v]) => ({ path, diagnostics: v.diagnostics }));
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.forgetNonRoots();
      while (this.queue.length > 0) {
        const path = this.queue[0];
        let found: LangDiagnostic[];
        this.signal.arm();
        try {
          found = diagnostics(this.project, path);
        } catch (e) {
          if (e instanceof ts.OperationCanceledException) {
            // A change is arriving: let it in (it reorders the queue), then carry on.
            await yieldToMessages();
            this.forgetNonRoots();
            continue;
          }
          console.error(`lookahead: checking ${path} failed:`, (e as Error).message);
          found = [];
        } finally {
          this.signal.disarm();
        }
        if (this.queue[0] === path) this.queue.shift();
        this.record(path, found);
        await yieldToMessages();
      }
    } finally {
      this.running = false;
    }
  }

  private record(path: string, found: LangDiagnostic[]): void {
    const key = JSON.stringify(found);
    if (this.published.get(path)?.key === key) return;
    if (found.length === 0 && !this.published.has(path)) {
      this.published.set(path, { key, diagnostics: found });
      return;
    }
    this.published.set(path, { key, diagnostics: found });
    this.publish(path, found);
  }

  /** Files deleted or no longer in the project lose their diagnostics. */
  private forgetNonRoots(): void {
    const roots = new Set(this.project.rootPaths());
    this.queue = this.queue.filter((p) => roots.has(p));
    for (const [path, v] of this.published) {
      if (roots.has(path)) continue;
      this.published.delete(path);
      if (v.diagnostics.length > 0) this.publish(path, []);
    }
  }
}
