/**
 * `npm test`: unit and integration tests (test/), then browser end-to-end tests (e2e/), with
 * Node's test runner. Finds or starts one Redis for the whole run. `npm test -- unit` or
 * `npm test -- e2e` runs one half; further arguments filter files by name.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { redisUrl } from '../test/support/redis';
import { buildIfStale } from './build-if-stale';

const args = process.argv.slice(2);
const phases = args[0] === 'unit' || args[0] === 'e2e' ? [args.shift()!] : ['unit', 'e2e'];
const filters = args;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(dir, f))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
}

process.env.TEST_REDIS_URL = await redisUrl();
console.log(`Redis for tests: ${process.env.TEST_REDIS_URL}`);

let failed = false;
for (const phase of phases) {
  const files = testFiles(phase === 'unit' ? 'test' : 'e2e');
  if (files.length === 0) continue;
  if (phase === 'e2e') buildIfStale();
  console.log(`\n== ${phase}: ${files.length} files`);
  const result = spawnSync(
    process.execPath,
    // A test that hangs (a browser that stops answering) fails after ten minutes instead of holding the run.
    ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${phase === 'e2e' ? 1 : 2}`, '--test-timeout=600000', ...files],
    { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', NEXT_TELEMETRY_DISABLED: '1' } },
  );
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
