// A RAW+JPEG stack and a RAW on its own in Debian Chromium against the real `likeness serve`: the
// grid shows the stack once, by its JPEG; the viewer lists both files of the shot; a RAW is shown
// through its embedded preview.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { runLikeness } from '../helpers/cli';
import { picture, tempDir } from '../helpers/images';
import { writeCr3, writeDng, type RawShot } from '../helpers/raw';
import { ensureRendererBuilt, launchChromium, openPage, screenshot, startServe, until, type ServeProcess } from './harness';

const tmp = tempDir('e2e-raw');
const photos = join(tmp.path, 'photos');
const home = join(tmp.path, 'home');
let serve: ServeProcess;
let browser: Browser;
let page: Page;
const problems: string[] = [];

before(async () => {
  await ensureRendererBuilt();
  mkdirSync(photos, { recursive: true });
  const shot: RawShot = { make: 'Canon', model: 'EOS R5', taken: '2024:05:06 10:00:00', orientation: 1 };
  const jpeg = await picture(21, 480, 320)
    .withExif({ IFD0: { Make: 'Canon', Model: 'EOS R5' }, IFD2: { DateTimeOriginal: shot.taken } })
    .jpeg()
    .toBuffer();
  writeFileSync(join(photos, 'IMG_0001.JPG'), jpeg);
  writeFileSync(join(photos, 'IMG_0001.DNG'), writeDng(shot, await picture(21, 480, 320).jpeg({ quality: 80 }).toBuffer()));
  const preview = await sharp(await picture(22, 480, 320).png().toBuffer())
    .jpeg()
    .toBuffer();
  writeFileSync(
    join(photos, 'IMG_0002.CR3'),
    writeCr3({ ...shot, taken: '2024:05:06 11:00:00', orientation: 6 }, preview, preview, { width: 480, height: 320 }),
  );
  const indexed = await runLikeness(home, 'index', photos).exited;
  assert.equal(indexed.code, 0, indexed.err);
  serve = await startServe(home);
  browser = await launchChromium();
  page = await openPage(browser, problems);
});

after(async () => {
  await browser?.close();
  await serve?.stop();
  tmp.cleanup();
});

test('the grid shows a RAW+JPEG stack once; the viewer lists both files; a RAW is shown by its preview', async () => {
  await page.goto(serve.url);
  const tiles = page.locator('[role="grid"] [data-photo-id]');
  await until(page, `document.querySelectorAll('[role="grid"] [data-photo-id]').length === 2`);
  const names = await tiles.locator('img').evaluateAll((imgs) => imgs.map((img) => img.getAttribute('alt')));
  assert.deepEqual([...names].sort(), ['IMG_0001.JPG', 'IMG_0002.CR3']);

  await tiles.filter({ has: page.locator('img[alt="IMG_0001.JPG"]') }).click();
  await page.keyboard.press('Enter');
  const files = page.getByRole('list', { name: 'Files of this shot' });
  await files.waitFor();
  const listed = await files.getByRole('listitem').allInnerTexts();
  assert.equal(listed.length, 2);
  assert.match(listed[0], /^JPEG .*IMG_0001\.JPG$/);
  assert.match(listed[1], /^DNG .*IMG_0001\.DNG$/);
  await page.screenshot({ path: screenshot('raw-stack-viewer') });
  await page.keyboard.press('Escape');

  await tiles.filter({ has: page.locator('img[alt="IMG_0002.CR3"]') }).click();
  await page.keyboard.press('Enter');
  // Orientation 6 from the CR3 turns its 480×320 preview upright: 320 wide, 480 high.
  await until(
    page,
    `(() => {
    const img = document.querySelector('[role="dialog"] img');
    return !!img && img.complete && img.naturalWidth === 320 && img.naturalHeight === 480;
  })()`,
  );
  await page.keyboard.press('Escape');
  assert.deepEqual(problems, [], 'no script errors or CSP violations');
});
