/**
 * What collaboration promises, each tried the hard way: a killed server, a restarted Redis,
 * clients offline for minutes, typing at the same spot, undo, and a seeded random sync run.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { DocSync } from '../components/editor/doc-sync';
import { runSeed, seededRandom } from './support/random';
import { connectClient, createWorkspace, eventually, startServer, startServerPair, type CreatedWorkspace } from './support/server';
import { startServerProcess } from './support/server-process';

const live = (sync: DocSync) => eventually(() => sync.getStatus().phase, (p) => p === 'live', 10_000);
const fileOf = (dataDir: string, ws: CreatedWorkspace, path: string) => () => readFileSync(join(dataDir, 'workspaces', ws.id, path), 'utf8');

/** A client that reconnects quickly on its own, as the editor does. */
function reconnecting(url: string, ws: CreatedWorkspace): Socket {
  return connect(url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { workspaceId: ws.id, token: ws.editToken },
    reconnectionDelay: 50,
    reconnectionDelayMax: 250,
    forceNew: true,
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const { createClient } = await import('redis');
  await eventually(
    async () => {
      const c = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } });
      c.on('error', () => {});
      try {
        await c.connect();
        await c.ping();
        await c.close();
        return true;
      } catch {
        return false;
      }
    },
    (ok) => ok,
  );
  return child;
}

/** A fresh server and workspace with two live editors of `path`. */
async function twoEditors(path: string) {
  const t = await startServer();
  const ws = await createWorkspace(t.url);
  const a = new DocSync(await connectClient(t.url, ws.id, ws.editToken), path);
  const b = new DocSync(await connectClient(t.url, ws.id, ws.editToken), path);
  await Promise.all([live(a), live(b)]);
  return { t, ws, a, b };
}

describe('collaboration guarantees', () => {
  it('after a SIGKILL of the server, edits come back from the clients when they reconnect', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lookahead-kill-'));
    let server = await startServerProcess({ dataDir });
    const ws = await createWorkspace(server.url);
    const socket = reconnecting(server.url, ws);
    const a = new DocSync(socket, 'src/index.ts');
    try {
      await live(a);
      a.text.insert(0, '// saved before the crash\n');
      await eventually(() => a.getStatus().saveState, (s) => s === 'saved');
      a.text.insert(0, '// typed just before the crash\n');
      server.child.kill('SIGKILL');
      await server.exited;
      await eventually(() => a.getStatus().phase, (p) => p === 'offline');
      a.text.insert(0, '// typed while the server was dead\n');
      const expected = a.text.toString();
      server = await startServerProcess({ dataDir, port: server.port });
      await eventually(fileOf(dataDir, ws, 'src/index.ts'), (text) => text === expected, 10_000);
      assert.equal(expected.split('TodoList()').length, 2, 'nothing duplicated');
      // A new editor sees the same text.
      const b = new DocSync(await connectClient(server.url, ws.id, ws.editToken), 'src/index.ts');
      await live(b);
      assert.equal(b.text.toString(), expected);
      b.destroy();
    } finally {
      a.destroy();
      socket.close();
      server.child.kill('SIGKILL');
      await server.exited;
    }
  });

  it('a Redis restart in Redis mode loses nothing: both server processes converge again', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    const [one, two] = await startServerPair(url);
    const ws = await createWorkspace(one.url);
    const a = new DocSync(await connectClient(one.url, ws.id, ws.editToken), 'src/index.ts');
    const b = new DocSync(await connectClient(two.url, ws.id, ws.editToken), 'src/index.ts');
    try {
      await Promise.all([live(a), live(b)]);
      a.text.insert(0, '// before the outage\n');
      await eventually(() => b.text.toString(), (t) => t.startsWith('// before the outage'));
      redis.kill('SIGKILL');
      await new Promise((r) => redis.once('exit', r));
      a.text.insert(0, '// on server one while Redis was down\n');
      b.text.insert(b.text.length, '// on server two while Redis was down\n');
      await new Promise((r) => setTimeout(r, 500));
      redis = await startRedis(port);
      await eventually(
        () => [a.text.toString(), b.text.toString()],
        ([x, y]) => x === y && x.includes('server one while') && x.includes('server two while'),
        15_000,
      );
      await eventually(fileOf(one.dataDir, ws, 'src/index.ts'), (text) => text === a.text.toString(), 10_000);
      // Fan-out works again afterwards.
      b.text.insert(0, '// after the outage\n');
      await eventually(() => a.text.toString(), (t) => t.startsWith('// after the outage'));
    } finally {
      a.destroy();
      b.destroy();
      await one.close();
      await two.close();
      redis.kill('SIGKILL');
    }
  });

  it('clients offline for 5 s, 60 s and 3 min merge their edits on return', { timeout: 240_000 }, async () => {
    const t = await startServer();
    const ws = await createWorkspace(t.url);
    const online = new DocSync(await connectClient(t.url, ws.id, ws.editToken), 'src/todo.ts');
    await live(online);
    const absences = [5_000, 60_000, 180_000];
    const clients = await Promise.all(
      absences.map(async (ms) => {
        const socket = await connectClient(t.url, ws.id, ws.editToken);
        const sync = new DocSync(socket, 'src/todo.ts');
        await live(sync);
        return { ms, socket, sync };
      }),
    );
    try {
      await Promise.all(
        clients.map(async ({ ms, socket, sync }) => {
          socket.disconnect();
          await eventually(() => sync.getStatus().phase, (p) => p === 'offline');
          sync.text.insert(0, `// written during ${ms / 1000} s offline\n`);
          // The online editor keeps working meanwhile.
          online.text.insert(online.text.length, `// online while a client was away ${ms / 1000} s\n`);
          await new Promise((r) => setTimeout(r, ms));
          socket.connect();
        }),
      );
      const all = [online, ...clients.map((c) => c.sync)];
      await eventually(
        () => all.map((s) => s.text.toString()),
        (texts) => texts.every((x) => x === texts[0]) && absences.every((ms) => texts[0].includes(`during ${ms / 1000} s offline`) && texts[0].includes(`away ${ms / 1000} s`)),
        15_000,
      );
      await eventually(fileOf(t.dataDir, ws, 'src/todo.ts'), (text) => text === online.text.toString());
    } finally {
      online.destroy();
      for (const c of clients) {
        c.sync.destroy();
        c.socket.close();
      }
      await t.close();
    }
  });

  it('two users typing at the same offset at once converge, keeping every character', async () => {
    const { t, ws, a, b } = await twoEditors('README.md');
    try {
      for (let i = 0; i < 30; i++) {
        a.text.insert(5, 'a');
        b.text.insert(5, 'b');
      }
      await eventually(() => [a.text.toString(), b.text.toString()], ([x, y]) => x === y);
      const merged = a.text.toString();
      assert.equal(merged.slice(5, 65).replace(/[ab]/g, '').length, 0, 'the 60 typed characters sit together at offset 5');
      assert.equal((merged.slice(5, 65).match(/a/g) ?? []).length, 30);
      await eventually(fileOf(t.dataDir, ws, 'README.md'), (text) => text === merged);
    } finally {
      a.destroy();
      b.destroy();
      await t.close();
    }
  });

  it('undo is per user: undoing takes back only your own edits, everywhere', async () => {
    const { t, ws, a, b } = await twoEditors('README.md');
    try {
      const original = a.text.toString();
      // The editor's undo manager tracks local transactions only (remote ones carry remoteOrigin).
      const undoA = new Y.UndoManager(a.text, { trackedOrigins: new Set([null]) });
      a.text.insert(0, 'AAA ');
      await eventually(() => b.text.toString(), (x) => x.startsWith('AAA '));
      b.text.insert(b.text.length, ' BBB');
      await eventually(() => a.text.toString(), (x) => x.endsWith(' BBB'));
      undoA.undo();
      const expected = original + ' BBB';
      await eventually(() => [a.text.toString(), b.text.toString()], ([x, y]) => x === expected && y === expected);
    } finally {
      a.destroy();
      b.destroy();
      await t.close();
    }
  });

  for (const seed of [11, 2024, runSeed()]) {
    it(`random edits, interleavings and disconnects: every replica and the file agree (seed ${seed})`, async () => {
      const rand = seededRandom(seed);
      const t = await startServer();
      const ws = await createWorkspace(t.url);
      const clients = await Promise.all(
        Array.from({ length: 3 }, async () => {
          const socket = await connectClient(t.url, ws.id, ws.editToken);
          const sync = new DocSync(socket, 'src/todo.ts');
          await live(sync);
          return { socket, sync };
        }),
      );
      const words = ['x', 'foo', '\n', '  ', '();', 'const y = 1;\n', 'é', '🙂'];
      try {
        for (let step = 0; step < 150; step++) {
          const c = clients[Math.floor(rand() * clients.length)];
          const r = rand();
          const len = c.sync.text.length;
          if (r < 0.08) {
            // `active` (connected or still connecting), not `connected`: connect() on a socket whose
            // handshake is in flight sends a second CONNECT, which the server answers by closing the
            // connection, and these sockets do not reconnect on their own. A toggle may thus also
            // cancel a connection attempt, and a seed replays the same toggles however fast it runs.
            if (c.socket.active) c.socket.disconnect();
            else c.socket.connect();
          } else if (r < 0.7 || len === 0) {
            c.sync.text.insert(Math.floor(rand() * (len + 1)), words[Math.floor(rand() * words.length)]);
          } else {
            const from = Math.floor(rand() * len);
            c.sync.text.delete(from, Math.min(len - from, 1 + Math.floor(rand() * 8)));
          }
          // Random gaps let messages from different clients arrive in different orders.
          if (rand() < 0.3) await new Promise((r) => setTimeout(r, Math.floor(rand() * 15)));
        }
        for (const c of clients) if (!c.socket.active) c.socket.connect();
        const texts = await eventually(
          () => clients.map((c) => c.sync.text.toString()),
          (all) => all.every((x) => x === all[0]) && clients.every((c) => c.sync.getStatus().phase === 'live'),
          15_000,
        );
        await eventually(fileOf(t.dataDir, ws, 'src/todo.ts'), (text) => text === texts[0], 5_000);
      } finally {
        for (const c of clients) {
          c.sync.destroy();
          c.socket.close();
        }
        await t.close();
      }
    });
  }
});
