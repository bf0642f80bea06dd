/**
 * Cmd/Ctrl-K over real socket.io clients against the server, with the shipped model as the apply
 * model and, for instructions, a real OpenAI-compatible HTTP server on a local socket as the chat
 * role: bad payloads get a validation error or a clear `apply:error`, a cancel ends without
 * `apply:done`, and the server never changes the document or the file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { DocSync } from '../components/editor/doc-sync';
import type { ApplyDone, ApplyError, ApplyPartial, ApplySketch } from '../lib/protocol';
import { readConfig, type ChatConfig } from '../server/config';
import { createLookaheadServer } from '../server/lookahead-server';
import { bearer, connectClient, createWorkspace, eventually, request, startServer, type CreatedWorkspace, type TestServer } from './support/server';
import { LONG_SKETCH, longSource, SOURCE } from './support/apply-samples';

/** The whole file with one line changed: the simplest sketch. */
const SKETCH = SOURCE.replace("  return 'hello ' + name;", '  return `hello ${name}`;');

/** A longer file and a sketch of one change in it, with the rest elided. */
const LONG = longSource(60);

interface Events {
  sketches: ApplySketch[];
  partials: ApplyPartial[];
  done: ApplyDone[];
  errors: ApplyError[];
}

function listen(socket: Socket): Events {
  const events: Events = { sketches: [], partials: [], done: [], errors: [] };
  socket.on('apply:sketch', (m: ApplySketch) => events.sketches.push(m));
  socket.on('apply:partial', (m: ApplyPartial) => events.partials.push(m));
  socket.on('apply:done', (m: ApplyDone) => events.done.push(m));
  socket.on('apply:error', (m: ApplyError) => events.errors.push(m));
  return events;
}

/** Waits for the end (done or error) of request `requestId`. */
async function ended(events: Events, requestId: number, timeoutMs = 120_000): Promise<ApplyDone | ApplyError> {
  const find = () => events.done.find((d) => d.requestId === requestId) ?? events.errors.find((e) => e.requestId === requestId);
  await eventually(find, (x) => x !== undefined, timeoutMs);
  return find()!;
}

async function put(url: string, ws: CreatedWorkspace, path: string, body: string | Uint8Array<ArrayBuffer>): Promise<void> {
  const res = await fetch(`${url}/api/workspaces/${ws.id}/files/${path}`, { method: 'PUT', headers: bearer(ws.editToken), body });
  assert.ok(res.ok, `PUT ${path}: ${res.status}`);
}

async function openDoc(url: string, ws: CreatedWorkspace, path: string, token = ws.editToken) {
  const socket = await connectClient(url, ws.id, token);
  const sync = new DocSync(socket, path);
  await eventually(() => sync.getStatus().phase, (p) => p === 'live');
  return { socket, sync, events: listen(socket) };
}

describe('apply over socket.io', () => {
  let t: TestServer;
  let ws: CreatedWorkspace;
  before(async () => {
    t = await startServer();
    ws = await createWorkspace(t.url);
    await put(t.url, ws, 'src/greet.ts', SOURCE);
    await put(t.url, ws, 'src/long.ts', LONG);
    await put(t.url, ws, '.env', 'SECRET=1\n');
    await put(t.url, ws, 'image.bin', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    await put(t.url, ws, 'big.txt', 'x'.repeat(1024 * 1024 + 10));
  });
  after(() => t.close());

  it('answers apply:info: no chat endpoint configured', async () => {
    const socket = await connectClient(t.url, ws.id, ws.editToken);
    assert.deepEqual(await request(socket, 'apply:info', {}), { ok: true, chat: false, chatModel: null });
    socket.close();
  });

  it('refuses malformed starts with a validation error and never starts them', async () => {
    const { socket, sync, events } = await openDoc(t.url, ws, 'src/greet.ts');
    const bad: unknown[] = [
      { requestId: 1, sketch: SKETCH },
      { requestId: 1, path: 'src/greet.ts', sketch: 42 },
      { requestId: 1, path: 'src/greet.ts', sketch: 'x'.repeat(1024 * 1024 + 1) },
      { requestId: 1, path: 'src/greet.ts' },
      { requestId: -1, path: 'src/greet.ts', sketch: SKETCH },
      { requestId: 1, path: 'src/greet.ts', sketch: SKETCH, selection: { from: 5, to: 2 } },
      { requestId: 1, path: 'src/greet.ts', sketch: SKETCH, extra: true },
      { requestId: 1, path: '../outside.ts', sketch: SKETCH },
      'not an object',
    ];
    for (const payload of bad) {
      const reply = await request(socket, 'apply:start', payload);
      assert.equal(reply.ok, false, JSON.stringify(payload).slice(0, 100));
      assert.ok(['bad-request', 'bad-path'].includes(reply.error.code), JSON.stringify(reply));
    }
    assert.equal((await request(socket, 'apply:cancel', { requestId: 'x' })).ok, false);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(events, { sketches: [], partials: [], done: [], errors: [] });
    sync.destroy();
    socket.close();
  });

  it('gives a clear error for an empty sketch, an instruction without chat, secret, binary, oversized and unopened files', async () => {
    const { socket, sync, events } = await openDoc(t.url, ws, 'src/greet.ts');
    const cases: [payload: object, code: ApplyError['code'], message: RegExp][] = [
      [{ path: 'src/greet.ts', sketch: '  \n\n' }, 'bad-input', /sketch is empty/],
      [{ path: 'src/greet.ts', instruction: 'use a template string' }, 'no-chat', /LOOKAHEAD_CHAT_BASE_URL.*LOOKAHEAD_CHAT_MODEL.*paste a sketch/],
      [{ path: 'src/greet.ts', instruction: '   ' }, 'bad-input', /Type an instruction/],
      [{ path: '.env', sketch: 'SECRET=2\n' }, 'bad-input', /Secret-looking files are never sent to a model/],
      [{ path: 'image.bin', sketch: 'x' }, 'bad-input', /looks binary/],
      [{ path: 'big.txt', sketch: 'x' }, 'bad-input', /too large to apply/],
      [{ path: 'src/long.ts', sketch: 'x' }, 'bad-input', /not open in this editor/],
      [{ path: 'src/missing.ts', sketch: 'x' }, 'bad-input', /does not exist/],
    ];
    let requestId = 100;
    for (const [payload, code, message] of cases) {
      requestId++;
      const reply = await request(socket, 'apply:start', { requestId, ...payload });
      assert.deepEqual(reply, { ok: true, requestId });
      const end = (await ended(events, requestId)) as ApplyError;
      assert.equal(end.code, code, JSON.stringify(end));
      assert.match(end.message, message);
    }
    assert.equal(events.done.length, 0);
    assert.equal(events.partials.length, 0);
    sync.destroy();
    socket.close();
  });

  it('view links cannot start an apply', async () => {
    const { socket, sync, events } = await openDoc(t.url, ws, 'src/greet.ts', ws.viewToken);
    const reply = await request(socket, 'apply:start', { requestId: 1, path: 'src/greet.ts', sketch: SKETCH });
    assert.deepEqual(reply, { ok: false, error: { code: 'forbidden', message: 'this link is view-only' } });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(events.errors.length + events.done.length, 0);
    sync.destroy();
    socket.close();
  });

  it('streams the output as growing prefixes, ends with apply:done, and never changes the document', async () => {
    const { socket, sync, events } = await openDoc(t.url, ws, 'src/greet.ts');
    const reply = await request(socket, 'apply:start', { requestId: 7, path: 'src/greet.ts', sketch: SKETCH });
    assert.deepEqual(reply, { ok: true, requestId: 7 });
    const end = await ended(events, 7);
    assert.ok('output' in end, JSON.stringify(end));
    const done = end as ApplyDone;
    assert.equal(done.original, SOURCE);
    assert.equal(typeof done.output, 'string');
    assert.ok(done.outputTokens > 0 && done.forwardPasses > 0 && done.ms >= 0, JSON.stringify(done));
    for (const p of events.partials) {
      assert.equal(p.requestId, 7);
      assert.ok(done.output.startsWith(p.output), 'a partial is a prefix of the output');
    }
    for (let i = 1; i < events.partials.length; i++) assert.ok(events.partials[i].output.startsWith(events.partials[i - 1].output));
    assert.equal(events.errors.length, 0);
    // The server wrote nothing: the live document and the file are as they were.
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(t.server.liveDocs.get(ws.id, 'src/greet.ts')?.text.toString(), SOURCE);
    assert.equal(sync.text.toString(), SOURCE);
    assert.equal(readFileSync(join(t.dataDir, 'workspaces', ws.id, 'src/greet.ts'), 'utf8'), SOURCE);
    sync.destroy();
    socket.close();
  });

  it('a cancel before the apply finishes ends it with a cancelled error and no apply:done; a newer start cancels the older', async () => {
    const { socket, sync, events } = await openDoc(t.url, ws, 'src/long.ts');
    // Sent back to back: the cancel reaches the server while the apply is still running.
    const started = request(socket, 'apply:start', { requestId: 1, path: 'src/long.ts', sketch: LONG_SKETCH });
    const cancelled = request(socket, 'apply:cancel', { requestId: 1 });
    assert.deepEqual(await started, { ok: true, requestId: 1 });
    assert.deepEqual(await cancelled, { ok: true });
    const end = (await ended(events, 1)) as ApplyError;
    assert.equal(end.code, 'cancelled', JSON.stringify(end));
    assert.match(end.message, /cancelled; the file is unchanged/);

    const second = request(socket, 'apply:start', { requestId: 2, path: 'src/long.ts', sketch: LONG_SKETCH });
    const third = request(socket, 'apply:start', { requestId: 3, path: 'src/long.ts', sketch: '' });
    await Promise.all([second, third]);
    assert.equal(((await ended(events, 2)) as ApplyError).code, 'cancelled');
    assert.equal(((await ended(events, 3)) as ApplyError).code, 'bad-input');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(events.done.length, 0);
    assert.equal(t.server.liveDocs.get(ws.id, 'src/long.ts')?.text.toString(), LONG);
    sync.destroy();
    socket.close();
  });

  it('a disconnect mid-apply leaves the file as it was and the next apply runs', async () => {
    const { socket, sync } = await openDoc(t.url, ws, 'src/long.ts');
    await request(socket, 'apply:start', { requestId: 1, path: 'src/long.ts', sketch: LONG_SKETCH });
    socket.disconnect();
    sync.destroy();
    // The apply is cancelled with its socket; the next one (another socket) runs.
    const other = await openDoc(t.url, ws, 'src/greet.ts');
    await request(other.socket, 'apply:start', { requestId: 9, path: 'src/greet.ts', sketch: SKETCH });
    const end = await ended(other.events, 9);
    assert.ok('output' in end, JSON.stringify(end));
    assert.equal(t.server.liveDocs.get(ws.id, 'src/long.ts')?.text.toString() ?? LONG, LONG);
    other.sync.destroy();
    other.socket.close();
  });
});

describe('apply with a chat endpoint', () => {
  let chat: Server;
  let reply: (body: any) => { status: number; body: string };
  const asked: any[] = [];
  let server: Awaited<ReturnType<typeof createLookaheadServer>>;
  let url: string;
  let ws: CreatedWorkspace;
  before(async () => {
    chat = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body);
        asked.push(parsed);
        const answer = reply(parsed);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((r) => chat.listen(0, '127.0.0.1', r));
    const address = chat.address();
    const chatConfig: ChatConfig = { baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`, apiKey: null, model: 'sketcher', timeoutMs: 10_000 };
    const dataDir = mkdtempSync(join(tmpdir(), 'lookahead-test-'));
    server = await createLookaheadServer({ ...readConfig({} as NodeJS.ProcessEnv), port: 0, host: '127.0.0.1', dataDir, chat: chatConfig }, null);
    url = `http://127.0.0.1:${await server.listen()}`;
    ws = await createWorkspace(url);
    await put(url, ws, 'src/greet.ts', SOURCE);
  });
  after(async () => {
    await server.close();
    await new Promise((r) => server.http.close(() => r(undefined)));
    await new Promise((r) => chat.close(() => r(undefined)));
  });

  it('says a chat endpoint is configured', async () => {
    const socket = await connectClient(url, ws.id, ws.editToken);
    assert.deepEqual(await request(socket, 'apply:info', {}), { ok: true, chat: true, chatModel: 'sketcher' });
    socket.close();
  });

  it("turns an instruction into the chat model's sketch (apply:sketch), then applies it", async () => {
    reply = () => ({ status: 200, body: JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Here:\n```ts\n' + SKETCH + '```' } }] }) });
    const { socket, sync, events } = await openDoc(url, ws, 'src/greet.ts');
    await request(socket, 'apply:start', { requestId: 1, path: 'src/greet.ts', instruction: 'use a template string', selection: { from: 0, to: 10 } });
    const end = await ended(events, 1);
    assert.deepEqual(events.sketches, [{ requestId: 1, sketch: SKETCH }]);
    assert.ok('output' in end, JSON.stringify(end));
    assert.equal(asked.at(-1).model, 'sketcher');
    assert.match(asked.at(-1).messages[1].content, /Instruction: use a template string/);
    assert.equal(server.liveDocs.get(ws.id, 'src/greet.ts')?.text.toString(), SOURCE);
    sync.destroy();
    socket.close();
  });

  it('a failing chat endpoint is an apply:error with its reason', async () => {
    reply = () => ({ status: 500, body: JSON.stringify({ error: { message: 'out of memory' } }) });
    const { socket, sync, events } = await openDoc(url, ws, 'src/greet.ts');
    await request(socket, 'apply:start', { requestId: 2, path: 'src/greet.ts', instruction: 'anything' });
    const end = (await ended(events, 2)) as ApplyError;
    assert.equal(end.code, 'chat');
    assert.match(end.message, /HTTP 500: out of memory/);
    reply = () => ({ status: 200, body: 'not json' });
    await request(socket, 'apply:start', { requestId: 3, path: 'src/greet.ts', instruction: 'anything' });
    assert.match(((await ended(events, 3)) as ApplyError).message, /not JSON/);
    assert.equal(events.done.length, 0);
    sync.destroy();
    socket.close();
  });
});
