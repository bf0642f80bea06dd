/**
 * A worker thread that holds one workspace's TypeScript language service, so type checking never
 * blocks the socket server's event loop. The main thread sends it the workspace's source files
 * and every later change; it answers requests and publishes diagnostics as they change.
 *   in:  {type:'load', files} | {type:'set', path, text} | {type:'remove', path} | {type:'focus', path}
 *        | {type:'request', id, query}
 *   out: {type:'ready'} | {type:'diagnostics', path, diagnostics} | {type:'result', id, value}
 *        | {type:'error', id, message, badRequest}
 */
import { setPriority } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { LangDiagnostic } from '../../lib/protocol';
import { ChangeSignal } from './change-signal';
import { DiagnosticsPass } from './diagnostics-pass';
import * as queries from './language-queries';
import { VirtualProject } from './virtual-project';

/** Niceness of the type-checking thread (0 normal, 19 lowest). */
const LANGUAGE_THREAD_NICE = 10;

export interface LanguageWorkerOptions {
  /** Shared with the main thread's ChangeSignal. */
  changeSignal: SharedArrayBuffer;
}

export type LanguageQuery =
  | { op: 'hover' | 'definition' | 'references' | 'completions' | 'typeAt' | 'definitionsNear'; path: string; offset: number }
  | { op: 'rename'; path: string; offset: number; newName: string }
  | { op: 'problems'; path?: string }
  | { op: 'stats' };

export interface LanguageStats {
  /** Bytes of the worker's JavaScript heap in use. */
  heapUsed: number;
  files: number;
}

export type LanguageWorkerMessage =
  | { type: 'load'; files: { path: string; text: string }[] }
  | { type: 'set'; path: string; text: string }
  | { type: 'remove'; path: string }
  | { type: 'focus'; path: string }
  | { type: 'request'; id: number; query: LanguageQuery };

export type LanguageWorkerReply =
  | { type: 'ready' }
  | { type: 'diagnostics'; path: string; diagnostics: LangDiagnostic[] }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string; badRequest: boolean };

const port = parentPort!;

// Type checking yields the CPU to the socket server and to Tab, whose answers are waited for
// keystroke by keystroke; diagnostics may trail by a few milliseconds. (On Linux this lowers the
// priority of this thread only.)
try {
  setPriority(LANGUAGE_THREAD_NICE);
} catch {
  // Not permitted here: run at the normal priority.
}
const signal = new ChangeSignal((workerData as LanguageWorkerOptions).changeSignal);
const project = new VirtualProject(signal);
const pass = new DiagnosticsPass(project, signal, (path, diagnostics) => port.postMessage({ type: 'diagnostics', path, diagnostics } satisfies LanguageWorkerReply));

function answer(query: LanguageQuery): unknown {
  switch (query.op) {
    case 'hover':
      return queries.hover(project, query.path, query.offset);
    case 'definition':
      return queries.definition(project, query.path, query.offset);
    case 'references':
      return queries.references(project, query.path, query.offset);
    case 'completions':
      return queries.completions(project, query.path, query.offset);
    case 'rename':
      return queries.rename(project, query.path, query.offset, query.newName);
    case 'typeAt':
      return queries.typeAt(project, query.path, query.offset);
    case 'definitionsNear':
      return queries.definitionsNear(project, query.path, query.offset);
    case 'problems':
      return query.path === undefined ? pass.all() : [{ path: query.path, diagnostics: pass.checkNow(query.path) }];
    case 'stats':
      return { heapUsed: getHeapStatistics().used_heap_size, files: project.paths().length } satisfies LanguageStats;
  }
}

port.on('message', (msg: LanguageWorkerMessage) => {
  switch (msg.type) {
    case 'load':
      for (const file of msg.files) project.set(file.path, file.text);
      pass.changed([]);
      return;
    case 'set':
      project.set(msg.path, msg.text);
      pass.changed([msg.path]);
      return;
    case 'remove':
      pass.changed(project.removeUnder(msg.path));
      return;
    case 'focus':
      pass.focus(msg.path);
      return;
    case 'request':
      try {
        port.postMessage({ type: 'result', id: msg.id, value: answer(msg.query) } satisfies LanguageWorkerReply);
      } catch (e) {
        const badRequest = e instanceof queries.LanguageRequestError;
        if (!badRequest) console.error(`lookahead: language ${msg.query.op} failed:`, e);
        port.postMessage({ type: 'error', id: msg.id, message: badRequest ? (e as Error).message : 'the language service failed', badRequest } satisfies LanguageWorkerReply);
      }
  }
});
port.postMessage({ type: 'ready' } satisfies LanguageWorkerReply);
