/** Starts a real Lookahead server (without the Next pages) on a free port with its own data folder. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { readConfig } from '../../server/config';
import { createLookaheadServer, type LookaheadServer } from '../../server/lookahead-server';

export interface TestServer {
  server: LookaheadServer;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startServer(opts: { dataDir?: string; redisUrl?: string; redisPrefix?: string } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'lookahead-test-'));
  const config = {
    ...readConfig({} as NodeJS.ProcessEnv),
    port: 0,
    host: '127.0.0.1',
    dataDir,
    redisUrl: opts.redisUrl ?? null,
    redisPrefix: opts.redisPrefix ?? 'lookahead:',
  };
  const server = await createLookaheadServer(config, null);
  const port = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  return { server, url, dataDir, close: () => server.close().then(() => new Promise((r) => server.http.close(() => r(undefined)))) };
}

/** Two server processes in scaled mode: one Redis (under a key prefix of their own), one data folder. */
export async function startServerPair(redisUrl: string): Promise<[TestServer, TestServer]> {
  const redisPrefix = `lookahead-test-${randomBytes(4).toString('hex')}:`;
  const one = await startServer({ redisUrl, redisPrefix });
  const two = await startServer({ redisUrl, redisPrefix, dataDir: one.dataDir });
  return [one, two];
}

export interface CreatedWorkspace {
  id: string;
  editToken: string;
  viewToken: string;
}

export async function createWorkspace(url: string): Promise<CreatedWorkspace> {
  const res = await fetch(`${url}/api/workspaces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (res.status !== 201) throw new Error(`create workspace: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { id: string; editUrl: string; viewUrl: string };
  return { id: body.id, editToken: body.editUrl.split('/s/')[1], viewToken: body.viewUrl.split('/s/')[1] };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A real socket.io client authenticated with a share token. Resolves once connected. */
export function connectClient(url: string, workspaceId: string, token: string, extra: { reconnection?: boolean } = {}): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(url, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { workspaceId, token },
      reconnection: extra.reconnection ?? false,
      forceNew: true,
    });
    // Only the first attempt settles the promise: a later connect_error (a reconnect attempt while
    // the server restarts) must not close a socket that is meant to keep trying.
    const failed = (e: Error) => {
      socket.off('connect', connected);
      socket.close();
      reject(e);
    };
    const connected = () => {
      socket.off('connect_error', failed);
      resolve(socket);
    };
    socket.once('connect', connected);
    socket.once('connect_error', failed);
  });
}

/** Emits with an ack and resolves with the reply. */
export function request<T = any>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return socket.timeout(5000).emitWithAck(event, payload) as Promise<T>;
}

/** Resolves when `predicate` holds, polling on a short interval (for effects with no event). */
export async function eventually<T>(probe: () => T | Promise<T>, predicate: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (predicate(last)) return last;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
