/** Share links: listing, creating and revoking them, and what a revoked or guessed token gets. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, connectClient, createWorkspace, startServer, type CreatedWorkspace, type TestServer } from './support/server';

const noFollow = { redirect: 'manual' } as const;

describe('share links', () => {
  let t: TestServer;
  let ws: CreatedWorkspace;
  const links = (suffix = '') => `${t.url}/api/workspaces/${ws.id}/links${suffix}`;

  before(async () => {
    t = await startServer();
    ws = await createWorkspace(t.url);
  });
  after(() => t.close());

  it('lists the workspace links with id, role and creation time, never a token', async () => {
    const res = await fetch(links(), { headers: bearer(ws.editToken) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { links: { id: string; role: string; createdAt: number }[] };
    assert.deepEqual(body.links.map((l) => l.role).sort(), ['edit', 'view']);
    for (const l of body.links) {
      assert.deepEqual(Object.keys(l).sort(), ['createdAt', 'id', 'role']);
      assert.ok(l.createdAt > 0);
    }
    const text = JSON.stringify(body);
    assert.ok(!text.includes(ws.editToken) && !text.includes(ws.viewToken));
  });

  it('creates more links; each works on its own', async () => {
    const res = await fetch(links(), { method: 'POST', headers: { ...bearer(ws.editToken), 'content-type': 'application/json' }, body: '{"role":"view"}' });
    assert.equal(res.status, 201);
    const { link, url } = (await res.json()) as { link: { id: string; role: string }; url: string };
    assert.equal(link.role, 'view');
    const token = new URL(url).pathname.slice(3);
    const exchange = await fetch(`${t.url}/s/${token}`, noFollow);
    assert.equal(exchange.status, 303);
    const me = await fetch(`${t.url}/api/workspaces/${ws.id}`, { headers: bearer(token) });
    assert.deepEqual(await me.json(), { id: ws.id, role: 'view', linkId: link.id });
  });

  it('view links can neither list, create nor revoke links; bad bodies and ids are refused', async () => {
    const view = bearer(ws.viewToken);
    assert.equal((await fetch(links(), { headers: view })).status, 403);
    assert.equal((await fetch(links(), { method: 'POST', headers: view, body: '{"role":"edit"}' })).status, 403);
    const list = (await (await fetch(links(), { headers: bearer(ws.editToken) })).json()) as { links: { id: string }[] };
    assert.equal((await fetch(links('/' + list.links[0].id), { method: 'DELETE', headers: view })).status, 403);
    for (const body of ['{"role":"owner"}', '{"role":"edit","extra":1}', 'not json', '']) {
      const res = await fetch(links(), { method: 'POST', headers: bearer(ws.editToken), body });
      assert.equal(res.status, 400, body);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'bad-request');
    }
    for (const id of ['nope', '../../x', 'AAAAAAAAAAAA', '%2e%2e']) {
      assert.equal((await fetch(links('/' + id), { method: 'DELETE', headers: bearer(ws.editToken) })).status, 404, id);
    }
  });

  it('a revoked link stops at once: REST, the exchange page and live sockets', async () => {
    const created = (await (
      await fetch(links(), { method: 'POST', headers: { ...bearer(ws.editToken), 'content-type': 'application/json' }, body: '{"role":"edit"}' })
    ).json()) as { link: { id: string }; url: string };
    const token = new URL(created.url).pathname.slice(3);
    const socket = await connectClient(t.url, ws.id, token);
    const told = new Promise<unknown>((resolve) => socket.once('session:revoked', resolve));
    const dropped = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    const res = await fetch(links('/' + created.link.id), { method: 'DELETE', headers: bearer(ws.editToken) });
    assert.deepEqual(await res.json(), { id: created.link.id, revoked: true });
    assert.deepEqual(await told, { reason: 'link-revoked' });
    assert.equal(await dropped, 'io server disconnect');

    assert.equal((await fetch(`${t.url}/api/workspaces/${ws.id}`, { headers: bearer(token) })).status, 404);
    await assert.rejects(connectClient(t.url, ws.id, token));
    const listed = (await (await fetch(links(), { headers: bearer(ws.editToken) })).json()) as { links: { id: string }[] };
    assert.ok(!listed.links.some((l) => l.id === created.link.id));
    assert.equal((await fetch(links('/' + created.link.id), { method: 'DELETE', headers: bearer(ws.editToken) })).status, 404);
    // Other sessions of the workspace carry on.
    assert.equal((await fetch(`${t.url}/api/workspaces/${ws.id}`, { headers: bearer(ws.editToken) })).status, 200);

    // Revoked, unknown and malformed tokens get one and the same answer, with no referrer leak.
    const answers = await Promise.all([token, 'A'.repeat(43), 'short', '%3Cscript%3E'].map((x) => fetch(`${t.url}/s/${x}`, noFollow)));
    const bodies = await Promise.all(answers.map((a) => a.text()));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([404]));
    assert.equal(new Set(bodies).size, 1);
    for (const a of answers) assert.equal(a.headers.get('referrer-policy'), 'no-referrer');
  });

  it('the workspace page is sent with a content security policy and no referrer', async () => {
    const res = await fetch(`${t.url}/w/${ws.id}`, { headers: bearer(ws.editToken) });
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'self'", "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) {
      assert.ok(csp.includes(directive), `${directive} in ${csp}`);
    }
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  });
});

describe('share link exchange rate limit', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
  });
  after(() => t.close());

  it('answers 429 once a client tries too many tokens in a minute, valid ones included', async () => {
    const ws = await createWorkspace(t.url);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await fetch(`${t.url}/s/${'B'.repeat(42)}${i % 10}`, noFollow)).status);
    assert.deepEqual(new Set(statuses), new Set([404]));
    const limited = await fetch(`${t.url}/s/${ws.editToken}`, noFollow);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '60');
    assert.ok(!(await limited.text()).includes(ws.editToken));
  });
});
