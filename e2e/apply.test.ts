/**
 * Cmd/Ctrl-K in the browser, with the shipped model applying pasted sketches: the box, its errors,
 * the streamed review (unified merge view), Reject all / Esc leaving the file as it was, Accept all
 * making the file exactly the output the server reported (one undo step), and Esc cancelling a
 * running apply. The file's text is checked through a second, independent client of the document.
 * The model is small, so the tests check the flow, not what it writes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { DocSync } from '../components/editor/doc-sync';
import type { ApplyDone } from '../lib/protocol';
import { connectClient, eventually } from '../test/support/server';
import { launchBrowser, startIde, type RunningIde } from './support/ide';
import { longSource, SOURCE } from '../test/support/apply-samples';

/** The whole file with one line changed. */
const SKETCH = SOURCE.replace("  return 'hello ' + name;", "  return 'hello, ' + name + '!';");

/** A file rewritten whole (a sketch without markers): dozens of passes, so an apply to cancel. */
const CANCEL_SOURCE = longSource(20);
const CANCEL_SKETCH = CANCEL_SOURCE.replace('x * 5 + 35', 'x * 5 + 36');

const editor = (page: Page) => page.locator('[data-testid="editor"][data-active="true"]');
const content = (page: Page) => editor(page).locator('.cm-content').first();
const box = (page: Page) => editor(page).getByTestId('apply-box');
const review = (page: Page) => editor(page).getByTestId('apply-review');

describe('Cmd/Ctrl-K: apply a sketch in the browser', () => {
  let ide: RunningIde;
  let browser: Browser;
  let page: Page;
  let workspaceId: string;
  let token: string;
  /** apply:done messages the page received, read off its websocket. */
  const dones: ApplyDone[] = [];
  const applyFrames: string[] = [];
  let observer: { socket: Socket; docs: Map<string, DocSync> };

  /** The file's text as an independent client of the live document sees it. */
  async function serverText(path: string): Promise<string> {
    let sync = observer.docs.get(path);
    if (!sync) {
      sync = new DocSync(observer.socket, path);
      observer.docs.set(path, sync);
      await eventually(() => sync!.getStatus().phase, (p) => p === 'live');
    }
    return sync.text.toString();
  }

  async function openFile(path: string, text: string) {
    await page.locator(`[data-testid="tree-item"][data-path="${path}"]`).click();
    // This file's editor, not the one it replaces (the files may start alike).
    await page.locator(`[data-testid="editor"][data-active="true"][data-path="${path}"] .cm-content`).filter({ hasText: text.split('\n')[0] }).waitFor();
    await content(page).click();
    await page.keyboard.press('Control+Home');
  }

  async function applySketch(sketch: string) {
    await page.keyboard.press('Control+k');
    await box(page).waitFor();
    await box(page).getByTestId('apply-tab-sketch').click();
    await box(page).getByTestId('apply-sketch').fill(sketch);
    await box(page).getByTestId('apply-apply').click();
  }

  /** Applies a sketch and waits for it to finish: a review with chunks, or "no changes" in the box. */
  async function applyAndReview(sketch: string): Promise<{ done: ApplyDone; reviewed: boolean }> {
    const count = dones.length;
    const frames = applyFrames.length;
    await applySketch(sketch);
    const error = () => applyFrames.slice(frames).find((f) => f.startsWith('42["apply:error"'));
    await eventually(() => dones.length > count || error() !== undefined, (ended) => ended, 180_000);
    assert.equal(error(), undefined, 'the apply failed');
    const done = dones.at(-1)!;
    if (done.output === done.original) {
      await box(page).locator('[data-result="no-changes"], [data-testid="apply-status"]').first().waitFor();
      assert.match(await box(page).getByTestId('apply-status').innerText(), /No changes/);
      assert.equal(await review(page).count(), 0);
      return { done, reviewed: false };
    }
    await editor(page).locator('[data-testid="apply-review"][data-state="ready"]').waitFor();
    const chunks = Number(await review(page).getAttribute('data-chunks'));
    assert.ok(chunks >= 1, `chunks: ${chunks}`);
    assert.ok((await review(page).getByTestId('apply-chunk-accept').count()) >= 1);
    // Changed text is tinted, not underlined: a line along its foot would hide underscores.
    const changed = review(page).locator('.cm-changedText').first();
    if ((await changed.count()) > 0) {
      const style = await changed.evaluate((el) => ({ image: getComputedStyle(el).backgroundImage, colour: getComputedStyle(el).backgroundColor }));
      assert.equal(style.image, 'none');
      assert.notEqual(style.colour, 'rgba(0, 0, 0, 0)');
    }
    return { done, reviewed: true };
  }

  before(async () => {
    ide = await startIde();
    browser = await launchBrowser();
    const res = await fetch(`${ide.url}/api/workspaces`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    const body = (await res.json()) as { id: string; editUrl: string };
    workspaceId = body.id;
    token = body.editUrl.split('/s/')[1];
    for (const [name, text] of [
      ['src/greet.ts', SOURCE],
      ['src/accept.ts', SOURCE],
      ['src/chunk.ts', SOURCE],
      ['src/cancel.ts', CANCEL_SOURCE],
    ]) {
      await fetch(`${ide.url}/api/workspaces/${workspaceId}/files/${name}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: text });
    }
    observer = { socket: await connectClient(ide.url, workspaceId, token), docs: new Map() };
    page = await (await browser.newContext()).newPage();
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        if (typeof payload !== 'string' || !payload.startsWith('42["apply:')) return;
        applyFrames.push(payload);
        if (payload.startsWith('42["apply:done"')) dones.push(JSON.parse(payload.slice(2))[1]);
      }),
    );
    await page.goto(body.editUrl);
  });
  after(async () => {
    for (const sync of observer?.docs.values() ?? []) sync.destroy();
    observer?.socket.close();
    await browser?.close();
    await ide?.stop();
  });

  it('Ctrl+K opens the box; without a chat endpoint it says how to set one up, and an empty sketch is an error', async () => {
    await openFile('src/greet.ts', SOURCE);
    await page.keyboard.press('Control+k');
    await box(page).waitFor();
    const status = box(page).getByTestId('apply-status');
    await status.filter({ hasText: 'LOOKAHEAD_CHAT_BASE_URL' }).waitFor();
    assert.match(await status.innerText(), /LOOKAHEAD_CHAT_MODEL.*paste a sketch/);
    await box(page).getByTestId('apply-tab-instruction').click();
    await box(page).getByTestId('apply-instruction').fill('use a template string');
    await page.keyboard.press('Enter');
    await status.filter({ hasText: 'No chat endpoint configured' }).waitFor();
    assert.equal(await status.getAttribute('data-state'), 'error');
    await box(page).getByTestId('apply-tab-sketch').click();
    await box(page).getByTestId('apply-apply').click();
    await status.filter({ hasText: 'sketch is empty' }).waitFor();
    await page.keyboard.press('Escape');
    await box(page).waitFor({ state: 'detached' });
    assert.equal(await serverText('src/greet.ts'), SOURCE);
  });

  it('a pasted sketch streams into a review; Reject all and Esc leave the file as it was', async () => {
    const first = await applyAndReview(SKETCH);
    if (first.reviewed) {
      assert.equal(first.done.original, SOURCE);
      await review(page).getByTestId('apply-reject-all').click();
      await review(page).waitFor({ state: 'detached' });
      await box(page).waitFor({ state: 'detached' });
      assert.equal(await serverText('src/greet.ts'), SOURCE);

      // Esc in the review is "reject all" too.
      await applyAndReview(SKETCH);
      await page.keyboard.press('Escape');
      await review(page).waitFor({ state: 'detached' });
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await serverText('src/greet.ts'), SOURCE);
    assert.match(await content(page).innerText(), /return 'hello ' \+ name;/);
  });

  it('Accept all makes the file the output apply:done reported, as one undo step', async () => {
    await openFile('src/accept.ts', SOURCE);
    const { done, reviewed } = await applyAndReview(SKETCH);
    if (!reviewed) return;
    await review(page).getByTestId('apply-accept-all').click();
    await review(page).waitFor({ state: 'detached' });
    await content(page).filter({ hasText: done.output.split('\n').find((l, i) => l !== done.original.split('\n')[i])!.trim() }).waitFor();
    await eventually(() => serverText('src/accept.ts'), (text) => text === done.output, 5000);
    // One undo takes the whole accept back.
    await content(page).click();
    await page.keyboard.press('Control+z');
    await eventually(() => serverText('src/accept.ts'), (text) => text === SOURCE, 5000);
    await page.keyboard.press('Control+y'); // redo
    await eventually(() => serverText('src/accept.ts'), (text) => text === done.output, 5000);
  });

  it("a chunk's Accept applies that chunk; a collaborator gets it as an edit", async () => {
    await openFile('src/chunk.ts', SOURCE);
    const { done, reviewed } = await applyAndReview(SKETCH);
    if (!reviewed) return;
    const chunks = Number(await review(page).getAttribute('data-chunks'));
    await review(page).getByTestId('apply-chunk-accept').first().click();
    if (chunks === 1) {
      await review(page).waitFor({ state: 'detached' });
      await eventually(() => serverText('src/chunk.ts'), (text) => text === done.output, 5000);
    } else {
      await editor(page).locator(`[data-testid="apply-review"][data-chunks="${chunks - 1}"]`).waitFor();
      await eventually(() => serverText('src/chunk.ts'), (text) => text !== SOURCE && text !== done.output, 5000);
      await page.keyboard.press('Escape');
    }
  });

  it('Esc while the apply runs cancels it: no apply:done, the file unchanged', async () => {
    await openFile('src/cancel.ts', CANCEL_SOURCE);
    const doneCount = dones.length;
    const frameCount = applyFrames.length;
    await page.keyboard.press('Control+k');
    await box(page).getByTestId('apply-tab-sketch').click();
    await box(page).getByTestId('apply-sketch').fill(CANCEL_SKETCH);
    // Esc once the output streams in: the apply is running on the server, with many passes to go.
    await box(page).getByTestId('apply-apply').click();
    await eventually(() => applyFrames.slice(frameCount).some((f) => f.startsWith('42["apply:partial"')), (seen) => seen, 10_000);
    await page.keyboard.press('Escape');
    await box(page).waitFor({ state: 'detached' });
    assert.equal(await review(page).count(), 0);
    await eventually(() => applyFrames.slice(frameCount).some((f) => f.startsWith('42["apply:error"') && f.includes('"cancelled"')), (seen) => seen, 10_000);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(dones.length, doneCount, 'no apply:done after Esc');
    assert.equal(await serverText('src/cancel.ts'), CANCEL_SOURCE);
  });
});
