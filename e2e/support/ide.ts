/**
 * Runs the real IDE for browser tests: the production server (`server/main.ts` after a build, as
 * `npm start` runs it) in a child process, and Debian's Chromium driven by playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export interface RunningIde {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the server and resolves once it prints its address. `port` 0 picks a free one. */
export function startIde(opts: { port?: number; dataDir?: string; env?: Record<string, string> } = {}): Promise<RunningIde> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'lookahead-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, NODE_ENV: 'production', PORT: String(opts.port ?? 0), HOST: '127.0.0.1', DATA_DIR: dataDir, REDIS_URL: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/on http:\/\/localhost:(\d+)/);
      if (match) {
        clearTimeout(timer);
        const port = Number(match[1]);
        resolve({
          url: `http://localhost:${port}`,
          port,
          dataDir,
          process: child,
          stop: (signal = 'SIGTERM') =>
            new Promise((done) => {
              if (child.exitCode !== null) return done(child.exitCode);
              child.once('exit', (code) => done(code));
              child.kill(signal);
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}
