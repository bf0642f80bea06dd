import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bearer, createWorkspace, startServer, type CreatedWorkspace, type TestServer } from './support/server';

/** A GET whose path is sent exactly as written. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  const path = url.slice(url.indexOf('/', 8));
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP API', () => {
  let t: TestServer;
  let ws: CreatedWorkspace;
  const files = (p = '') => `${t.url}/api/workspaces/${ws.id}/files${p}`;

  before(async () => {
    t = await startServer();
    ws = await createWorkspace(t.url);
  });
  after(() => t.close());

  it('GET /api/health answers ok and names the live backend', async () => {
    const res = await fetch(`${t.url}/api/health`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.ok, true);
    assert.equal(body.backend, 'memory');
  });

  it('POST /api/workspaces creates a git repo from the template with edit and view share links', async () => {
    const res = await fetch(`${t.url}/api/workspaces`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 201);
    const body = await res.json();
    assert.match(body.id, /^[a-z0-9]{12,32}$/);
    for (const key of ['editUrl', 'viewUrl']) {
      const token = new URL(body[key]).pathname.match(/^\/s\/([A-Za-z0-9_-]+)$/)?.[1];
      assert.ok(token, `${key} is a /s/<token> link`);
      assert.ok(token.length * 6 >= 128, 'token carries at least 128 bits');
    }
    assert.notEqual(body.editUrl, body.viewUrl);
    const dir = join(t.dataDir, 'workspaces', body.id);
    assert.ok(readFileSync(join(dir, 'src/index.ts'), 'utf8').includes('TodoList'));
    assert.ok(readFileSync(join(dir, '.git/HEAD'), 'utf8').includes('refs/heads/'));
    // Tokens are stored hashed: no stored file contains a raw token.
    const raw = new URL(body.editUrl).pathname.slice(3);
    const { execSync } = await import('node:child_process');
    assert.equal(execSync(`grep -rl -- '${raw}' '${t.dataDir}' || true`).toString().trim(), '');
  });

  it('lists files with sizes and serves and writes their bytes', async () => {
    const list = await (await fetch(files(), { headers: bearer(ws.editToken) })).json();
    const index = list.files.find((f: { path: string }) => f.path === 'src/index.ts');
    assert.ok(index && index.size > 0);
    assert.ok(!list.files.some((f: { path: string }) => f.path.startsWith('.git/')));
    const put = await fetch(files('/notes/todo.md'), { method: 'PUT', headers: bearer(ws.editToken), body: '# hi\n' });
    assert.equal(put.status, 201);
    const get = await fetch(files('/notes/todo.md'), { headers: bearer(ws.editToken) });
    assert.equal(await get.text(), '# hi\n');
    const again = await fetch(files('/notes/todo.md'), { method: 'PUT', headers: bearer(ws.editToken), body: '# again\n' });
    assert.equal(again.status, 200);
  });

  it('If-None-Match: * refuses to overwrite an existing file', async () => {
    const res = await fetch(files('/src/index.ts'), { method: 'PUT', headers: { ...bearer(ws.editToken), 'if-none-match': '*' }, body: 'x' });
    assert.equal(res.status, 412);
    assert.ok(readFileSync(join(t.dataDir, 'workspaces', ws.id, 'src/index.ts'), 'utf8').includes('TodoList'));
  });

  it('a view token reads but gets 403 on every write, and nothing changes', async () => {
    assert.equal((await fetch(files('/src/index.ts'), { headers: bearer(ws.viewToken) })).status, 200);
    const before = readFileSync(join(t.dataDir, 'workspaces', ws.id, 'src/index.ts'), 'utf8');
    const attempts = [
      fetch(files('/src/index.ts'), { method: 'PUT', headers: bearer(ws.viewToken), body: 'hacked' }),
      fetch(files('/src/index.ts'), { method: 'DELETE', headers: bearer(ws.viewToken) }),
      fetch(`${t.url}/api/workspaces/${ws.id}/dirs/evil`, { method: 'POST', headers: bearer(ws.viewToken) }),
      fetch(`${t.url}/api/workspaces/${ws.id}/rename`, { method: 'POST', headers: bearer(ws.viewToken), body: JSON.stringify({ from: 'src/index.ts', to: 'x.ts' }) }),
    ];
    for (const res of await Promise.all(attempts)) assert.equal(res.status, 403);
    assert.equal(readFileSync(join(t.dataDir, 'workspaces', ws.id, 'src/index.ts'), 'utf8'), before);
  });

  it('no token, a wrong token or another workspace\'s token gets 404 with no content', async () => {
    const other = await createWorkspace(t.url);
    for (const headers of [{}, bearer('x'.repeat(43)), bearer(other.editToken), bearer('not a token')]) {
      const res = await fetch(files('/src/index.ts'), { headers });
      assert.equal(res.status, 404);
      assert.ok(!(await res.text()).includes('TodoList'));
    }
  });

  it('refuses bad paths with 400/404 and never serves content outside the workspace', async () => {
    const root = join(t.dataDir, 'workspaces', ws.id);
    writeFileSync(join(t.dataDir, 'secret.txt'), 'TOP SECRET');
    symlinkSync(join(t.dataDir, 'secret.txt'), join(root, 'link-out.txt'));
    mkdirSync(join(t.dataDir, 'outside'), { recursive: true });
    writeFileSync(join(t.dataDir, 'outside', 'x.txt'), 'TOP SECRET');
    symlinkSync(join(t.dataDir, 'outside'), join(root, 'dir-out'));
    const bad = [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/%2e%2e/secret.txt',
      '/%252e%252e/secret.txt',
      '/src%5c..%5c..%5csecret.txt',
      '/%2Fetc%2Fpasswd',
      '//etc/passwd',
      '/src/%00index.ts',
      '/link-out.txt',
      '/dir-out/x.txt',
      '/.git/config',
      '/./src/index.ts',
      '/src/../../../secret.txt',
    ];
    for (const p of bad) {
      // Sent byte for byte: fetch would normalise dot segments before they reach the server.
      const res = await rawGet(files(p), bearer(ws.editToken));
      assert.ok([400, 404].includes(res.status), `${p} -> ${res.status}`);
      assert.ok(!res.body.includes('TOP SECRET'), `${p} leaked content`);
    }
    // Writes through symlinks out of the root are refused too and leave the target untouched.
    for (const p of ['/link-out.txt', '/dir-out/x.txt', '/dir-out/new.txt']) {
      const res = await fetch(files(p), { method: 'PUT', headers: bearer(ws.editToken), body: 'overwritten' });
      assert.ok([400, 404].includes(res.status), `PUT ${p} -> ${res.status}`);
    }
    assert.equal(readFileSync(join(t.dataDir, 'secret.txt'), 'utf8'), 'TOP SECRET');
    assert.equal(readFileSync(join(t.dataDir, 'outside', 'x.txt'), 'utf8'), 'TOP SECRET');
  });

  it('creates folders, renames and deletes files and folders', async () => {
    const h = bearer(ws.editToken);
    assert.equal((await fetch(`${t.url}/api/workspaces/${ws.id}/dirs/lib/deep`, { method: 'POST', headers: h })).status, 201);
    assert.equal((await fetch(files('/lib/deep/a.ts'), { method: 'PUT', headers: h, body: 'export const a = 1;\n' })).status, 201);
    const rename = await fetch(`${t.url}/api/workspaces/${ws.id}/rename`, { method: 'POST', headers: h, body: JSON.stringify({ from: 'lib', to: 'pkg/lib' }) });
    assert.equal(rename.status, 200);
    assert.equal(await (await fetch(files('/pkg/lib/deep/a.ts'), { headers: h })).text(), 'export const a = 1;\n');
    assert.equal((await fetch(files('/lib/deep/a.ts'), { headers: h })).status, 404);
    assert.equal((await fetch(files('/pkg'), { method: 'DELETE', headers: h })).status, 200);
    const list = await (await fetch(files(), { headers: h })).json();
    assert.ok(!list.files.some((f: { path: string }) => f.path.startsWith('pkg/')));
    assert.ok(!list.dirs.includes('pkg'));
  });

  it('answers malformed requests with a clear JSON error', async () => {
    const h = bearer(ws.editToken);
    const rename = await fetch(`${t.url}/api/workspaces/${ws.id}/rename`, { method: 'POST', headers: h, body: '{not json' });
    assert.equal(rename.status, 400);
    assert.equal((await rename.json()).error.code, 'bad-request');
    const into = await fetch(`${t.url}/api/workspaces/${ws.id}/rename`, { method: 'POST', headers: h, body: JSON.stringify({ from: 'src', to: 'src/inner' }) });
    assert.equal(into.status, 400);
    const huge = await fetch(files('/big.bin'), { method: 'PUT', headers: h, body: new Uint8Array(11 * 1024 * 1024) });
    assert.equal(huge.status, 413);
    assert.equal((await fetch(files('/big.bin'), { headers: h })).status, 404);
    assert.equal((await fetch(`${t.url}/api/nope`)).status, 404);
  });

  it('/s/<token> sets an HttpOnly SameSite cookie and redirects to /w/<id> without the token', async () => {
    const res = await fetch(`${t.url}/s/${ws.editToken}`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/w/${ws.id}`);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    const pair = cookie.split(';')[0];
    const api = await fetch(files('/src/index.ts'), { headers: { cookie: pair } });
    assert.equal(api.status, 200);
    const bad = await fetch(`${t.url}/s/${'A'.repeat(43)}`, { redirect: 'manual' });
    assert.equal(bad.status, 404);
    assert.equal(bad.headers.get('set-cookie'), null);
  });

  it('/w/<id> without access is refused', async () => {
    const res = await fetch(`${t.url}/w/${ws.id}`);
    assert.equal(res.status, 403);
  });
});
