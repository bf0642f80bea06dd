import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { io as connect } from 'socket.io-client';
import * as Y from 'yjs';
import { DocSync } from '../components/editor/doc-sync';
import type { EditRecord } from '../server/edit-history';
import { redisUrl } from './support/redis';
import { bearer, connectClient, createWorkspace, eventually, request, startServer, startServerPair, type CreatedWorkspace, type TestServer } from './support/server';

const live = (sync: DocSync) => eventually(() => sync.getStatus().phase, (p) => p === 'live');
const onDisk = (t: TestServer, ws: CreatedWorkspace, path: string) => () => readFileSync(join(t.dataDir, 'workspaces', ws.id, path), 'utf8');

describe('live collaboration over socket.io', () => {
  let t: TestServer;
  let ws: CreatedWorkspace;
  before(async () => {
    t = await startServer();
    ws = await createWorkspace(t.url);
  });
  after(() => t.close());

  it('two editors of one file converge and the file on disk follows within a second', async () => {
    const a = new DocSync(await connectClient(t.url, ws.id, ws.editToken), 'src/index.ts');
    const b = new DocSync(await connectClient(t.url, ws.id, ws.editToken), 'src/index.ts');
    await Promise.all([live(a), live(b)]);
    assert.ok(a.text.toString().includes('TodoList'));
    a.text.insert(0, '// from A\n');
    b.text.insert(b.text.length, '// from B\n');
    await eventually(() => [a.text.toString(), b.text.toString()], ([x, y]) => x === y && x.includes('from A') && x.includes('from B'));
    const started = Date.now();
    const disk = await eventually(onDisk(t, ws, 'src/index.ts'), (text) => text === a.text.toString());
    assert.ok(Date.now() - started < 1000, 'written within 1 s of the last edit');
    assert.ok(disk.startsWith('// from A\n'));
    await eventually(() => a.getStatus().saveState, (s) => s === 'saved');
    a.destroy();
    b.destroy();
  });

  it('keeps each edit with time, author and range in the file history', async () => {
    const a = new DocSync(await connectClient(t.url, ws.id, ws.editToken), 'src/format.ts');
    await live(a);
    const at = a.text.toString().indexOf('export function summary');
    a.text.insert(at, '/** Done vs total. */\n');
    a.text.delete(0, 6); // "import"
    const res = await eventually(
      async () => (await (await fetch(`${t.url}/api/workspaces/${ws.id}/history/src/format.ts`, { headers: bearer(ws.editToken) })).json()).edits,
      (edits: EditRecord[]) => edits.length >= 2,
    );
    const [insert, del] = res.slice(-2);
    assert.equal(insert.inserted, '/** Done vs total. */\n');
    assert.equal(insert.from, at);
    assert.equal(del.deleted, 'import');
    assert.equal(del.from, 0);
    assert.match(insert.author, /^edit-link:/);
    assert.ok(Math.abs(insert.at - Date.now()) < 10_000);
    a.destroy();
  });

  it('a client that drops and reconnects keeps what it typed offline and merges it', async () => {
    const socketA = await connectClient(t.url, ws.id, ws.editToken, { reconnection: true });
    const a = new DocSync(socketA, 'src/todo.ts');
    const b = new DocSync(await connectClient(t.url, ws.id, ws.editToken), 'src/todo.ts');
    await Promise.all([live(a), live(b)]);
    socketA.io.engine.close(); // a dropped connection, not a deliberate disconnect
    await eventually(() => a.getStatus().phase, (p) => p === 'offline');
    a.text.insert(0, '// typed offline\n');
    b.text.insert(b.text.length, '// typed online meanwhile\n');
    assert.equal(a.getStatus().saveState, 'offline-unsaved');
    await eventually(() => [a.text.toString(), b.text.toString()], ([x, y]) => x === y && x.includes('typed offline') && x.includes('online meanwhile'), 8000);
    await eventually(onDisk(t, ws, 'src/todo.ts'), (text) => text === b.text.toString());
    a.destroy();
    b.destroy();
    socketA.close();
  });

  it('a file whose client leaves while it is still opening is unloaded, not held for the gone socket', async () => {
    const fresh = await createWorkspace(t.url);
    const files = ['src/index.ts', 'src/format.ts', 'README.md'];
    const socket = await connectClient(t.url, fresh.id, fresh.editToken);
    // Opens sent, then the socket closes before the server has loaded the documents.
    for (const path of files) socket.emit('doc:open', { path }, () => {});
    await new Promise((r) => setImmediate(r));
    socket.disconnect();
    // A second client opens the same files (so their loading has finished) and closes them again.
    const other = await connectClient(t.url, fresh.id, fresh.editToken);
    for (const path of files) assert.equal((await request(other, 'doc:open', { path })).ok, true);
    other.disconnect();
    await eventually(() => files.map((path) => t.server.liveDocs.get(fresh.id, path)), (docs) => docs.every((d) => d === undefined));
  });

  it('a write through the API shows up in open editors as a normal edit', async () => {
    const a = new DocSync(await connectClient(t.url, ws.id, ws.editToken), 'README.md');
    await live(a);
    const res = await fetch(`${t.url}/api/workspaces/${ws.id}/files/README.md`, { method: 'PUT', headers: bearer(ws.editToken), body: '# Replaced by the API\n' });
    assert.equal(res.status, 200);
    await eventually(() => a.text.toString(), (text) => text === '# Replaced by the API\n');
    a.destroy();
  });

  it('binary and oversized files open read-only without a live document', async () => {
    const root = join(t.dataDir, 'workspaces', ws.id);
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3]);
    writeFileSync(join(root, 'logo.png'), binary);
    writeFileSync(join(root, 'big.txt'), 'x'.repeat(1024 * 1024 + 1));
    const socket = await connectClient(t.url, ws.id, ws.editToken);
    const png = await request(socket, 'doc:open', { path: 'logo.png' });
    assert.deepEqual(png, { ok: true, kind: 'binary', size: binary.length, readOnly: true });
    const big = await request(socket, 'doc:open', { path: 'big.txt' });
    assert.equal(big.kind, 'too-large');
    const write = await request(socket, 'doc:update', { path: 'logo.png', epoch: 'aaaaaaaaaaaa', update: new Uint8Array([1, 1, 1, 1]) });
    assert.equal(write.ok, false);
    assert.deepEqual(readFileSync(join(root, 'logo.png')), binary);
    socket.close();
  });

  it('view links read the document but every update is refused', async () => {
    const viewer = await connectClient(t.url, ws.id, ws.viewToken);
    const opened = await request(viewer, 'doc:open', { path: 'src/index.ts' });
    assert.equal(opened.readOnly, true);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(opened.update));
    const before = doc.getText('content').toString();
    const sv = Y.encodeStateVector(doc);
    doc.getText('content').insert(0, 'VIEWER WAS HERE');
    const reply = await request(viewer, 'doc:update', { path: 'src/index.ts', epoch: opened.epoch, update: Y.encodeStateAsUpdate(doc, sv) });
    assert.deepEqual(reply.ok, false);
    assert.equal(reply.error.code, 'forbidden');
    // Whatever the server holds is written now: the file shows every change it accepted.
    await t.server.liveDocs.flushAll();
    assert.equal(onDisk(t, ws, 'src/index.ts')(), before);
    viewer.close();
  });

  it('malformed, oversized and unknown messages get error replies; the connection and workspace carry on', async () => {
    const socket = await connectClient(t.url, ws.id, ws.editToken);
    const opened = await request(socket, 'doc:open', { path: 'src/index.ts' });
    const before = onDisk(t, ws, 'src/index.ts')();
    const bad: [string, unknown][] = [
      ['doc:open', null],
      ['doc:open', 'src/index.ts'],
      ['doc:open', { path: '../../etc/passwd' }],
      ['doc:open', { path: 'src/%2e%2e/x' }],
      ['doc:open', { path: 'a'.repeat(5000) }],
      ['doc:open', { path: 'src/index.ts', extra: 1 }],
      ['doc:open', JSON.parse('{"path":"src/index.ts","__proto__":{"polluted":true}}')],
      ['doc:update', { path: 'src/index.ts', epoch: opened.epoch, update: 'not bytes' }],
      ['doc:update', { path: 'src/index.ts', epoch: opened.epoch, update: randomBytes(64) }],
      ['doc:update', { path: 'src/index.ts', epoch: opened.epoch, update: new Uint8Array(5 * 1024 * 1024) }],
      ['doc:update', { path: 'src/index.ts', epoch: 'wrong-epoch-123', update: new Uint8Array([1, 0]) }],
      ['no:such:event', { path: 'x' }],
      ['__proto__', {}],
    ];
    for (const [event, payload] of bad) {
      const reply = await request(socket, event, payload);
      assert.equal(reply.ok, false, `${event} ${JSON.stringify(payload)?.slice(0, 60)} was accepted`);
      assert.ok(reply.error.message.length > 0);
    }
    // Without an ack the error comes back as an event.
    const errorEvent = new Promise((resolve) => socket.once('error:message', resolve));
    socket.emit('doc:open', 42);
    assert.equal(((await errorEvent) as { error: { code: string } }).error.code, 'bad-request');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(socket.connected);
    const good = await request(socket, 'doc:open', { path: 'src/index.ts' });
    assert.equal(good.ok, true);
    assert.equal((await fetch(`${t.url}/api/health`)).status, 200);
    // Whatever the server holds is written now: the file shows every change it accepted.
    await t.server.liveDocs.flushAll();
    assert.equal(onDisk(t, ws, 'src/index.ts')(), before);
    socket.close();
  });

  it('refuses sockets without access or from a foreign Origin', async () => {
    await assert.rejects(connectClient(t.url, ws.id, 'x'.repeat(43)), /unauthorized/);
    await assert.rejects(connectClient(t.url, 'nosuchworkspace1', ws.editToken), /unauthorized/);
    const cookie = `la_${ws.id}=${ws.editToken}`;
    const foreign = connect(t.url, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { workspaceId: ws.id },
      extraHeaders: { origin: 'https://evil.example', cookie },
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      foreign.once('connect', () => reject(new Error('foreign origin was accepted')));
      foreign.once('connect_error', () => resolve());
    });
    foreign.close();
    const sameOrigin = connect(t.url, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { workspaceId: ws.id },
      extraHeaders: { origin: t.url, cookie },
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      sameOrigin.once('connect', () => resolve());
      sameOrigin.once('connect_error', reject);
    });
    sameOrigin.close();
  });
});

describe('restarts', () => {
  it('after a graceful restart a reconnecting client merges without duplicating text', async () => {
    const first = await startServer();
    const ws = await createWorkspace(first.url);
    const port = Number(new URL(first.url).port);
    const socket = await connectClient(first.url, ws.id, ws.editToken, { reconnection: true });
    socket.io.reconnectionDelay(50);
    socket.io.reconnectionDelayMax(200);
    const a = new DocSync(socket, 'src/index.ts');
    await live(a);
    a.text.insert(0, '// before restart\n');
    await eventually(() => a.getStatus().saveState, (s) => s === 'saved');
    await first.close();
    await new Promise<void>((r) => first.server.http.close(() => r()));
    await eventually(() => a.getStatus().phase, (p) => p === 'offline');
    a.text.insert(0, '// while the server was down\n');
    const expected = a.text.toString();
    const { readConfig } = await import('../server/config');
    const { createLookaheadServer } = await import('../server/lookahead-server');
    const second = await createLookaheadServer({ ...readConfig({} as NodeJS.ProcessEnv), port, host: '127.0.0.1', dataDir: first.dataDir }, null);
    await second.listen();
    try {
      await eventually(() => readFileSync(join(first.dataDir, 'workspaces', ws.id, 'src/index.ts'), 'utf8'), (text) => text === expected, 8000);
      assert.equal(a.text.toString(), expected);
      assert.equal(expected.split('TodoList()').length, 2, 'no duplicated text');
    } finally {
      a.destroy();
      socket.close();
      await second.close();
      second.http.close();
    }
  });
});

describe('scaled mode: two server processes over Redis', () => {
  it('editors connected to different servers converge and both servers report redis', async () => {
    const url = await redisUrl();
    const [one, two] = await startServerPair(url);
    try {
      assert.equal((await (await fetch(`${one.url}/api/health`)).json()).backend, 'redis');
      const ws = await createWorkspace(one.url);
      const a = new DocSync(await connectClient(one.url, ws.id, ws.editToken), 'src/index.ts');
      const b = new DocSync(await connectClient(two.url, ws.id, ws.editToken), 'src/index.ts');
      await Promise.all([live(a), live(b)]);
      a.text.insert(0, '// on server one\n');
      b.text.insert(b.text.length, '// on server two\n');
      await eventually(() => [a.text.toString(), b.text.toString()], ([x, y]) => x === y && x.includes('server one') && x.includes('server two'));
      // A tree change made on one server reaches editors on the other.
      const changed = new Promise((resolve) => (b as unknown as { socket: import('socket.io-client').Socket }).socket.once('tree:changed', resolve));
      await fetch(`${one.url}/api/workspaces/${ws.id}/files/NEW.md`, { method: 'PUT', headers: bearer(ws.editToken), body: 'new' });
      assert.deepEqual(await changed, { reason: 'created', path: 'NEW.md' });
      a.destroy();
      b.destroy();
    } finally {
      await one.close();
      await two.close();
    }
  });
});
