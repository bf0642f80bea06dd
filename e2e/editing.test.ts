import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startIde, type RunningIde } from './support/ide';

async function openFile(page: Page, path: string): Promise<void> {
  await page.locator(`[data-testid="tree-item"][data-path="${path}"]`).click();
  // This file's editor, not the one it replaces.
  await page.locator(`[data-testid="editor"][data-active="true"][data-path="${path}"] .cm-content`).waitFor();
  await page.locator('[data-testid="save-state"]').filter({ hasText: 'Saved' }).waitFor();
}

function editor(page: Page) {
  return page.locator('.cm-content').filter({ visible: true }).first();
}

async function createWorkspaceFromHome(page: Page, ide: RunningIde): Promise<string> {
  await page.goto(ide.url);
  await page.getByTestId('new-workspace').click();
  await page.waitForURL(/\/w\/[a-z0-9]+$/);
  return new URL(page.url()).pathname.split('/').pop()!;
}

describe('editing in the browser', () => {
  let ide: RunningIde;
  let browser: Browser;
  before(async () => {
    ide = await startIde();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await ide?.stop();
  });

  it('creates a workspace from the home page, types into a file, and finds the text after a reload', async () => {
    const page = await browser.newPage();
    const id = await createWorkspaceFromHome(page, ide);
    assert.ok(!page.url().includes('/s/'), 'the share token is stripped from the address');
    await openFile(page, 'src/index.ts');
    await editor(page).click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('// typed in the browser\n');
    await page.locator('[data-testid="save-state"]').filter({ hasText: 'Saved' }).waitFor();
    const disk = readFileSync(join(ide.dataDir, 'workspaces', id, 'src/index.ts'), 'utf8');
    assert.ok(disk.startsWith('// typed in the browser\n'), disk.slice(0, 80));
    await page.reload();
    await openFile(page, 'src/index.ts');
    await editor(page).filter({ hasText: 'typed in the browser' }).waitFor();
    await page.close();
  });

  it('two pages on one file see each other\'s edits and converge', async () => {
    const context = await browser.newContext();
    const a = await context.newPage();
    await createWorkspaceFromHome(a, ide);
    const b = await context.newPage();
    await b.goto(a.url());
    await openFile(a, 'src/todo.ts');
    await openFile(b, 'src/todo.ts');
    await editor(a).click();
    await a.keyboard.press('Control+Home');
    await a.keyboard.type('// from page A\n');
    await editor(b).click();
    await b.keyboard.press('Control+End');
    await b.keyboard.type('\n// from page B');
    await editor(b).filter({ hasText: 'from page A' }).waitFor();
    await editor(a).filter({ hasText: 'from page B' }).waitFor();
    const [ta, tb] = await Promise.all([a, b].map((p) => editor(p).innerText()));
    assert.equal(ta, tb);
    await context.close();
  });

  it('a view link opens the workspace read-only: typing changes nothing', async () => {
    const owner = await browser.newContext();
    const res = await fetch(`${ide.url}/api/workspaces`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    const { id, viewUrl } = (await res.json()) as { id: string; viewUrl: string };
    const viewer = await browser.newContext();
    const page = await viewer.newPage();
    await page.goto(viewUrl);
    await page.waitForURL(/\/w\//);
    await page.getByTestId('role').filter({ hasText: 'View only' }).waitFor();
    await openFile(page, 'src/index.ts');
    const before = await editor(page).innerText();
    await editor(page).click();
    await page.keyboard.type('should not appear');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    assert.equal(await editor(page).innerText(), before);
    assert.equal(await editor(page).getAttribute('contenteditable'), 'false');
    assert.ok(!readFileSync(join(ide.dataDir, 'workspaces', id, 'src/index.ts'), 'utf8').includes('should not appear'));
    await viewer.close();
    await owner.close();
  });
});

describe('server restarts', () => {
  it('SIGTERM right after typing loses nothing; after the restart the page shows the text', async () => {
    let ide = await startIde();
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const id = await createWorkspaceFromHome(page, ide);
      await openFile(page, 'src/format.ts');
      await editor(page).click();
      await page.keyboard.press('Control+Home');
      await page.keyboard.type('// saved by the shutdown\n');
      // Stop as soon as the server has the edit, before the save debounce has run.
      await page.waitForFunction(async (url) => {
        const res = await fetch(url);
        const { edits } = await res.json();
        return edits.map((e: { inserted: string }) => e.inserted).join('').includes('shutdown\n');
      }, `/api/workspaces/${id}/history/src/format.ts`);
      const exit = await ide.stop('SIGTERM');
      assert.equal(exit, 0);
      const disk = readFileSync(join(ide.dataDir, 'workspaces', id, 'src/format.ts'), 'utf8');
      assert.ok(disk.startsWith('// saved by the shutdown\n'), disk.slice(0, 60));
      await page.locator('[data-testid="connection-state"]').filter({ hasNotText: 'Connected' }).waitFor({ timeout: 20_000 });
      ide = await startIde({ port: ide.port, dataDir: ide.dataDir });
      await page.locator('[data-testid="connection-state"]').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
      await page.keyboard.type('// after the restart\n');
      await page.locator('[data-testid="save-state"]').filter({ hasText: 'Saved' }).waitFor();
      await page.reload();
      await openFile(page, 'src/format.ts');
      const text = await editor(page).innerText();
      assert.ok(text.includes('saved by the shutdown') && text.includes('after the restart'), text.slice(0, 120));
      assert.equal(text.split('export function summary').length, 2, 'no duplicated text');
    } finally {
      await browser.close();
      await ide.stop();
    }
  });
});
