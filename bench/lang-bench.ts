/**
 * Language service benchmarks. `npm run -s bench -- lang --json` prints
 *   {"workspace", "startMs", "diagnosticsAfterKeystrokeMs": {"p50","p90","n"}, "hoverMs": {...},
 *    "definitionMs": {...}, "memoryPerWorkspace": {"rssMiB","workerHeapMiB","workspaces"}}
 * against a real server (no Next pages) through real socket.io clients, on a generated workspace of
 * 50 TypeScript files, one of them 2,000 lines long:
 * - startMs: from the first request to the first answer (worker start, copy, library load).
 * - diagnosticsAfterKeystrokeMs: a one-character edit in the long file that makes or mends a type
 *   error, from sending the edit to receiving the pushed diagnostics that reflect it.
 * - hoverMs, definitionMs: request to answer, on calls in the long file to functions of other files.
 * - memoryPerWorkspace: growth of the server's RSS per running language service (three workspaces
 *   started after one warm-up), and the JavaScript heap of one worker.
 */
import { percentile, round } from './stats';
import type { Socket } from 'socket.io-client';
import { DocSync } from '../components/editor/doc-sync';
import type { LangDiagnostic } from '../lib/protocol';
import type { LanguageStats } from '../server/language/language-worker';
import { bearer, connectClient, createWorkspace, eventually, startServer, type TestServer } from '../test/support/server';

const FILES = 50;
const LONG_FILE_LINES = 2000;
const KEYSTROKES = 40;
const REQUESTS = 60;
/** Pause between keystrokes, so each measures one edit rather than a queue of them. */
const TYPING_PAUSE_MS = 60;
const MEMORY_WORKSPACES = 3;

const summary = (values: number[]) => ({ p50: round(percentile(values, 50)), p90: round(percentile(values, 90)), n: values.length });
const mib = (bytes: number) => round(bytes / (1024 * 1024));

/** Module i: a few types and functions that use the module before it. */
function moduleSource(i: number): string {
  const lines = [i > 0 ? `import { Item${i - 1}, total${i - 1} } from './mod${i - 1}.js';` : '', ''];
  lines.push(`export interface Item${i} {`, '  id: number;', '  name: string;', i > 0 ? `  parent?: Item${i - 1};` : '  tags: string[];', '}', '');
  for (let f = 0; f < 8; f++) {
    lines.push(`/** Sums the ids of items, variant ${f}. */`);
    lines.push(`export function sum${i}_${f}(items: readonly Item${i}[]): number {`);
    lines.push(`  return items.reduce((acc, item) => acc + item.id * ${f + 1}, 0);`);
    lines.push('}', '');
  }
  lines.push(`export function total${i}(items: Item${i}[]): number {`);
  lines.push(i > 0 ? `  return sum${i}_0(items) + total${i - 1}(items.map((x) => ({ ...x, tags: [] as string[] })) as unknown as Item${i - 1}[]);` : `  return sum0_0(items);`);
  lines.push('}', '');
  return lines.join('\n');
}

/** The long file: calls into every module, one numbered block after another, to 2,000 lines. */
function longSource(): string {
  const lines = [`import { sum0_1, type Item0 } from './mod0.js';`, `import { sum1_2 } from './mod1.js';`, `import { total${FILES - 2} } from './mod${FILES - 2}.js';`, ''];
  lines.push('const count = 3;', 'export const first: number = count;', '');
  for (let block = 0; lines.length + 7 <= LONG_FILE_LINES - 1; block++) {
    lines.push(`export function block${block}(items: Item0[]): number {`);
    lines.push(`  const a = sum0_1(items) + ${block};`);
    lines.push(`  const b: number = sum1_2([]) * a;`);
    lines.push(`  const c = total${FILES - 2}([]) - b;`);
    lines.push(`  return a + b + c;`);
    lines.push('}', '');
  }
  while (lines.length < LONG_FILE_LINES) lines.push('// end');
  return lines.join('\n') + '\n';
}

async function generatedWorkspace(t: TestServer): Promise<{ id: string; token: string }> {
  const ws = await createWorkspace(t.url);
  const put = (path: string, body: string) => fetch(`${t.url}/api/workspaces/${ws.id}/files/${path}`, { method: 'PUT', headers: bearer(ws.editToken), body });
  for (let i = 0; i < FILES - 1; i++) await put(`src/mod${i}.ts`, moduleSource(i));
  await put('src/long.ts', longSource());
  return { id: ws.id, token: ws.editToken };
}

const ask = (socket: Socket, event: string, payload: object) => socket.timeout(60_000).emitWithAck(event, payload);

/** Resolves once no diagnostics have been pushed for `quietMs` (the service has checked everything). */
async function settled(pushes: { at: number }, quietMs = 1500): Promise<void> {
  await eventually(() => Date.now() - pushes.at, (idle) => idle >= quietMs, 120_000);
}

export async function benchLang(): Promise<unknown> {
  const t = await startServer();
  try {
    const { id, token } = await generatedWorkspace(t);
    const socket = await connectClient(t.url, id, token);
    const pushes = { at: Date.now() };
    const problems = new Map<string, LangDiagnostic[]>();
    let latest: LangDiagnostic[] | null = null;
    socket.on('lang:diagnostics', (msg: { path: string; diagnostics: LangDiagnostic[] }) => {
      pushes.at = Date.now();
      problems.set(msg.path, msg.diagnostics);
      if (msg.path === 'src/long.ts') latest = msg.diagnostics;
    });
    const source = longSource();

    const started = performance.now();
    const firstHover = await ask(socket, 'lang:hover', { path: 'src/long.ts', offset: source.indexOf('count;') });
    const startMs = performance.now() - started;
    if (!firstHover.ok || !firstHover.hover) throw new Error(`hover failed: ${JSON.stringify(firstHover)}`);
    await settled(pushes);
    if (problems.size > 0 && [...problems.values()].some((d) => d.length > 0)) throw new Error(`the generated workspace has errors: ${JSON.stringify([...problems].slice(0, 2))}`);

    // Keystrokes: "count" -> "counts" (an unknown name) -> "count", at the top of the long file.
    const doc = new DocSync(socket, 'src/long.ts');
    await eventually(() => doc.getStatus().phase, (p) => p === 'live');
    const at = source.indexOf('count;', source.indexOf('first')) + 'count'.length;
    const keystrokes: number[] = [];
    for (let k = 0; k < KEYSTROKES; k++) {
      const breaking = k % 2 === 0;
      latest = null;
      const sent = performance.now();
      if (breaking) doc.text.insert(at, 's');
      else doc.text.delete(at, 1);
      await eventually(
        () => latest,
        (found) => found !== null && found.some((d) => d.code === 2552 || d.code === 2304) === breaking,
        30_000,
      );
      keystrokes.push(performance.now() - sent);
      await new Promise((r) => setTimeout(r, TYPING_PAUSE_MS));
    }
    doc.destroy();

    // Hover and go to definition on calls into other modules, all over the long file.
    const calls = [...source.matchAll(/sum1_2\(|total\d+\(\[\]\)/g)].map((m) => m.index! + 2);
    const hover: number[] = [];
    const definition: number[] = [];
    for (let r = 0; r < REQUESTS; r++) {
      const offset = calls[Math.floor((r * calls.length) / REQUESTS)];
      let sent = performance.now();
      const h = await ask(socket, 'lang:hover', { path: 'src/long.ts', offset });
      hover.push(performance.now() - sent);
      sent = performance.now();
      const d = await ask(socket, 'lang:definition', { path: 'src/long.ts', offset });
      definition.push(performance.now() - sent);
      if (!h.hover || d.locations.length !== 1) throw new Error(`no answer at ${offset}: ${JSON.stringify([h, d])}`);
    }
    socket.close();

    // Memory: RSS growth over several more running services, and one worker's heap.
    const workspaces = [];
    for (let w = 0; w < MEMORY_WORKSPACES; w++) workspaces.push(await generatedWorkspace(t));
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const heaps: number[] = [];
    for (const ws of workspaces) {
      const client = await t.server.languages.service(ws.id);
      await client.request({ op: 'problems', path: 'src/long.ts' });
      // Every file checked once, as after opening the workspace.
      for (let i = 0; i < FILES - 1; i++) await client.request({ op: 'problems', path: `src/mod${i}.ts` });
      heaps.push((await client.request<LanguageStats>({ op: 'stats' })).heapUsed);
    }
    const rssAfter = process.memoryUsage().rss;

    return {
      workspace: { files: FILES, longFileLines: source.split('\n').length - 1, bytes: source.length },
      startMs: round(startMs),
      diagnosticsAfterKeystrokeMs: summary(keystrokes),
      hoverMs: summary(hover),
      definitionMs: summary(definition),
      memoryPerWorkspace: { rssMiB: mib((rssAfter - rssBefore) / MEMORY_WORKSPACES), workerHeapMiB: mib(percentile(heaps, 50)), workspaces: MEMORY_WORKSPACES },
    };
  } finally {
    await t.close();
  }
}
