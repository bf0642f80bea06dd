/** Tab over real socket.io clients against the server, with the real model in its worker thread. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DocSync } from '../components/editor/doc-sync';
import { closersReplaced, cutToWordBoundary } from '../workers/completion/complete-at-cursor';
import { nextWord } from '../components/editor/ghost-text';
import { bearer, connectClient, createWorkspace, eventually, request, startServer, type CreatedWorkspace, type TestServer } from './support/server';

const SOURCE = "import { log } from './log';\n\nlog.info('server started', { port: 3000 });\nlog.info('server started', { port: 3000 });\n";

describe('Tab over socket.io', () => {
  let t: TestServer;
  let ws: CreatedWorkspace;
  before(async () => {
    t = await startServer();
    ws = await createWorkspace(t.url);
    for (const name of ['src/app.ts', 'src/stream.ts', '.env']) {
      await fetch(`${t.url}/api/workspaces/${ws.id}/files/${name}`, { method: 'PUT', headers: bearer(ws.editToken), body: SOURCE });
    }
  });
  after(() => t.close());

  async function open(path: string) {
    const socket = await connectClient(t.url, ws.id, ws.editToken);
    const sync = new DocSync(socket, path);
    await eventually(() => sync.getStatus().phase, (p) => p === 'live');
    return { socket, sync };
  }

  it('answers a request with a completion built from the server copy of the document', async () => {
    const { socket, sync } = await open('src/app.ts');
    sync.text.insert(sync.text.length, "log.info('serv");
    const offset = sync.text.length;
    await eventually(() => t.server.liveDocs.get(ws.id, 'src/app.ts')?.text.length, (n) => n === offset);
    const reply = await request(socket, 'tab:request', { path: 'src/app.ts', requestId: 1, offset, before: "log.info('serv" });
    assert.equal(reply.ok, true);
    assert.equal(reply.requestId, 1);
    assert.ok(reply.completion === null ? ['unconfident', 'empty'].includes(reply.reason) : typeof reply.completion === 'string');
    sync.destroy();
    socket.close();
  });

  it('streams the suggestion as it grows, then settles on the final answer', async () => {
    const { socket, sync } = await open('src/stream.ts');
    // The line repeats earlier ones: a confident, several-token completion.
    sync.text.insert(sync.text.length, "log.info('serv");
    const offset = sync.text.length;
    await eventually(() => t.server.liveDocs.get(ws.id, 'src/stream.ts')?.text.length, (n) => n === offset);
    const partials: { requestId: number; completion: string }[] = [];
    socket.on('tab:partial', (p) => partials.push(p));
    const reply = await request(socket, 'tab:request', { path: 'src/stream.ts', requestId: 5, offset, before: "log.info('serv" });
    assert.equal(typeof reply.completion, 'string', JSON.stringify(reply));
    assert.ok(partials.length >= 2, `partials: ${JSON.stringify(partials)}`);
    assert.ok(partials.every((p) => p.requestId === 5));
    for (let i = 1; i < partials.length; i++) assert.ok(partials[i].completion.startsWith(partials[i - 1].completion), JSON.stringify(partials));
    // The final answer is what was streamed, possibly cut back to a whole word.
    assert.ok(partials.at(-1)!.completion.startsWith(reply.completion), `${reply.completion} vs ${partials.at(-1)!.completion}`);
    sync.destroy();
    socket.close();
  });

  it('a newer request cancels the older one', async () => {
    const { socket, sync } = await open('src/app.ts');
    const offset = sync.text.length;
    const before = sync.text.toString().slice(-20);
    const first = request(socket, 'tab:request', { path: 'src/app.ts', requestId: 10, offset, before });
    const second = request(socket, 'tab:request', { path: 'src/app.ts', requestId: 11, offset, before });
    const [a, b] = await Promise.all([first, second]);
    assert.deepEqual({ id: a.requestId, reason: a.reason }, { id: 10, reason: 'cancelled' });
    assert.equal(b.requestId, 11);
    assert.notEqual(b.reason, 'cancelled');
    sync.destroy();
    socket.close();
  });

  it('never completes secret-looking files', async () => {
    const { socket, sync } = await open('.env');
    const reply = await request(socket, 'tab:request', { path: '.env', requestId: 20, offset: 5, before: SOURCE.slice(0, 5) });
    assert.deepEqual(reply, { ok: true, requestId: 20, completion: null, reason: 'secret' });
    sync.destroy();
    socket.close();
  });

  it('refuses stale, malformed and unauthorised requests with a clear reply', async () => {
    const { socket, sync } = await open('src/app.ts');
    const stale = await request(socket, 'tab:request', { path: 'src/app.ts', requestId: 30, offset: 10, before: 'not what is there' });
    assert.equal(stale.reason, 'stale');
    for (const bad of [{}, { path: 'src/app.ts', requestId: -1, offset: 0, before: '' }, { path: 'src/app.ts', requestId: 1, offset: 0, before: 'x'.repeat(500) }]) {
      const reply = await request(socket, 'tab:request', bad);
      assert.equal(reply.ok, false);
    }
    const notOpen = await request(socket, 'tab:request', { path: 'src/other.ts', requestId: 31, offset: 0, before: '' });
    assert.equal(notOpen.ok, false);
    const viewer = await connectClient(t.url, ws.id, ws.viewToken);
    const forbidden = await request(viewer, 'tab:request', { path: 'src/app.ts', requestId: 32, offset: 0, before: '' });
    assert.equal(forbidden.error.code, 'forbidden');
    viewer.close();
    sync.destroy();
    socket.close();
  });
});

describe('completion cleanup rules', () => {
  it('a completion rewrites auto-closed brackets it writes itself, in order', () => {
    assert.equal(closersReplaced("rver started', { port: 3000 });", "')"), 2);
    assert.equal(closersReplaced('a, b)', ')'), 1);
    assert.equal(closersReplaced('a, b', ')'), 0, 'the suffix still closes it');
    assert.equal(closersReplaced('x)', 'foo)'), 0, 'not only closers after the cursor');
    assert.equal(closersReplaced('x', ''), 0);
  });

  it('a gate cut inside a word keeps only whole words', () => {
    assert.equal(cutToWordBoundary('const user', 'Name = 1'), 'const ');
    assert.equal(cutToWordBoundary('const user', ' = 1'), 'const user');
    assert.equal(cutToWordBoundary('call(', 'x)'), 'call(');
    assert.equal(cutToWordBoundary('abc', 'def'), '');
  });

  it('accepting a word takes leading spaces and one run of word or symbol characters', () => {
    assert.equal(nextWord('started, { port'), 'started');
    assert.equal(nextWord(', { port'), ',');
    assert.equal(nextWord('  return x'), '  return');
  });
});
