/**
 * A real Redis for tests: TEST_REDIS_URL or REDIS_URL when set, else 127.0.0.1:6379 when it
 * answers, else a `redis-server` started on a free port for this process. No Redis at all is a
 * failure with instructions, never a skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

let started: ChildProcess | null = null;

function answersPing(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function redisUrl(): Promise<string> {
  const configured = process.env.TEST_REDIS_URL || process.env.REDIS_URL;
  if (configured) return configured;
  if (await answersPing('127.0.0.1', 6379)) return 'redis://127.0.0.1:6379';
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('Tests need Redis: set REDIS_URL, run one on 127.0.0.1:6379, or install redis-server (apt-get install -y redis-server).');
  }
  const port = await freePort();
  started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  process.once('exit', () => started?.kill());
  for (let i = 0; i < 100; i++) {
    if (await answersPing('127.0.0.1', port)) return `redis://127.0.0.1:${port}`;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on port ${port}`);
}
