/**
 * Builds the Next app when there is no build yet or the sources changed since the last one, so
 * `npm start` on a fresh clone works without a separate build step. The fingerprint covers what
 * Next compiles: app/, components/, lib/, configuration and the lockfile.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = ['app', 'components', 'lib', 'next.config.ts', 'tsconfig.json', 'package-lock.json', 'package.json'];
const STAMP = join('.next', 'lookahead-build-fingerprint');

function fingerprint(root: string): string {
  const hash = createHash('sha256');
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name));
    } else {
      hash.update(path + '\0');
      hash.update(readFileSync(path));
    }
  };
  for (const input of INPUTS) visit(join(root, input));
  return hash.digest('hex');
}

export function buildIfStale(root = process.cwd()): void {
  const current = fingerprint(root);
  const built = existsSync(join(root, '.next', 'BUILD_ID')) && existsSync(join(root, STAMP)) ? readFileSync(join(root, STAMP), 'utf8') : null;
  if (built === current) return;
  console.log('Lookahead: building the web app (first start or sources changed)…');
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
  writeFileSync(join(root, STAMP), current);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) buildIfStale();
