/**
 * Collaboration in the browser: the share dialog (create, copy, revoke), what a page whose link
 * was revoked shows, collaborators' cursors, and file names full of markup shown as plain text.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import * as Y from 'yjs';
import { PRESENCE_COLOURS } from '../lib/presence-colours';
import { launchBrowser, startIde, type RunningIde } from './support/ide';

const activeEditor = (page: Page) => page.locator('[data-testid="editor"][data-active="true"] .cm-content');
const treeItem = (page: Page, path: string) => page.locator(`[data-testid="tree-item"][data-path="${path.replace(/"/g, '\\"')}"]`);
const tab = (page: Page, path: string) => page.locator(`[data-testid="tab"][data-path="${path.replace(/"/g, '\\"')}"]`);

/** `rgb(r, g, b)` as the browser reports a computed colour, for a palette hex colour. */
function rgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

describe('collaboration UI', () => {
  let ide: RunningIde;
  let browser: Browser;
  let id: string;
  let editUrl: string;
  let viewUrl: string;
  let editToken: string;
  const contexts: BrowserContext[] = [];

  /** A page in its own browser context (its own cookies), opened through `url`. */
  async function open(url: string, permissions: string[] = []): Promise<Page> {
    const context = await browser.newContext({ permissions });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(url);
    await treeItem(page, 'src/index.ts').waitFor();
    return page;
  }

  before(async () => {
    ide = await startIde();
    browser = await launchBrowser();
    const res = await fetch(`${ide.url}/api/workspaces`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    ({ id, editUrl, viewUrl } = (await res.json()) as { id: string; editUrl: string; viewUrl: string });
    editToken = editUrl.split('/s/')[1];
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await ide?.stop();
  });

  it('the share dialog creates a link, copies it, and revoking it ends the session that used it', async () => {
    const owner = await open(editUrl, ['clipboard-read', 'clipboard-write']);
    await owner.getByTestId('share-button').click();
    const dialog = owner.getByTestId('share-dialog');
    await dialog.waitFor();
    const rows = dialog.getByTestId('share-link-row');
    await rows.nth(1).waitFor();
    assert.equal(await rows.count(), 2);
    assert.match(await dialog.innerText(), /cannot be shown again/);
    assert.equal(await rows.filter({ hasText: 'this page' }).getAttribute('data-role'), 'edit');

    await dialog.getByTestId('share-create-edit').click();
    const newUrl = dialog.getByTestId('share-new-url');
    await newUrl.waitFor();
    const url = await newUrl.inputValue();
    assert.match(url, /\/s\/[A-Za-z0-9_-]{40,}$/);
    await rows.nth(2).waitFor();
    await dialog.getByTestId('share-copy').click();
    await dialog.getByTestId('share-copy').filter({ hasText: 'Copied' }).waitFor();
    assert.equal(await owner.evaluate(() => navigator.clipboard.readText()), url);
    const linkId = await dialog.locator('.share-new').getAttribute('data-link-id');

    // Someone opens the new link and starts editing.
    const guest = await open(url);
    await treeItem(guest, 'README.md').click();
    await activeEditor(guest).click();
    await guest.keyboard.type('guest was here ');
    await guest.getByTestId('save-state').filter({ hasText: 'Saved' }).waitFor();
    assert.equal(await activeEditor(guest).getAttribute('contenteditable'), 'true');

    await dialog.locator(`[data-testid="share-link-row"][data-link-id="${linkId}"]`).getByTestId('share-revoke').click();
    await owner.getByTestId('confirm-ok').click();
    await dialog.locator(`[data-testid="share-link-row"][data-link-id="${linkId}"]`).waitFor({ state: 'detached' });
    assert.equal(await rows.count(), 2);

    const notice = guest.getByTestId('session-revoked');
    await notice.waitFor();
    assert.match(await notice.innerText(), /This link was revoked/);
    assert.equal(await activeEditor(guest).getAttribute('contenteditable'), 'false');
    // The owner's own session is untouched.
    assert.equal(await owner.getByTestId('session-revoked').count(), 0);
    await owner.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('"Share…" is in the command palette; view links get neither the button nor the command', async () => {
    const owner = await open(editUrl);
    await owner.locator('body').click();
    await owner.keyboard.press('Control+Shift+P');
    await owner.getByTestId('command-palette').fill('share');
    await owner.keyboard.press('Enter');
    await owner.getByTestId('share-dialog').waitFor();

    const viewer = await open(viewUrl);
    await viewer.getByTestId('role').waitFor();
    assert.equal(await viewer.getByTestId('share-button').count(), 0);
    await viewer.locator('body').click();
    await viewer.keyboard.press('Control+Shift+P');
    await viewer.getByTestId('command-palette').fill('share');
    assert.equal(await viewer.locator('.picker-item').filter({ hasText: 'Share' }).count(), 0);
    await viewer.keyboard.press('Escape');
  });

  it("collaborators see each other's cursors and selections, named and coloured by the server", async () => {
    const a = await open(editUrl);
    const b = await open(editUrl);
    for (const page of [a, b]) {
      await treeItem(page, 'src/index.ts').click();
      await activeEditor(page).filter({ hasText: 'TodoList' }).waitFor();
    }
    await activeEditor(a).locator('.cm-line').nth(3).click();
    await a.keyboard.press('End');
    const cursor = b.locator('.cm-peer-cursor');
    await cursor.waitFor();
    // The label is the cursor's ::after: the name, on the colour the server gave. The layer redraws
    // its markers when the geometry settles, so the element is found and read in one step in the page
    // (a detached one has no computed style).
    const label = await (
      await b.waitForFunction(() => {
        const el = document.querySelector('.cm-peer-cursor');
        if (!el) return null;
        const style = getComputedStyle(el, '::after');
        return { content: style.content, background: style.backgroundColor, colour: el.getAttribute('data-colour') };
      })
    ).jsonValue();
    assert.ok(label);
    assert.match(label.content, /^"Editor \d+"$/);
    const colour = label.colour;
    assert.ok(colour && (PRESENCE_COLOURS as readonly string[]).includes(colour), `${colour} is a palette colour`);
    assert.equal(label.background, rgb(colour!));
    assert.ok(!(await activeEditor(b).innerText()).includes('Editor'), 'names are not part of the text');
    // The cursor sits on the same line in B's editor.
    const [bar, line] = await Promise.all([cursor.boundingBox(), activeEditor(b).locator('.cm-line').nth(3).boundingBox()]);
    assert.ok(bar && line && Math.abs(bar.y - line.y) < 4, `cursor at y=${bar?.y}, line at y=${line?.y}`);

    // A selection shows as a tinted range; B's own cursor shows to A as well.
    await a.keyboard.press('Shift+Home');
    await b.locator('.cm-peer-selection').first().waitFor();
    await activeEditor(b).locator('.cm-line').first().click();
    await a.locator('.cm-peer-cursor').waitFor();
    assert.notEqual(await a.locator('.cm-peer-cursor').getAttribute('data-colour'), null);

    // Closing the file takes A's cursor away from B.
    await tab(a, 'src/index.ts').getByRole('button').click();
    await cursor.waitFor({ state: 'detached' });

    // A client sending positions that are not positions in this file draws nothing and breaks nothing.
    const errors: string[] = [];
    b.on('pageerror', (e) => errors.push(e.message));
    const intruder = connect(ide.url, { path: '/socket.io', transports: ['websocket'], auth: { workspaceId: id, token: editToken }, forceNew: true, reconnection: false });
    await new Promise<void>((resolve) => intruder.once('connect', () => resolve()));
    const opened = await intruder.timeout(5000).emitWithAck('doc:open', { path: 'src/index.ts' });
    const elsewhere = new Y.Doc();
    elsewhere.getText('content').insert(0, 'text this document never saw');
    const garbage = [
      randomBytes(40),
      Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(new Y.Doc().getText('injected'), 0)),
      Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(elsewhere.getText('content'), 3)),
      new Uint8Array([]),
    ];
    for (const bytes of garbage) {
      const reply = await intruder.timeout(5000).emitWithAck('presence:update', { path: 'src/index.ts', anchor: bytes, head: bytes });
      assert.equal(reply.ok, true);
    }
    await b.waitForTimeout(300);
    assert.equal(await b.locator('.cm-peer-cursor').count(), 0);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(opened.update));
    const real = Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(doc.getText('content'), 5));
    await intruder.timeout(5000).emitWithAck('presence:update', { path: 'src/index.ts', anchor: real, head: real });
    await b.locator('.cm-peer-cursor').waitFor();
    assert.deepEqual(errors, []);
    intruder.close();
    await b.locator('.cm-peer-cursor').waitFor({ state: 'detached' });
  });

  it('file names with markup are text in the tree, tabs, quick open and dialogs; nothing runs', async () => {
    const page = await open(editUrl);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    const name = '<img src=x onerror=window.__pwned=1>.ts';
    const put = await fetch(`${ide.url}/api/workspaces/${id}/files/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${editToken}` },
      body: '"><svg onload=window.__pwned=2>',
    });
    assert.equal(put.status, 201);
    await treeItem(page, name).waitFor();
    assert.equal(await treeItem(page, name).locator('.tree-name').innerText(), name);
    await treeItem(page, name).click();
    await tab(page, name).waitFor();
    assert.equal(await tab(page, name).locator('.tab-name').innerText(), name);

    await page.keyboard.press('Control+P');
    await page.getByTestId('quick-open').fill('onerror');
    const option = page.getByRole('option').first();
    await option.waitFor();
    assert.ok((await option.innerText()).includes(name));
    await page.keyboard.press('Escape');

    await treeItem(page, name).click({ button: 'right' });
    await page.getByRole('menuitem', { name: /Rename/ }).click();
    assert.equal(await page.getByTestId('tree-name-input').inputValue(), name);
    await page.keyboard.press('Escape');

    await treeItem(page, name).click({ button: 'right' });
    await page.getByRole('menuitem', { name: /Delete/ }).click();
    const confirm = page.getByTestId('confirm-dialog');
    await confirm.waitFor();
    assert.ok((await confirm.innerText()).includes(name));
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });

    assert.equal(await page.locator('img[src="x"], svg[onload]').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
    assert.equal(dialogs, 0);
  });
});
