/** Presence: collaborators' selections passed between the editors of one file, named and coloured by the server. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { DocSync } from '../components/editor/doc-sync';
import { MAX_PRESENCE_UPDATES_PER_SECOND } from '../lib/limits';
import { PRESENCE_COLOURS } from '../lib/presence-colours';
import type { PeerPresence } from '../lib/protocol';
import { redisUrl } from './support/redis';
import { connectClient, createWorkspace, eventually, request, startServer, startServerPair, type CreatedWorkspace, type TestServer } from './support/server';

const PATH = 'src/index.ts';

/** Everything `event` brings to `socket` from now on. */
function collect<T>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (msg: T) => seen.push(msg));
  return seen;
}

/** A socket with PATH open, and the document as the server sent it. */
async function opened(url: string, ws: CreatedWorkspace, token: string): Promise<{ socket: Socket; doc: Y.Doc }> {
  const socket = await connectClient(url, ws.id, token);
  const reply = await request(socket, 'doc:open', { path: PATH });
  assert.equal(reply.ok, true);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(reply.update));
  return { socket, doc };
}

const position = (doc: Y.Doc, index: number) => Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(doc.getText('content'), index));
const resolve = (doc: Y.Doc, bytes: Uint8Array | ArrayBuffer) =>
  Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(new Uint8Array(bytes)), doc)?.index;

describe('presence', () => {
  let t: TestServer;
  let ws: CreatedWorkspace;
  before(async () => {
    t = await startServer();
    ws = await createWorkspace(t.url);
  });
  after(() => t.close());

  it('reaches the other editors of the file with a server-given name and colour, and follows edits', async () => {
    const a = await opened(t.url, ws, ws.editToken);
    const b = await opened(t.url, ws, ws.viewToken);
    const elsewhere = await connectClient(t.url, ws.id, ws.editToken);
    await request(elsewhere, 'doc:open', { path: 'README.md' });
    const atB = collect<PeerPresence>(b.socket, 'presence');
    const atA = collect<PeerPresence>(a.socket, 'presence');
    const atElsewhere = collect<PeerPresence>(elsewhere, 'presence');

    const reply = await request(a.socket, 'presence:update', { path: PATH, anchor: position(a.doc, 3), head: position(a.doc, 10) });
    assert.deepEqual(reply, { ok: true, sent: true });
    const [seen] = await eventually(() => atB, (list) => list.length === 1);
    assert.equal(seen.id, a.socket.id);
    assert.match(seen.name, /^Editor \d+$/);
    assert.ok((PRESENCE_COLOURS as readonly string[]).includes(seen.colour));
    assert.equal(seen.path, PATH);
    assert.equal(resolve(b.doc, seen.anchor!), 3);
    assert.equal(resolve(b.doc, seen.head!), 10);

    // Relative positions stay on their character while text is inserted before them.
    const sync = new DocSync(await connectClient(t.url, ws.id, ws.editToken), PATH);
    await eventually(() => sync.getStatus().phase, (p) => p === 'live');
    sync.text.insert(0, '// moved\n');
    const shifted = new Y.Doc();
    Y.applyUpdate(shifted, Y.encodeStateAsUpdate(sync.doc));
    assert.equal(resolve(shifted, seen.head!), 10 + '// moved\n'.length);
    sync.destroy();

    // View links send presence too; names say which role a peer has.
    await request(b.socket, 'presence:update', { path: PATH, anchor: null, head: position(b.doc, 0) });
    const [fromViewer] = await eventually(() => atA, (list) => list.length === 1);
    assert.match(fromViewer.name, /^Viewer \d+$/);
    assert.notEqual(fromViewer.colour, seen.colour);
    assert.equal(fromViewer.anchor, null);

    assert.equal(atElsewhere.length, 0, 'a socket without the file open gets nothing');
    for (const s of [a.socket, b.socket, elsewhere]) s.close();
  });

  it('names and colours come from the server, whatever the client sends', async () => {
    const a = await opened(t.url, ws, ws.editToken);
    const b = await opened(t.url, ws, ws.editToken);
    const atB = collect<PeerPresence>(b.socket, 'presence');
    const spoofed = await request(a.socket, 'presence:update', { path: PATH, anchor: null, head: null, name: '<b>Boss</b>', colour: 'red;x:url(evil)' });
    assert.equal(spoofed.ok, false);
    await request(a.socket, 'presence:update', { path: PATH, anchor: null, head: null });
    const [seen] = await eventually(() => atB, (list) => list.length === 1);
    assert.deepEqual(Object.keys(seen).sort(), ['anchor', 'colour', 'head', 'id', 'name', 'path']);
    assert.match(seen.name, /^Editor \d+$/);
    a.socket.close();
    b.socket.close();
  });

  it('a peer that closes the file or disconnects leaves', async () => {
    const a = await opened(t.url, ws, ws.editToken);
    const b = await opened(t.url, ws, ws.editToken);
    const c = await opened(t.url, ws, ws.editToken);
    const leaves = collect<{ id: string; path: string }>(b.socket, 'presence:leave');
    await request(a.socket, 'doc:close', { path: PATH });
    await eventually(() => leaves, (list) => list.length === 1);
    assert.deepEqual(leaves[0], { id: a.socket.id, path: PATH });
    const cId = c.socket.id;
    c.socket.close();
    await eventually(() => leaves, (list) => list.length === 2);
    assert.deepEqual(leaves[1], { id: cId, path: PATH });
    // Presence for a file no longer open is refused.
    const late = await request(a.socket, 'presence:update', { path: PATH, anchor: null, head: null });
    assert.equal(late.ok, false);
    a.socket.close();
    b.socket.close();
  });

  it('drops updates beyond the per-socket rate', async () => {
    const a = await opened(t.url, ws, ws.editToken);
    const b = await opened(t.url, ws, ws.editToken);
    const atB = collect<PeerPresence>(b.socket, 'presence');
    const burst = MAX_PRESENCE_UPDATES_PER_SECOND * 3;
    const replies = await Promise.all(
      Array.from({ length: burst }, (_, i) => request(a.socket, 'presence:update', { path: PATH, anchor: null, head: position(a.doc, i) })),
    );
    const sent = replies.filter((r) => r.sent).length;
    assert.ok(replies.every((r) => r.ok));
    assert.ok(sent >= 1 && sent <= MAX_PRESENCE_UPDATES_PER_SECOND * 2, `${sent} of ${burst} passed`);
    await eventually(() => atB.length, (n) => n === sent);
    a.socket.close();
    b.socket.close();
  });
});

describe('presence in scaled mode', () => {
  it('crosses server processes through the socket.io Redis adapter', async () => {
    const url = await redisUrl();
    const [one, two] = await startServerPair(url);
    try {
      const ws = await createWorkspace(one.url);
      const a = await opened(one.url, ws, ws.editToken);
      const b = await opened(two.url, ws, ws.editToken);
      const atB = collect<PeerPresence>(b.socket, 'presence');
      const leaves = collect<{ id: string }>(b.socket, 'presence:leave');
      // The adapter learns of the other process's rooms asynchronously: repeat until one arrives.
      await eventually(
        async () => {
          await request(a.socket, 'presence:update', { path: PATH, anchor: null, head: position(a.doc, 5) });
          return atB.length;
        },
        (n) => n > 0,
        10_000,
      );
      assert.equal(resolve(b.doc, atB[0].head!), 5);
      // Numbers come from a counter both processes share: the two sessions have different names.
      const atA = collect<PeerPresence>(a.socket, 'presence');
      await eventually(
        async () => {
          await request(b.socket, 'presence:update', { path: PATH, anchor: null, head: position(b.doc, 1) });
          return atA.length;
        },
        (n) => n > 0,
        10_000,
      );
      assert.notEqual(atA[0].name, atB[0].name);
      const id = a.socket.id;
      a.socket.close();
      await eventually(() => leaves, (list) => list.some((l) => l.id === id), 10_000);
      b.socket.close();
    } finally {
      await one.close();
      await two.close();
    }
  });
});
