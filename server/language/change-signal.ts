/**
 * Lets the main thread interrupt the language worker's background checking at once when a file
 * changes: the main thread bumps a counter in shared memory as it posts each change, and the
 * type checker (which polls its cancellation token while it works) stops when the counter has
 * moved since the check began. Requests are never interrupted: the token is armed only around
 * background checks.
 */
import ts from 'typescript';

export class ChangeSignal implements ts.CancellationToken {
  private readonly counter: Int32Array;
  private armedAt: number | null = null;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.counter = new Int32Array(buffer);
  }

  /** Main thread: a change is on its way to the worker. */
  bump(): void {
    Atomics.add(this.counter, 0, 1);
  }

  /** Worker: work from here on may be interrupted by a change. */
  arm(): void {
    this.armedAt = Atomics.load(this.counter, 0);
  }

  disarm(): void {
    this.armedAt = null;
  }

  isCancellationRequested(): boolean {
    return this.armedAt !== null && Atomics.load(this.counter, 0) !== this.armedAt;
  }

  throwIfCancellationRequested(): void {
    if (this.isCancellationRequested()) throw new ts.OperationCanceledException();
  }
}
