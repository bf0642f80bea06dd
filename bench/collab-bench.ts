/**
 * Collaboration load. `npm run -s bench -- collab --json` prints
 *   {"file", "clientsPerWorkspace", "typistsPerWorkspace", "keysPerSecond", "windowMs", "limitMs",
 *    "steps": [{"clients", "workspaces", "editsPerSecond", "deliveries", "lost", "fanOutMs": {"p50","p90","p99","max"},
 *               "serverCpuPercent", "clientCpuPercent", "serverLoopDelayP99Ms", "serverRssMiB", "rssPerSocketKiB",
 *               "heapPerSocketKiB"}],
 *    "sustainedClients"}
 *
 * One server process (createLookaheadServer without Next pages, in a child process so its memory
 * and CPU are its own) and N real socket.io clients in this process, in workspaces of 10 clients
 * that all have README.md open. A fifth of the clients type into it at 5 keys a second through
 * DocSync (the editor's sync client); the others only listen. Fan-out latency is the time from a
 * keystroke's local Yjs update to its arrival at each listening collaborator (both ends are in this
 * process, so one clock). N doubles from 50 until p99 passes 100 ms or the time budget runs out.
 * `sustainedClients` is the largest N whose p99 stayed within the limit.
 *
 * `serverLoopDelayP99Ms` is the server's event-loop delay over the window: when it is high the
 * server itself is the bottleneck.
 *
 * Memory per socket: `heapPerSocketKiB` is the growth of the server's JavaScript heap after a GC
 * since a baseline (taken after one warm-up workspace has come and gone), divided by all sockets;
 * it is the steady figure. `rssPerSocketKiB` is the growth of the server's RSS since the first
 * step divided by the sockets added since; RSS moves by tens of MiB as the allocator and GC size
 * their pools, so it means something only across large steps. Both include each workspace's live document (one per 10
 * sockets). The two processes share the machine's cores, so the clients' own work
 * (`clientCpuPercent`, of one core) counts against the latency too.
 */
import { percentile, round } from './stats';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { DocSync, remoteOrigin } from '../components/editor/doc-sync';
import { connectClient, createWorkspace, eventually, startServer } from '../test/support/server';

const FILE = 'README.md';
const CLIENTS_PER_WORKSPACE = 10;
const TYPISTS_PER_WORKSPACE = 2;
const KEYS_PER_SECOND = 5;
const STEPS = [50, 100, 200, 400, 600, 800, 1200, 1600, 2400, 3200];
const LIMIT_MS = 100;
const WARMUP_MS = 1500;
const WINDOW_MS = 8000;
/** Deliveries of edits made in the window may arrive a little after it. */
const GRACE_MS = 1000;
/** Starts no further step past this point, to finish within about four minutes. */
const BUDGET_MS = 170_000;
const CONNECT_BATCH = 50;
const WARMUP_WORKSPACE_MS = 3000;
const SERVER_ENV = 'LOOKAHEAD_COLLAB_BENCH_SERVER';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ServerStats {
  rss: number;
  heapUsed: number;
  /** Event-loop delay since the previous request for stats. */
  loopDelayP99Ms: number;
}

/** The child: a server without pages; answers "stats" on stdin with ServerStats (after a GC). */
async function serve(): Promise<void> {
  const t = await startServer();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.stdout.write(JSON.stringify({ url: t.url }) + '\n');
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line !== 'stats') return;
    const loopDelayP99Ms = loop.percentile(99) / 1e6;
    loop.reset();
    (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.stdout.write(JSON.stringify({ rss, heapUsed, loopDelayP99Ms } satisfies ServerStats) + '\n');
  });
  lines.on('close', () => void t.close().then(() => process.exit(0)));
}

if (process.env[SERVER_ENV] === '1') await serve();

class ServerProcess {
  private replies: ((line: string) => void)[] = [];
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    lines: ReturnType<typeof createInterface>,
  ) {
    lines.on('line', (line) => this.replies.shift()?.(line));
  }

  static start(): Promise<ServerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url)], {
      env: { ...process.env, [SERVER_ENV]: '1', NODE_ENV: 'production' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
      lines.once('line', (line) => resolve(new ServerProcess(child, (JSON.parse(line) as { url: string }).url, lines)));
    });
  }

  stats(): Promise<ServerStats> {
    return new Promise((resolve) => {
      this.replies.push((line) => resolve(JSON.parse(line)));
      this.child.stdin!.write('stats\n');
    });
  }

  /** CPU time (user + system) the server has used so far, in ms (Linux /proc). */
  cpuMs(): number {
    const fields = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.stdin!.end();
    });
  }
}

/** When each keystroke was made, by Yjs item id ("client:clock"), and what arrived. */
class Tracker {
  private sentAt = new Map<string, number>();
  windowStart = Infinity;
  windowEnd = Infinity;
  sentInWindow = 0;
  latencies: number[] = [];

  sent(update: Uint8Array): void {
    const now = performance.now();
    for (const [client, clock] of Y.parseUpdateMeta(update).from) {
      this.sentAt.set(`${client}:${clock}`, now);
      if (now >= this.windowStart && now < this.windowEnd) this.sentInWindow++;
    }
  }

  arrived(update: Uint8Array): void {
    const now = performance.now();
    for (const [client, clock] of Y.parseUpdateMeta(update).from) {
      const at = this.sentAt.get(`${client}:${clock}`);
      if (at !== undefined && at >= this.windowStart && at < this.windowEnd) this.latencies.push(now - at);
    }
  }

  startWindow(): void {
    this.sentAt.clear();
    this.latencies = [];
    this.sentInWindow = 0;
    this.windowStart = performance.now();
    this.windowEnd = this.windowStart + WINDOW_MS;
  }
}

interface Crowd {
  sockets: Socket[];
  typists: { sync: DocSync; timer: NodeJS.Timeout | null }[];
}

/** One workspace's clients: typists (DocSync, typing) and listeners (recording arrivals). */
async function addWorkspace(url: string, tracker: Tracker, crowd: Crowd): Promise<void> {
  const ws = await createWorkspace(url);
  for (let i = 0; i < CLIENTS_PER_WORKSPACE; i++) {
    const socket = await connectClient(url, ws.id, ws.editToken);
    crowd.sockets.push(socket);
    if (i < TYPISTS_PER_WORKSPACE) {
      const sync = new DocSync(socket, FILE);
      sync.doc.on('update', (update: Uint8Array, origin: unknown) => origin !== remoteOrigin && tracker.sent(update));
      crowd.typists.push({ sync, timer: null });
    } else {
      socket.on('doc:update', (msg: { update: ArrayBuffer | Uint8Array }) => tracker.arrived(new Uint8Array(msg.update)));
      const reply = await socket.timeout(30_000).emitWithAck('doc:open', { path: FILE });
      if (!reply.ok) throw new Error(`doc:open failed: ${JSON.stringify(reply.error)}`);
    }
  }
}

function stopTyping(crowd: Crowd): void {
  for (const typist of crowd.typists) {
    if (typist.timer) clearInterval(typist.timer);
    typist.timer = null;
  }
}

function closeCrowd(crowd: Crowd): void {
  stopTyping(crowd);
  for (const typist of crowd.typists) typist.sync.destroy();
  for (const socket of crowd.sockets) socket.close();
}

/** One workspace typed into for a while and closed: code paths warmed, start-up garbage collected. */
async function warmUp(url: string): Promise<void> {
  const crowd: Crowd = { sockets: [], typists: [] };
  await addWorkspace(url, new Tracker(), crowd);
  await eventually(() => crowd.typists.every((t) => t.sync.getStatus().phase === 'live'), (ok) => ok, 60_000);
  for (const typist of crowd.typists) startTyping(typist);
  await sleep(WARMUP_WORKSPACE_MS);
  closeCrowd(crowd);
  await sleep(500);
}

function startTyping(typist: Crowd['typists'][number]): void {
  if (typist.timer) return;
  const type = () => {
    const text = typist.sync.text;
    if (typist.sync.getStatus().phase === 'live') text.insert(Math.floor(Math.random() * (text.length + 1)), 'abcdefghij'[Math.floor(Math.random() * 10)]);
  };
  const interval = 1000 / KEYS_PER_SECOND;
  // Typists start at random phases, so keystrokes spread over the interval instead of coinciding.
  typist.timer = setTimeout(() => (typist.timer = setInterval(type, interval)), Math.random() * interval);
}

export async function benchCollab(_args: string[]): Promise<unknown> {
  const started = Date.now();
  const server = await ServerProcess.start();
  const tracker = new Tracker();
  const crowd: Crowd = { sockets: [], typists: [] };
  const steps: unknown[] = [];
  let sustainedClients = 0;
  try {
    await warmUp(server.url);
    const baseline = await server.stats();
    let first: { rss: number; sockets: number } | null = null;
    for (const clients of STEPS) {
      if (Date.now() - started > BUDGET_MS) break;
      const workspaces = clients / CLIENTS_PER_WORKSPACE;
      const have = crowd.sockets.length / CLIENTS_PER_WORKSPACE;
      for (let w = have; w < workspaces; w += CONNECT_BATCH / CLIENTS_PER_WORKSPACE) {
        const batch = Math.min(CONNECT_BATCH / CLIENTS_PER_WORKSPACE, workspaces - w);
        await Promise.all(Array.from({ length: batch }, () => addWorkspace(server.url, tracker, crowd)));
      }
      await eventually(() => crowd.typists.every((t) => t.sync.getStatus().phase === 'live'), (ok) => ok, 60_000);
      for (const typist of crowd.typists) startTyping(typist);
      await sleep(WARMUP_MS);

      await server.stats();
      tracker.startWindow();
      const cpuBefore = server.cpuMs();
      const clientCpuBefore = process.cpuUsage();
      await sleep(WINDOW_MS);
      const cpuMs = server.cpuMs() - cpuBefore;
      const clientCpu = process.cpuUsage(clientCpuBefore);
      await sleep(GRACE_MS);
      const latencies = [...tracker.latencies].sort((a, b) => a - b);
      const listeners = CLIENTS_PER_WORKSPACE - TYPISTS_PER_WORKSPACE;
      const stats = await server.stats();
      const sockets = crowd.sockets.length;
      const p99 = percentile(latencies, 99);
      steps.push({
        clients: sockets,
        workspaces,
        editsPerSecond: round(tracker.sentInWindow / (WINDOW_MS / 1000)),
        deliveries: latencies.length,
        lost: Math.max(0, tracker.sentInWindow * listeners - latencies.length),
        fanOutMs: {
          p50: round(percentile(latencies, 50)),
          p90: round(percentile(latencies, 90)),
          p99: round(p99),
          max: round(latencies.at(-1) ?? NaN),
        },
        serverCpuPercent: Math.round((cpuMs / WINDOW_MS) * 100),
        clientCpuPercent: Math.round(((clientCpu.user + clientCpu.system) / 1000 / WINDOW_MS) * 100),
        serverLoopDelayP99Ms: round(stats.loopDelayP99Ms),
        serverRssMiB: round(stats.rss / 2 ** 20),
        rssPerSocketKiB: first ? round((stats.rss - first.rss) / (sockets - first.sockets) / 1024) : null,
        heapPerSocketKiB: round((stats.heapUsed - baseline.heapUsed) / sockets / 1024),
      });
      first ??= { rss: stats.rss, sockets };
      if (!(p99 <= LIMIT_MS)) break;
      sustainedClients = sockets;
    }
  } finally {
    closeCrowd(crowd);
    await server.stop();
  }
  return {
    file: FILE,
    clientsPerWorkspace: CLIENTS_PER_WORKSPACE,
    typistsPerWorkspace: TYPISTS_PER_WORKSPACE,
    keysPerSecond: KEYS_PER_SECOND,
    windowMs: WINDOW_MS,
    limitMs: LIMIT_MS,
    steps,
    sustainedClients,
    seconds: Math.round((Date.now() - started) / 1000),
  };
}
