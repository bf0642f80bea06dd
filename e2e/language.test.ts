import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startIde, type RunningIde } from './support/ide';

const SHAPES = [
  'export interface Shape {',
  '  kind: string;',
  '  area(): number;',
  '}',
  '',
  'export function makeSquare(side: number): Shape {',
  "  return { kind: 'square', area: () => side * side };",
  '}',
  '',
].join('\n');

const MAIN = ["import { makeSquare } from './shapes.js';", '', 'const sq = makeSquare(2);', 'console.log(sq.kind);', ''].join('\n');

/** The language service starts a worker and reads TypeScript's library on first use. */
const SERVICE_MS = 30_000;

const activeEditor = (page: Page) => page.locator('[data-testid="editor"][data-active="true"]');
const activeContent = (page: Page) => activeEditor(page).locator('.cm-content');

/** Screen coordinates of the middle of `needle` inside the active editor's text. */
async function coordsOf(page: Page, needle: string, charOffset = 1): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ({ needle, charOffset }) => {
      // Highlighting splits a line into many text nodes: find the line, then the node holding the character.
      for (const line of document.querySelectorAll('[data-testid="editor"][data-active="true"] .cm-line')) {
        const i = line.textContent!.indexOf(needle);
        if (i < 0) continue;
        let target = i + charOffset;
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const length = node.textContent!.length;
          if (target >= length) {
            target -= length;
            continue;
          }
          const range = document.createRange();
          range.setStart(node, target);
          range.setEnd(node, target + 1);
          const rect = range.getBoundingClientRect();
          return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
        }
      }
      throw new Error(`${needle} not shown`);
    },
    { needle, charOffset },
  );
}

describe('language intelligence in the browser', () => {
  let ide: RunningIde;
  let browser: Browser;
  let page: Page;
  before(async () => {
    ide = await startIde();
    browser = await launchBrowser();
    const res = await fetch(`${ide.url}/api/workspaces`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    const { id, editUrl } = (await res.json()) as { id: string; editUrl: string };
    const token = editUrl.split('/s/')[1];
    for (const [path, body] of [
      ['src/shapes.ts', SHAPES],
      ['src/main.ts', MAIN],
    ]) {
      await fetch(`${ide.url}/api/workspaces/${id}/files/${path}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body });
    }
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(editUrl);
    await page.locator('[data-testid="tree-item"][data-path="src/main.ts"]').click();
    await activeContent(page).filter({ hasText: 'makeSquare(2)' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await ide?.stop();
  });

  it('hover shows the type of a name', async () => {
    const hoverInfo = page.locator('.cm-tooltip-hover [data-testid="hover-info"]');
    // The first hover may come before the service has started: move away and back until it answers.
    const deadline = Date.now() + SERVICE_MS;
    for (;;) {
      const { x, y } = await coordsOf(page, 'sq = ');
      await page.mouse.move(x, y);
      try {
        await hoverInfo.waitFor({ timeout: 2000 });
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await page.mouse.move(0, 0);
      }
    }
    assert.equal(await hoverInfo.locator('.cm-lang-hover-type').innerText(), 'const sq: Shape');
    await page.mouse.move(0, 0);
  });

  it('F12 opens the file of the definition with the cursor on it', async () => {
    const { x, y } = await coordsOf(page, 'makeSquare(2)', 3);
    await page.mouse.click(x, y);
    await page.keyboard.press('F12');
    await page.locator('[data-testid="editor"][data-active="true"][data-path="src/shapes.ts"]').waitFor();
    await page.locator('[data-testid="cursor-position"]').filter({ hasText: 'Ln 6, Col 17' }).waitFor();
    await page.locator('[data-testid="tab"][data-path="src/main.ts"]').click();
    await activeContent(page).filter({ hasText: 'makeSquare(2)' }).waitFor();
  });

  it('a type error shows a squiggle; the Problems panel lists it and jumps to it', async () => {
    await activeContent(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('const wrong: string = 42;');
    // Diagnostics follow the typing, so the half-typed line may show other errors on the way.
    await activeEditor(page).locator('.cm-lintRange-error', { hasText: 'wrong' }).waitFor({ timeout: SERVICE_MS });
    await page.locator('[data-testid="problems-count"][aria-label="1 error, 0 warnings"]').waitFor();

    await page.keyboard.press('Control+Shift+M');
    const item = page.locator('[data-testid="problems-panel"] [data-testid="problem-item"][data-path="src/main.ts"]', { hasText: 'not assignable' });
    await item.waitFor();
    assert.match(await item.innerText(), /not assignable to type 'string'[\s\S]*\[Ln 5, Col 7\]/);

    await page.keyboard.press('Control+Home');
    await page.locator('[data-testid="cursor-position"]').filter({ hasText: 'Ln 1, Col 1' }).waitFor();
    await item.click();
    await page.locator('[data-testid="cursor-position"]').filter({ hasText: 'Ln 5, Col 7' }).waitFor();

    // Fixing the error clears the squiggle and the list.
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Backspace');
    await activeEditor(page).locator('.cm-lintRange-error').first().waitFor({ state: 'detached' });
    await item.waitFor({ state: 'detached' });
    await page.locator('[data-testid="problems-panel"] button[aria-label="Close Problems"]').click();
  });

  it('with the completion dropdown open, Tab picks its item and no ghost text is shown', async () => {
    await activeContent(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('sq.ar');
    const dropdown = page.locator('.cm-tooltip-autocomplete');
    await dropdown.locator('li[aria-selected="true"]', { hasText: 'area' }).waitFor({ timeout: SERVICE_MS });
    assert.equal(await activeEditor(page).locator('[data-testid="ghost-text"]').count(), 0);
    // CodeMirror takes no pick until the dropdown has been open for its interaction delay (75 ms).
    await page.waitForTimeout(150);
    await page.keyboard.press('Tab');
    await dropdown.waitFor({ state: 'detached' });
    const lines = (await activeContent(page).innerText()).split('\n').filter(Boolean);
    assert.equal(lines.at(-1), 'sq.area');
  });
});
