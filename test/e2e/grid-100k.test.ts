// The library grid with 100,000 photos: only the rows in view exist in the DOM, the End key reaches
// the last photo, and scrolling through the whole library keeps the page responsive. The library is
// written straight into SQLite through the store (no image files: thumbnails answer 404, which
// the grid tolerates). Frame and request timings are printed, not asserted (no wall-clock bounds).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { closeCore, openCore } from '../../src/main/core';
import { insertFolder, insertPhoto } from '../../src/main/store/library';
import { tempDir } from '../helpers/images';
import { barePhoto } from '../helpers/library';
import { ensureRendererBuilt, launchChromium, openPage, screenshot, startServe, until, type ServeProcess } from './harness';

const COUNT = 100_000;
const tmp = tempDir('e2e-100k');
let serve: ServeProcess;
let browser: Browser;
let page: Page;
const problems: string[] = [];

before(async () => {
  await ensureRendererBuilt();
  const core = openCore(join(tmp.path, 'home'));
  const started = performance.now();
  const folder = insertFolder(core.db, join(tmp.path, 'photos'), '/');
  core.db.transaction(() => {
    for (let i = 0; i < COUNT; i++) {
      const day = new Date(Date.UTC(2000, 0, 1) + i * 3_600_000).toISOString().slice(0, 19);
      insertPhoto(core.db, barePhoto(i.toString(16).padStart(64, '0'), { width: 4000, height: 3000, takenAt: day }), {
        path: join(tmp.path, 'photos', `img${String(i).padStart(6, '0')}.jpg`),
        folderId: folder.id,
        bytes: 1000,
        mtimeMs: 0,
      });
    }
  })();
  console.log(`# wrote ${COUNT} photos in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  closeCore(core);
  serve = await startServe(join(tmp.path, 'home'));
  browser = await launchChromium();
  page = await openPage(browser, problems);
});

after(async () => {
  await browser?.close();
  await serve?.stop();
  tmp.cleanup();
});

test('100k photos: a handful of rows in the DOM, End reaches the last photo, scrolling stays smooth', async () => {
  const loadStart = performance.now();
  await page.goto(serve.url);
  await page
    .getByRole('region', { name: 'Library' })
    .getByText(`${COUNT.toLocaleString('en-US')} photos`, { exact: true })
    .waitFor();
  await page.locator('[role="grid"] [data-photo-id]').first().waitFor();
  console.log(`# first tiles after ${(performance.now() - loadStart).toFixed(0)} ms`);
  const tileCount = () => page.locator('[role="grid"] [role="gridcell"]').count();
  const inDom = await tileCount();
  console.log(`# ${inDom} tiles in the DOM for ${COUNT} photos`);
  assert.ok(inDom > 0 && inDom < 300, `only visible rows are rendered (${inDom} tiles)`);
  // Newest first: the first tile is the last photo written.
  assert.equal(await page.locator('[role="grid"] [data-photo-id] img').first().getAttribute('alt'), `img${String(COUNT - 1).padStart(6, '0')}.jpg`);

  // Scroll the whole library in 80 steps, one per animation frame, and time the frames.
  const frames = (await page.evaluate(`new Promise((resolve) => {
    const scroller = document.querySelector('[role="grid"]');
    const steps = 80;
    const times = [];
    let last = performance.now();
    let i = 0;
    const tick = () => {
      const now = performance.now();
      times.push(now - last);
      last = now;
      if (i++ >= steps) return resolve(times.slice(1));
      scroller.scrollTop = (scroller.scrollHeight - scroller.clientHeight) * (i / steps);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })`)) as number[];
  const sorted = [...frames].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1);
  console.log(`# scroll frames (ms): median ${pct(0.5)}, p90 ${pct(0.9)}, max ${pct(1)} over ${frames.length} jumps across ${COUNT} photos`);
  assert.ok((await tileCount()) < 300, 'still only visible rows after scrolling');

  // Keyboard: End goes to the very last photo (the oldest) and loads its page.
  await page.locator('[role="grid"] [data-photo-id]').first().click();
  const endStart = performance.now();
  await page.keyboard.press('End');
  await until(page, `document.activeElement?.querySelector('img')?.alt === 'img000000.jpg'`);
  console.log(`# End → last photo focused after ${(performance.now() - endStart).toFixed(0)} ms`);
  await page.screenshot({ path: screenshot('20-grid-100k-end') });
  assert.ok((await tileCount()) < 300);
  assert.deepEqual(problems, [], 'no script errors or CSP violations');
});
