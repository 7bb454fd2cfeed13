// The UI end to end in Debian Chromium against the real `likeness serve`, on a data directory built
// from generated photos: first run, indexing progress, the grid, keyboard navigation and the viewer,
// the photo menu and "Similar photos", clusters, duplicates, training, problems, dark mode.
// Screenshots of each screen go to test-results/e2e/.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { picture, tempDir } from '../helpers/images';
import {
  closeOverlays,
  ensureRendererBuilt,
  eventually,
  launchChromium,
  openPage,
  screenshot,
  startServe,
  until,
  type ServeProcess,
} from './harness';
import { writeFixtureLibrary, type FixtureLibrary } from './library-fixture';

const tmp = tempDir('e2e-browser');
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let library: FixtureLibrary;
const problems: string[] = [];

before(async () => {
  await ensureRendererBuilt();
  library = await writeFixtureLibrary(join(tmp.path, 'photos'));
  serve = await startServe(join(tmp.path, 'home'));
  browser = await launchChromium();
  page = await openPage(browser, problems);
});

// A failed step must not leave the viewer or a menu over the next test's clicks.
afterEach(() => closeOverlays(page));

after(async () => {
  await browser?.close();
  await serve?.stop();
  tmp.cleanup();
});

const tiles = () => page.locator('[role="grid"] [data-photo-id]');
const altsOf = (images: Locator) => images.evaluateAll((imgs) => imgs.map((img) => img.getAttribute('alt') ?? ''));
const statusBar = () => page.getByRole('status', { name: 'Status' });

test('first run: choose a folder, see indexing progress, then the grid', async () => {
  await page.goto(serve.url);
  assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
  await page.getByRole('heading', { name: 'Welcome to Likeness' }).waitFor();
  await page.screenshot({ path: screenshot('01-first-run') });

  // Record every state of the status bar while indexing runs, however briefly each lasts.
  await page.evaluate(`(() => {
    const seen = (window.statusSeen = []);
    const bar = document.querySelector('[role="status"]');
    new MutationObserver(() => seen.push(bar.textContent)).observe(bar, { subtree: true, childList: true, characterData: true });
  })()`);
  await page.getByLabel('Folder with your photos').fill(library.dir);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await statusBar().getByText('Indexing').first().waitFor();
  await page.screenshot({ path: screenshot('02-indexing') });

  await until(page, `document.querySelectorAll('[role="grid"] [data-photo-id]').length === ${library.photoCount}`);
  await statusBar().getByText('Idle').waitFor({ timeout: 120_000 });
  const seen = (await page.evaluate('window.statusSeen')) as string[];
  assert.ok(
    seen.some((s) => /Indexing/.test(s) && /\d+ \/ \d+/.test(s)),
    `progress with counts was shown while indexing: ${seen.slice(0, 5).join(' | ')}`,
  );

  const names = await altsOf(tiles().locator('img'));
  const expected = [...library.scenes.flat(), ...library.singletons].sort();
  assert.deepEqual([...names].sort(), expected);
  // Thumbnails really load (by id, through the server).
  await until(page, `[...document.querySelectorAll('[role="grid"] img')].slice(0, 10).every((i) => i.complete && i.naturalWidth > 0)`);
  await page.screenshot({ path: screenshot('03-library') });
  // The broken file is reported, not hidden.
  await page.getByRole('button', { name: /1 file could not be read/ }).waitFor();
});

test('keyboard: arrows move, Enter opens the viewer, Escape closes it', async () => {
  const first = tiles().first();
  await first.click();
  const focusedIndex = async () => Number(await page.evaluate('document.activeElement?.dataset.index ?? -1'));
  const focusOn = (index: number) => eventually(page, focusedIndex, (i) => i === index, `the focus on photo ${index}`);
  await focusOn(0);
  await page.keyboard.press('ArrowRight');
  await focusOn(1);
  const columns = Number(await page.getByRole('grid').getAttribute('aria-colcount'));
  assert.ok(columns > 1);
  await page.keyboard.press('ArrowDown');
  await focusOn(1 + columns);
  await page.keyboard.press('ArrowLeft');
  await focusOn(columns);
  const name = (await page.evaluate(`document.activeElement?.querySelector('img')?.alt`)) as string;

  await page.keyboard.press('Enter');
  const viewer = page.getByRole('dialog');
  const label = () => viewer.getAttribute('aria-label');
  await eventually(page, label, (l) => l === name, `the viewer on ${name}`);
  // The full-size original, not a thumbnail: the image's own width is the one the caption gives
  // (the fixture's photos are 480 or 400 pixels wide, depending on the variant).
  await until(
    page,
    `(() => {
    const img = document.querySelector('[role="dialog"] img');
    const size = /(\\d+)×\\d+/.exec(document.querySelector('[role="dialog"] .caption')?.textContent ?? '');
    return !!img && !!size && img.complete && img.naturalWidth === Number(size[1]) && img.naturalWidth >= 400;
  })()`,
  );
  await page.screenshot({ path: screenshot('04-viewer') });
  // A modal: its keys stay the viewer's when the focus has fallen to the page or to a tile behind it.
  await page.evaluate('document.activeElement?.blur()');
  await page.keyboard.press('ArrowRight');
  await eventually(page, label, (l) => l !== name, 'the viewer on the next photo');
  await page.evaluate(`document.querySelector('[role="grid"] [data-index="0"]')?.focus()`);
  await page.keyboard.press('ArrowLeft');
  await eventually(page, label, (l) => l === name, 'the viewer back on the photo opened');
  await page.keyboard.press('ArrowRight');
  await eventually(page, label, (l) => l !== name, 'the viewer on the next photo again');
  await page.keyboard.press('Escape');
  await viewer.waitFor({ state: 'detached' });
  await focusOn(columns + 1); // the focus returns to the photo last viewed
});

test('sorting: by name, A to Z then Z to A; by folder', async () => {
  const toolbar = page.getByRole('region', { name: 'Library' });
  await toolbar.getByLabel('Sort').selectOption('name');
  const all = [...library.scenes.flat(), ...library.singletons].sort();
  await until(page, `document.querySelector('[role="grid"] [data-photo-id] img')?.alt === ${JSON.stringify(all[0])}`);
  await toolbar.getByRole('button', { name: 'A to Z' }).click();
  await toolbar.getByRole('button', { name: 'Z to A' }).waitFor();
  const lastFirst = `document.querySelector('[role="grid"] [data-photo-id] img')?.alt === ${JSON.stringify(all[all.length - 1])}`;
  await until(page, lastFirst);
  // Another screen and back: the grid keeps its order.
  const nav = page.getByRole('navigation', { name: 'Screens' });
  await nav.getByRole('button', { name: 'Clusters', exact: true }).click();
  await page.getByRole('region', { name: 'Clusters' }).waitFor();
  await nav.getByRole('button', { name: 'Library', exact: true }).click();
  assert.equal(await toolbar.getByLabel('Sort').inputValue(), 'name');
  await toolbar.getByRole('button', { name: 'Z to A' }).waitFor();
  await until(page, lastFirst);
  await toolbar.getByLabel('Folder').selectOption({ index: 1 });
  await toolbar.getByText(`${library.photoCount} photos`, { exact: true }).waitFor();
  await toolbar.getByLabel('Sort').selectOption('taken');
  await toolbar.getByLabel('Folder').selectOption('all');
  await tiles().first().click();
});

test('the context-menu key opens the photo menu; Escape closes it', async () => {
  const tileBefore = (await page.evaluate('document.activeElement?.dataset.index')) as string;
  assert.ok(tileBefore !== undefined, 'a photo has the focus');
  await page.keyboard.press('ContextMenu');
  const menu = page.getByRole('menu');
  await menu.waitFor();
  assert.ok(await menu.getByRole('menuitem', { name: 'Find similar' }).isVisible());
  // Open and Show in folder exist only in the desktop app.
  assert.equal(await menu.getByRole('menuitem', { name: 'Show in folder' }).count(), 0);
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'detached' });
  await eventually(
    page,
    () => page.evaluate('document.activeElement?.dataset.index'),
    (i) => i === tileBefore,
    'the focus back on the photo',
  );
});

test('Training: train now shows progress with ETA and the loss chart; the new model becomes active', async () => {
  const nav = page.getByRole('navigation', { name: 'Screens' });
  await nav.getByRole('button', { name: 'Training', exact: true }).click();
  const training = page.getByRole('region', { name: 'Training' });
  await training.getByText('No model yet').waitFor();
  await training.getByRole('combobox', { name: 'For' }).selectOption('epochs:5');
  await training.getByRole('button', { name: 'Train now' }).click();
  await training.getByRole('progressbar', { name: 'Training progress' }).waitFor();
  await training.getByText('the first one is training now').waitFor();
  assert.ok(await training.getByRole('button', { name: 'Stop' }).isVisible());
  // The chart appears once a couple of steps have been taken.
  await training.getByRole('img', { name: /Total loss over/ }).waitFor({ timeout: 300_000 });
  await page.screenshot({ path: screenshot('07-training-running') });
  await training.getByText('Version', { exact: true }).waitFor({ timeout: 300_000 });
  // Training is followed by embedding the library with the new model.
  await statusBar().getByText(`${library.photoCount} embedded`).waitFor({ timeout: 300_000 });
  for (const term of ['Total loss', 'Global MI term', 'Local MI term', 'Prior (KL) term']) {
    await training.getByRole('img', { name: new RegExp(`^${term.replace(/[()]/g, '\\$&')} over ([2-9]|\\d{2,}) recorded steps$`) }).waitFor();
  }
  assert.equal(await training.locator('svg path.line.loss').count(), 1);
  assert.match((await training.locator('svg path.line.loss').getAttribute('d')) ?? '', /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/);
  assert.ok(await training.getByRole('cell', { name: 'active' }).isVisible());
  await page.screenshot({ path: screenshot('08-training-done') });
  await nav.getByRole('button', { name: 'Library', exact: true }).click();
  await tiles().first().waitFor();
});

test('right-click → Find similar shows the "Similar photos" panel', async () => {
  const scene = library.scenes[2];
  const tile = page.locator('[role="grid"] [data-photo-id]', { has: page.locator(`img[alt="${scene[0]}"]`) });
  await tile.click({ button: 'right' });
  const menu = page.getByRole('menu');
  await menu.waitFor();
  await page.screenshot({ path: screenshot('05-context-menu') });
  await menu.getByRole('menuitem', { name: 'Find similar' }).click();
  const panel = page.getByRole('complementary', { name: 'Similar photos' });
  await panel.waitFor();
  await panel.locator('li[data-photo-id], [role="alert"]').first().waitFor();
  // The panel narrows the grid (fewer columns, tiles reused by position): the focus follows the photo.
  await until(page, `document.activeElement?.querySelector('img')?.alt === ${JSON.stringify(scene[0])}`, 10_000);
  await page.screenshot({ path: screenshot('09-similar') });
  const results = panel.locator('li[data-photo-id]');
  assert.ok((await results.count()) > 0, `results shown (${await panel.innerText()})`);
  const found = await altsOf(results.locator('img'));
  const scores = await results.evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-score'))));
  const copies = await results.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-copy') === 'true'));
  // The photo's own copies first, marked "copy"; then the rest. Each part best first.
  const copyCount = copies.filter(Boolean).length;
  assert.ok(copyCount > 0 && copies.slice(0, copyCount).every(Boolean), `copies first: ${copies.join(', ')}`);
  assert.ok(
    found.slice(0, copyCount).every((name) => scene.includes(name)),
    `only the scene's own variants are copies: ${found.slice(0, copyCount).join(', ')}`,
  );
  assert.equal(await results.first().getByText('copy', { exact: true }).count(), 1, 'a copy says so');
  for (const part of [scores.slice(0, copyCount), scores.slice(copyCount)])
    assert.deepEqual(
      [...part].sort((a, b) => b - a),
      part,
      'best first',
    );
  assert.deepEqual(new Set(found.slice(0, scene.length - 1)), new Set(scene.slice(1)), `near-duplicates first: ${found.join(', ')}`);
  // Save sheet: the query and its first 9 results as one PNG, downloaded.
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Save sheet' }).click()]);
  assert.equal(download.suggestedFilename(), `similar-to-${scene[0].replace(/\.[^.]+$/, '')}.png`);
  const sheetFile = join(tmp.path, 'sheet.png');
  await download.saveAs(sheetFile);
  copyFileSync(sheetFile, screenshot('09b-similar-sheet'));
  const sheet = await sharp(sheetFile).metadata();
  assert.equal(sheet.format, 'png');
  // One row: the query and 9 square tiles (160 px, a caption under each) is about 8 times as wide as high.
  assert.ok(sheet.width! > 7.5 * sheet.height!, `one row of ten tiles: ${sheet.width}×${sheet.height}`);
  // Clicking a result makes it the query.
  await results.first().getByRole('button').click();
  await panel.getByText(`Like ${found[0]}`).waitFor();
  await panel.locator('li[data-photo-id]').first().waitFor();
  await page.screenshot({ path: screenshot('10-similar-requery') });
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
});

test('adding another folder with a model: indexing, then embedding, then regrouping, all in the status bar', async () => {
  const more = join(tmp.path, 'more');
  // Two of the four in a subfolder, for the folder filter.
  mkdirSync(join(more, 'trip'), { recursive: true });
  for (let i = 0; i < 4; i++)
    await picture(9000 + i, 400, 300)
      .jpeg()
      .toFile(join(more, i < 2 ? 'trip' : '', `more${i}.jpg`));
  await page.evaluate(`(() => {
    const seen = (window.statusSeen = []);
    const bar = document.querySelector('[role="status"]');
    new MutationObserver(() => seen.push(bar.textContent)).observe(bar, { subtree: true, childList: true, characterData: true });
  })()`);
  await page.getByLabel('Add folder').fill(more);
  await page.getByRole('button', { name: 'Add folder' }).click();
  const total = library.photoCount + 4;
  await page.getByRole('region', { name: 'Library' }).getByText(`${total} photos`, { exact: true }).waitFor({ timeout: 120_000 });
  await statusBar().getByText(`${total} embedded`).waitFor({ timeout: 120_000 });
  await statusBar().getByText('Idle').waitFor({ timeout: 120_000 });
  const seen = ((await page.evaluate('window.statusSeen')) as string[]).join('\n');
  for (const label of ['Indexing', 'Embedding', 'Clustering']) assert.match(seen, new RegExp(label), `${label} shown in the status bar`);
  assert.equal(await page.getByRole('region', { name: 'Folders' }).getByRole('listitem').count(), 2);

  // The folder filter, now that there are two folders: each shows its own photos only.
  const toolbar = page.getByRole('region', { name: 'Library' });
  const shownNames = () =>
    page.evaluate(`[...document.querySelectorAll('[role="grid"] [data-photo-id] img')].map((img) => img.alt)`) as Promise<string[]>;
  await toolbar.getByLabel('Folder').selectOption({ label: `${more} (4)` });
  await toolbar.getByText('4 photos', { exact: true }).waitFor();
  await until(page, `[...document.querySelectorAll('[role="grid"] [data-photo-id] img')].every((img) => img.alt.startsWith('more'))`);
  assert.deepEqual((await shownNames()).sort(), ['more0.jpg', 'more1.jpg', 'more2.jpg', 'more3.jpg']);
  // A subfolder, listed under its library folder with its count.
  const trip = toolbar.getByLabel('Folder').locator(`option[value="dir:${join(more, 'trip')}"]`);
  assert.equal((await trip.innerText()).trim(), 'trip (2)');
  await toolbar.getByLabel('Folder').selectOption({ value: `dir:${join(more, 'trip')}` });
  await toolbar.getByText('2 photos', { exact: true }).waitFor();
  await until(page, `document.querySelectorAll('[role="grid"] [data-photo-id] img').length === 2`);
  assert.deepEqual((await shownNames()).sort(), ['more0.jpg', 'more1.jpg']);
  await toolbar.getByLabel('Folder').selectOption({ label: `${library.dir} (${library.photoCount})` });
  await toolbar.getByText(`${library.photoCount} photos`, { exact: true }).waitFor();
  await until(page, `![...document.querySelectorAll('[role="grid"] [data-photo-id] img')].some((img) => img.alt.startsWith('more'))`);
  await toolbar.getByLabel('Folder').selectOption('all');
  await toolbar.getByText(`${total} photos`, { exact: true }).waitFor();
});

test('clusters, duplicates, training and problems screens', async () => {
  const nav = page.getByRole('navigation', { name: 'Screens' });
  await nav.getByRole('button', { name: 'Clusters', exact: true }).click();
  const clusters = page.getByRole('region', { name: 'Clusters' });
  await until(
    page,
    `!!document.querySelector('[aria-label="Clusters"] .card, [aria-label="Clusters"] [role="alert"]') || /No clusters/.test(document.body.innerText)`,
  );
  assert.equal(await clusters.getByRole('alert').count(), 0, await clusters.innerText());
  await page.screenshot({ path: screenshot('11-clusters') });
  if ((await clusters.locator('.card').count()) > 0) {
    const card = clusters.locator('.card').first();
    const size = Number((await card.locator('.size').innerText()).split(' ')[0]);
    await card.getByRole('textbox').fill('Holiday');
    await card.getByRole('textbox').press('Enter');
    await card.getByRole('button', { name: /Open/ }).click();
    await page.getByRole('heading', { name: 'Holiday' }).waitFor();
    assert.equal(await tiles().count(), size);
    await page.screenshot({ path: screenshot('12-cluster-open') });
    await page.getByRole('button', { name: '← Back' }).click();
  }

  await nav.getByRole('button', { name: 'Duplicates', exact: true }).click();
  const duplicates = page.getByRole('region', { name: 'Duplicates' });
  await until(page, `!!document.querySelector('[aria-label="Duplicates"] li') || /No near-duplicates/.test(document.body.innerText)`);
  await page.screenshot({ path: screenshot('13-duplicates') });
  // Every group shown marks exactly one copy to keep. (Whether this small library yields groups at
  // all is the near-duplicate rule's business, tested in the search module; here: the screen.)
  const groups = duplicates.locator('li.group');
  for (let i = 0; i < (await groups.count()); i++) assert.equal(await groups.nth(i).getByText('Keep', { exact: true }).count(), 1);
  if ((await groups.count()) === 0) assert.ok(await duplicates.getByText('No near-duplicates found.').isVisible());

  await nav.getByRole('button', { name: 'Training', exact: true }).click();
  await page.getByRole('region', { name: 'Training' }).getByRole('heading', { name: 'Model history' }).waitFor();
  await page.screenshot({ path: screenshot('14-training') });

  await nav.getByRole('button', { name: /Problems/ }).click();
  const row = page.getByRole('row', { name: new RegExp(library.broken) });
  await row.waitFor();
  await page.screenshot({ path: screenshot('15-problems') });
});

test('dark mode follows the OS preference', async () => {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Library', exact: true }).click();
  const background = `getComputedStyle(document.body).backgroundColor`;
  const light = await page.evaluate(background);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await page.evaluate(background);
  assert.notEqual(light, dark);
  await tiles().first().waitFor();
  await page.screenshot({ path: screenshot('16-library-dark') });
  await page.emulateMedia({ colorScheme: 'light' });
});

test('removing the folder forgets its photos (and leaves the files alone)', async () => {
  const folders = page.getByRole('region', { name: 'Folders' });
  await folders.getByRole('listitem').first().waitFor();
  page.once('dialog', (dialog) => void dialog.accept());
  await folders.getByRole('button', { name: `Remove ${library.dir} from the library` }).click();
  await page.getByRole('region', { name: 'Library' }).getByText('4 photos', { exact: true }).waitFor();
  await until(page, `document.querySelectorAll('[aria-label="Folders"] li').length === 1`);
  assert.ok(existsSync(join(library.dir, library.singletons[0])));
});

test('no CSP violations or script errors on any screen', () => {
  assert.deepEqual(problems, []);
});
