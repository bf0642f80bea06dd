/**
 * A Lookahead server (API and sockets, no Next pages) in a child process, for tests that kill it:
 * `startServerProcess({dataDir, port})` spawns it and resolves once it listens. Run directly, this
 * file is the child: it reads PORT, DATA_DIR and REDIS_URL and prints "listening <port>".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

export function startServerProcess(opts: { dataDir: string; port?: number; redisUrl?: string; redisPrefix?: string }): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: {
      ...process.env,
      PORT: String(opts.port ?? 0),
      DATA_DIR: opts.dataDir,
      REDIS_URL: opts.redisUrl ?? '',
      REDIS_PREFIX: opts.redisPrefix ?? 'lookahead:',
      LOOKAHEAD_CHILD_SERVER: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, port: Number(m[1]), child, exited });
    });
    child.once('exit', (code) => reject(new Error(`server process exited with ${code} before listening`)));
  });
}

if (process.env.LOOKAHEAD_CHILD_SERVER === '1' && process.argv[1] === fileURLToPath(import.meta.url)) {
  const { readConfig } = await import('../../server/config');
  const { createLookaheadServer } = await import('../../server/lookahead-server');
  const config = { ...readConfig(), host: '127.0.0.1' };
  const server = await createLookaheadServer(config, null);
  const port = await server.listen();
  process.stdout.write(`listening ${port}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}
