/**
 * Hostile input over every door into a workspace: random bytes as document updates, `__proto__`
 * and `constructor` keys, events sent before (or without) authentication, raw and malformed
 * socket.io frames, bad presence messages. Each is refused or ignored, the server keeps answering,
 * and the workspace's files stay exactly as they were.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { MAX_PRESENCE_POSITION_BYTES, MAX_SOCKET_FRAME_BYTES } from '../lib/limits';
import { runSeed, seededRandom } from './support/random';
import { bearer, connectClient, createWorkspace, eventually, request, startServer, type CreatedWorkspace, type TestServer } from './support/server';

/** Every file of the workspace (outside .git) with a hash of its bytes. */
function snapshot(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const relative = path.slice(root.length + 1);
    if (relative === '.git' || relative.startsWith('.git/')) continue;
    files[relative] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return files;
}

/** A socket.io connection spoken by hand over a plain websocket (engine.io v4, socket.io v5 packets). */
class RawSocket {
  readonly frames: string[] = [];
  closed = false;
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, binary) => this.frames.push(binary ? '<binary>' : data.toString()));
    ws.on('close', () => (this.closed = true));
    ws.on('error', () => (this.closed = true));
  }

  /** Resolves once engine.io's open packet arrived (the handshake, before any socket.io auth). */
  static open(url: string): Promise<RawSocket> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const raw = new RawSocket(ws);
    return eventually(() => raw.frames.length, (n) => n > 0).then(() => {
      assert.match(raw.frames[0], /^0\{/);
      return raw;
    });
  }

  send(frame: string | Buffer): void {
    this.ws.send(frame);
  }

  /** Socket.io packets received (engine.io type 4), without pings. */
  packets(): string[] {
    return this.frames.slice(1).filter((f) => f.startsWith('4'));
  }

  close(): void {
    this.ws.close();
  }
}

describe('bad input', () => {
  let t: TestServer;
  let ws: CreatedWorkspace;
  let root: string;
  let before_: Record<string, string>;

  before(async () => {
    t = await startServer();
    ws = await createWorkspace(t.url);
    root = join(t.dataDir, 'workspaces', ws.id);
  });
  after(() => t.close());

  beforeEach(() => {
    before_ = snapshot(root);
  });

  /** The server answers and the workspace's files are what they were before the test. */
  async function unharmed(): Promise<void> {
    const health = await fetch(`${t.url}/api/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { ok: boolean }).ok, true);
    await t.server.liveDocs.flushAll();
    assert.deepEqual(snapshot(root), before_);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
  }

  it('random bytes as document updates are refused (seeded)', async () => {
    const seed = runSeed();
    const random = seededRandom(seed);
    const socket = await connectClient(t.url, ws.id, ws.editToken);
    const opened = await request(socket, 'doc:open', { path: 'src/index.ts' });
    const viewer = await connectClient(t.url, ws.id, ws.viewToken);
    await request(viewer, 'doc:open', { path: 'src/index.ts' });
    for (let i = 0; i < 60; i++) {
      const length = 1 + Math.floor(random() * (i % 3 === 0 ? 4096 : 64));
      const bytes = new Uint8Array(length).map(() => Math.floor(random() * 256));
      // Some start like a real update (one client, one struct) to get past the first reads.
      if (i % 4 === 1 && length > 2) bytes.set([1, 1], 0);
      const reply = await request(socket, 'doc:update', { path: 'src/index.ts', epoch: opened.epoch, update: bytes });
      assert.ok(!(reply.ok && reply.changed), `seed ${seed}, update ${i}: random bytes changed the document`);
      const fromViewer = await request(viewer, 'doc:update', { path: 'src/index.ts', epoch: opened.epoch, update: bytes });
      assert.equal(fromViewer.ok, false, `seed ${seed}, update ${i}: a view link's update was accepted`);
    }
    assert.ok(socket.connected);
    // The document still works: a real edit goes through and is the only change.
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(opened.update));
    const sv = Y.encodeStateVector(doc);
    doc.getText('content').insert(0, '// real\n');
    const real = await request(socket, 'doc:update', { path: 'src/index.ts', epoch: opened.epoch, update: Y.encodeStateAsUpdate(doc, sv) });
    assert.deepEqual(real, { ok: true, changed: true });
    await t.server.liveDocs.flushAll();
    assert.equal(readFileSync(join(root, 'src/index.ts'), 'utf8'), doc.getText('content').toString());
    before_['src/index.ts'] = snapshot(root)['src/index.ts'];
    socket.close();
    viewer.close();
    await unharmed();
  });

  it('__proto__ and constructor keys in socket messages are refused and pollute nothing', async () => {
    const socket = await connectClient(t.url, ws.id, ws.editToken);
    const opened = await request(socket, 'doc:open', { path: 'README.md' });
    const payloads: [string, string][] = [
      ['doc:open', '{"path":"a","__proto__":{"polluted":1}}'],
      ['doc:open', '{"path":"README.md","constructor":{"prototype":{"polluted":1}}}'],
      ['doc:open', '{"__proto__":{"path":"README.md"}}'],
      ['doc:close', '{"path":"README.md","__proto__":null}'],
      ['presence:update', '{"path":"README.md","anchor":null,"head":null,"__proto__":{"polluted":1}}'],
      ['presence:update', '{"path":"README.md","anchor":null,"head":null,"constructor":{"prototype":{"polluted":1}}}'],
      ['lang:hover', '{"path":"src/index.ts","offset":1,"__proto__":{"offset":2}}'],
      ['tab:cancel', '{"requestId":1,"__proto__":{"polluted":1}}'],
    ];
    for (const [event, json] of payloads) {
      const reply = await request(socket, event, JSON.parse(json));
      assert.equal(reply.ok, false, `${event} ${json} was accepted`);
    }
    const update = JSON.parse(`{"path":"README.md","epoch":"${opened.epoch}","__proto__":{"update":[1,2,3]}}`);
    assert.equal((await request(socket, 'doc:update', update)).ok, false);
    // Event names that are properties of every object are unknown events, not handlers.
    for (const event of ['constructor', 'hasOwnProperty', 'toString', '__defineGetter__', 'valueOf', 'presence', 'session:revoked']) {
      const reply = await request(socket, event, { path: 'README.md' });
      assert.deepEqual(reply, { ok: false, error: { code: 'bad-request', message: 'unknown event' } }, event);
    }
    assert.ok(socket.connected);
    socket.close();
    await unharmed();
  });

  it('__proto__ and constructor keys in REST bodies are refused', async () => {
    const json = { ...bearer(ws.editToken), 'content-type': 'application/json' };
    const api = `${t.url}/api/workspaces/${ws.id}`;
    const linksBefore = await (await fetch(`${api}/links`, { headers: bearer(ws.editToken) })).json();
    const cases: [string, string][] = [
      ['rename', '{"from":"README.md","to":"moved.md","__proto__":{"polluted":1}}'],
      ['rename', '{"__proto__":{"from":"README.md","to":"moved.md"}}'],
      ['rename', '{"from":"README.md","to":"moved.md","constructor":{"prototype":{"polluted":1}}}'],
      ['links', '{"role":"edit","__proto__":{"polluted":1}}'],
      ['links', '{"__proto__":{"role":"edit"}}'],
      ['links', '{"role":"view","constructor":{"prototype":{"polluted":1}}}'],
    ];
    for (const [route, body] of cases) {
      const res = await fetch(`${api}/${route}`, { method: 'POST', headers: json, body });
      assert.equal(res.status, 400, `${route} ${body}`);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'bad-request');
    }
    assert.deepEqual(await (await fetch(`${api}/links`, { headers: bearer(ws.editToken) })).json(), linksBefore);
    await unharmed();
  });

  it('a socket that fails authentication gets nothing done', async () => {
    const denied = [ws.viewToken.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), '', 'x'.repeat(5000)];
    for (const token of denied) {
      await assert.rejects(connectClient(t.url, ws.id, token), /unauthorized/);
    }
    // Through raw frames: auth with a wrong token, then events anyway, with and without acks.
    const raw = await RawSocket.open(t.url);
    raw.send(`40${JSON.stringify({ workspaceId: ws.id, token: 'A'.repeat(43) })}`);
    await eventually(() => raw.packets(), (p) => p.length > 0);
    assert.match(raw.packets()[0], /^44\{"message":"unauthorized"\}/);
    raw.send('420["doc:open",{"path":"README.md"}]');
    raw.send('421["doc:update",{"path":"README.md","epoch":"aaaaaaaaaaaa","update":{"_placeholder":true,"num":0}}]');
    raw.send('42["presence:update",{"path":"README.md","anchor":null,"head":null}]');
    await eventually(() => raw.closed, (c) => c);
    assert.deepEqual(raw.packets().slice(1), [], 'no answers to events of an unauthenticated socket');
    // Events before any namespace connect at all.
    const early = await RawSocket.open(t.url);
    early.send('420["doc:open",{"path":"README.md"}]');
    await eventually(() => early.closed, (c) => c);
    assert.deepEqual(early.packets(), []);
    await unharmed();
  });

  it('malformed and oversized raw frames close that connection only', async () => {
    const frames: (string | Buffer)[] = [
      '42[',
      '42{"not":"an array"}',
      '4299999999999999999999999["doc:open",{"path":"README.md"}]',
      '42[42,{"path":"README.md"}]',
      '45-["doc:update",{"_placeholder":true,"num":0}]',
      '49',
      '\u0000\u0001garbage',
      Buffer.from([0xff, 0x00, 0x13, 0x37]),
    ];
    const witness = await connectClient(t.url, ws.id, ws.editToken);
    for (const frame of frames) {
      const raw = await RawSocket.open(t.url);
      raw.send(`40${JSON.stringify({ workspaceId: ws.id, token: ws.editToken })}`);
      await eventually(() => raw.packets(), (p) => p.length > 0);
      assert.match(raw.packets()[0], /^40\{"sid"/);
      raw.send(frame);
      // A frame that does not parse ends the connection; anything left open must still answer.
      raw.send('420["doc:open",{"path":"README.md"}]');
      // (The answer to doc:open is an ack with binary attachments: "46<n>-0[...]".)
      const answered = () => raw.packets().some((p) => /^4(3|6\d+-)0\[/.test(p));
      await eventually(() => raw.closed || answered(), (done) => done).catch(() => assert.fail(`${JSON.stringify(String(frame))}: neither closed nor answered`));
      raw.close();
    }
    // A frame past the size limit, on an authenticated connection: the transport closes it.
    const big = await RawSocket.open(t.url);
    big.send(`40${JSON.stringify({ workspaceId: ws.id, token: ws.editToken })}`);
    await eventually(() => big.packets(), (p) => p.length > 0);
    big.send('42["doc:open",' + JSON.stringify({ path: 'x'.repeat(MAX_SOCKET_FRAME_BYTES + 1024) }) + ']');
    await eventually(() => big.closed, (c) => c, 15_000);
    assert.ok(witness.connected, 'other connections carry on');
    assert.equal((await request(witness, 'doc:open', { path: 'README.md' })).ok, true);
    witness.close();
    await unharmed();
  });

  it('malformed, oversized and misdirected presence messages are refused', async () => {
    const socket = await connectClient(t.url, ws.id, ws.editToken);
    const peer = await connectClient(t.url, ws.id, ws.editToken);
    await request(socket, 'doc:open', { path: 'README.md' });
    await request(peer, 'doc:open', { path: 'README.md' });
    const received: unknown[] = [];
    peer.on('presence', (msg) => received.push(msg));
    const small = new Uint8Array(8);
    const bad: unknown[] = [
      null,
      'README.md',
      { path: 'README.md' },
      { path: 'README.md', anchor: 'abc', head: null },
      { path: 'README.md', anchor: null, head: 12 },
      { path: 'README.md', anchor: [1, 2, 3], head: null },
      { path: 'README.md', anchor: new Uint8Array(MAX_PRESENCE_POSITION_BYTES + 1), head: null },
      { path: 'README.md', anchor: null, head: new Uint8Array(1024 * 1024) },
      { path: 'README.md', anchor: null, head: null, name: 'Boss' },
      { path: 'README.md', anchor: null, head: null, colour: '#000' },
      { path: 'src/index.ts', anchor: small, head: small },
      { path: 'no/such/file.ts', anchor: null, head: null },
      { path: '../../etc/passwd', anchor: null, head: null },
      { path: '', anchor: null, head: null },
      { path: 'a'.repeat(5000), anchor: null, head: null },
    ];
    for (const payload of bad) {
      const reply = await request(socket, 'presence:update', payload);
      assert.equal(reply.ok, false, `${JSON.stringify(payload)?.slice(0, 80)} was accepted`);
    }
    // Nothing refused reached the other editor of the file.
    assert.deepEqual(received, []);
    assert.ok(socket.connected);
    socket.close();
    peer.close();
    await unharmed();
  });
});
