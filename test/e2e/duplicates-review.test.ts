// The Duplicates screen's keyboard review in Debian Chromium against the real `likeness serve`,
// with the freedesktop trash in a temporary XDG_DATA_HOME: arrows move between groups and change
// the keeper, N marks "not duplicates" (remembered after a reload), Space selects groups, Enter
// previews exactly which files go, "Move to trash" moves them, Undo puts them back.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { closeCore, openCore } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { sceneJpeg } from '../../src/main/eval/scenes';
import { tempDir } from '../helpers/images';
import { ensureRendererBuilt, eventually, launchChromium, openPage, screenshot, startServe, until, type ServeProcess } from './harness';

const tmp = tempDir('e2e-duplicates');
const photos = join(tmp.path, 'photos');
const xdg = join(tmp.path, 'xdg');
let serve: ServeProcess;
let browser: Browser;
let page: Page;
const problems: string[] = [];

before(async () => {
  await ensureRendererBuilt();
  mkdirSync(photos, { recursive: true });
  for (let seed = 1; seed <= 4; seed++) {
    const original = await sceneJpeg(seed * 23, 640, 427);
    writeFileSync(join(photos, `scene${seed}.jpg`), original);
    await sharp(original)
      .resize(320)
      .jpeg({ quality: 80 })
      .toFile(join(photos, `scene${seed}-small.jpg`));
  }
  const home = join(tmp.path, 'home');
  const core = openCore(home);
  await indexFolders(core, [photos]);
  closeCore(core);
  mkdirSync(xdg, { recursive: true });
  serve = await startServe(home, { XDG_DATA_HOME: xdg });
  browser = await launchChromium();
  page = await openPage(browser, problems);
});

after(async () => {
  await browser?.close();
  await serve?.stop();
  tmp.cleanup();
});

const currentGroup = () => page.evaluate(`document.querySelector('li.group.current')?.dataset.groupId ?? null`) as Promise<string | null>;
const currentKeeper = () =>
  page.evaluate(`document.querySelector('li.group.current figure.keeper')?.dataset.photoId ?? null`) as Promise<string | null>;
const groupCount = () => page.locator('li.group').count();
const trashed = () => (existsSync(join(xdg, 'Trash', 'files')) ? readdirSync(join(xdg, 'Trash', 'files')).length : 0);

test('keyboard review: move, change keeper, not duplicates, select, preview, apply, undo', async () => {
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Duplicates', exact: true }).click();
  await until(page, `document.querySelectorAll('li.group').length === 4`);
  await page.getByRole('tab', { name: /Copies \(4\)/ }).waitFor();
  await page.screenshot({ path: screenshot('20-duplicates-review') });

  const list = page.getByRole('listbox');
  await list.focus();
  const first = await currentGroup();
  await page.keyboard.press('ArrowDown');
  await eventually(page, currentGroup, (g) => g !== first, 'ArrowDown to move to the next group');
  await page.keyboard.press('ArrowUp');
  await eventually(page, currentGroup, (g) => g === first, 'ArrowUp to move back');

  const keeper = await currentKeeper();
  await page.keyboard.press('ArrowRight');
  await eventually(page, currentKeeper, (k) => k !== keeper, 'ArrowRight to change the keeper');
  await page.keyboard.press('ArrowLeft');
  await eventually(page, currentKeeper, (k) => k === keeper, 'ArrowLeft to change it back');

  // N: not duplicates; the group goes and stays gone after a reload.
  await page.keyboard.press('n');
  await until(page, `document.querySelectorAll('li.group').length === 3`);
  assert.ok(!(await page.locator(`li.group[data-group-id="${first}"]`).count()));

  // Space selects the group in focus and the next; Enter previews both.
  await list.focus();
  await page.keyboard.press(' ');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight'); // keep the small copy of this one
  const chosenKeeper = (await page.evaluate(`document.querySelector('li.group.current figure.keeper img').alt`)) as string;
  await page.keyboard.press(' ');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Confirm moving files to the trash' });
  await dialog.waitFor();
  await page.screenshot({ path: screenshot('21-duplicates-preview') });
  assert.match(await dialog.getByRole('heading').innerText(), /Move 2 files to the system trash/);
  assert.equal(await dialog.locator('li.trash').count(), 2);
  assert.equal(await dialog.locator('li.keep').count(), 2);
  assert.equal(trashed(), 0, 'nothing moves before confirming');
  const before = readdirSync(photos).length;

  await dialog.getByRole('button', { name: 'Move to trash' }).click();
  await page.getByRole('status').filter({ hasText: 'Moved 2 files to the trash' }).waitFor();
  assert.equal(trashed(), 2);
  assert.equal(readdirSync(photos).length, before - 2);
  assert.ok(existsSync(join(photos, chosenKeeper)), `the chosen keeper ${chosenKeeper} stays`);
  await page.screenshot({ path: screenshot('22-duplicates-applied') });

  await page.getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('status').filter({ hasText: 'Restored 2 files from the trash' }).waitFor();
  assert.equal(readdirSync(photos).length, before);
  assert.equal(trashed(), 0);

  await page.reload();
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Duplicates', exact: true }).click();
  await until(page, `document.querySelectorAll('li.group').length > 0`);
  await until(page, `!document.querySelector('li.group[data-group-id="${first}"]') && document.querySelectorAll('li.group').length === 3`, 120_000);
  assert.equal(await groupCount(), 3, '"not duplicates" is remembered');
  assert.deepEqual(problems, []);
});
