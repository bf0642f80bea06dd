import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startIde, type RunningIde } from './support/ide';

/** A file where the right continuation is plain from the file itself. */
const SOURCE = [
  "import { log } from './log';",
  '',
  "log.info('server started', { port: 3000 });",
  "log.info('server started', { port: 3000 });",
  "log.info('server started', { port: 3000 });",
  '',
].join('\n');

const activeEditor = (page: Page) => page.locator('[data-testid="editor"][data-active="true"] .cm-content');
/** The editor of `path` once it is the active one (server.ts and shared.ts hold the same text). */
const editorOf = (page: Page, path: string) => page.locator(`[data-testid="editor"][data-active="true"][data-path="${path}"] .cm-content`);
const ghost = (page: Page) => page.locator('[data-testid="editor"][data-active="true"] [data-testid="ghost-text"]');
/** The suggestion once it has stopped streaming in. */
const settledGhost = (page: Page) => page.locator('[data-testid="editor"][data-active="true"] [data-testid="ghost-text"][data-state="settled"]');

describe('Tab: ghost text in the browser', () => {
  let ide: RunningIde;
  let browser: Browser;
  let page: Page;
  let editUrl: string;
  before(async () => {
    ide = await startIde();
    browser = await launchBrowser();
    const res = await fetch(`${ide.url}/api/workspaces`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    const body = (await res.json()) as { id: string; editUrl: string };
    editUrl = body.editUrl;
    const token = editUrl.split('/s/')[1];
    for (const name of ['server.ts', 'shared.ts']) {
      await fetch(`${ide.url}/api/workspaces/${body.id}/files/src/${name}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: SOURCE });
    }
    page = await (await browser.newContext()).newPage();
    await page.goto(editUrl);
    await page.locator('[data-testid="tree-item"][data-path="src/server.ts"]').click();
    await editorOf(page, 'src/server.ts').filter({ hasText: 'server started' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await ide?.stop();
  });

  async function typeAtEnd(text: string) {
    await activeEditor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(text);
  }

  it('shows a suggestion after typing, and Tab accepts it as a normal edit', async () => {
    await typeAtEnd("log.info('ser");
    await settledGhost(page).waitFor({ timeout: 20_000 });
    const suggestion = await ghost(page).innerText();
    assert.ok(suggestion.length > 0);
    await page.keyboard.press('Tab');
    await ghost(page).waitFor({ state: 'detached' });
    const lastLine = (await activeEditor(page).innerText()).split('\n').filter(Boolean).pop();
    assert.equal(lastLine, `log.info('ser${suggestion}`);
  });

  it('typing what the ghost text shows keeps the rest; Escape dismisses it', async () => {
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type("log.info('se");
    await settledGhost(page).waitFor({ timeout: 20_000 });
    const before = await ghost(page).innerText();
    assert.ok(before.length >= 2, before);
    await page.keyboard.type(before[0]);
    assert.equal(await settledGhost(page).innerText(), before.slice(1));
    await page.keyboard.press('Escape');
    await ghost(page).waitFor({ state: 'detached' });
  });

  it("a collaborator's editor never shows the suggestion; an accepted one arrives as an edit", async () => {
    const other = await (await browser.newContext()).newPage();
    await other.goto(editUrl);
    await other.locator('[data-testid="tree-item"][data-path="src/shared.ts"]').click();
    await editorOf(other, 'src/shared.ts').filter({ hasText: 'server started' }).waitFor();
    await page.locator('[data-testid="tree-item"][data-path="src/shared.ts"]').click();
    await editorOf(page, 'src/shared.ts').filter({ hasText: 'server started' }).waitFor();
    await activeEditor(page).click();
    // The file ends with a newline: the cursor starts a fresh line.
    await page.keyboard.press('Control+End');
    await page.keyboard.type("log.info('serv");
    await settledGhost(page).waitFor({ timeout: 20_000 });
    const suggestion = await ghost(page).innerText();
    await other.waitForTimeout(300);
    assert.equal(await ghost(other).count(), 0);
    await page.keyboard.press('Tab');
    await activeEditor(other).filter({ hasText: `log.info('serv${suggestion}` }).waitFor();
    assert.equal(await ghost(other).count(), 0);
  });
});
