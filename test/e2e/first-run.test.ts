// The first minutes of a new user, in Chromium against the real `likeness serve`, through the UI
// only: from an empty data directory, add a folder; right-click → Find similar answers at once
// with quick matches, labelled as such; then, with no click on the Training screen, the first
// model trains by itself (a small budget set for the test: LIKENESS_FIRST_MODEL_MINUTES), becomes
// active, embeds the library, and the open panel's results come from it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { tempDir } from '../helpers/images';
import { ensureRendererBuilt, launchChromium, openPage, screenshot, startServe, type ServeProcess } from './harness';
import { writeFixtureLibrary, type FixtureLibrary } from './library-fixture';

const tmp = tempDir('e2e-first-run');
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let library: FixtureLibrary;
const problems: string[] = [];

before(async () => {
  await ensureRendererBuilt();
  library = await writeFixtureLibrary(join(tmp.path, 'photos'));
  // The product's default is on; the harness turns it off for the other tests.
  serve = await startServe(join(tmp.path, 'home'), { LIKENESS_FIRST_MODEL: 'on', LIKENESS_FIRST_MODEL_MINUTES: '0.25' });
  browser = await launchChromium();
  page = await openPage(browser, problems);
});

after(async () => {
  await browser?.close();
  await serve?.stop();
  tmp.cleanup();
});

test('add a folder, Find similar: quick matches at once, then the first model’s, with no other step', async () => {
  await page.goto(serve.url);
  await page.getByRole('heading', { name: 'Welcome to Likeness' }).waitFor();
  // Every state of the status bar, however briefly each lasts.
  await page.evaluate(`(() => {
    const seen = (window.statusSeen = []);
    const bar = document.querySelector('[role="status"]');
    new MutationObserver(() => seen.push(bar.textContent)).observe(bar, { subtree: true, childList: true, characterData: true });
  })()`);
  await page.getByLabel('Folder with your photos').fill(library.dir);
  await page.getByRole('button', { name: 'Add folder' }).click();

  // As soon as the photo is in the grid: right-click → Find similar.
  const scene = library.scenes[1]!;
  const tile = page.locator('[role="grid"] [data-photo-id]', { has: page.locator(`img[alt="${scene[0]}"]`) });
  await tile.waitFor({ timeout: 120_000 });
  await tile.click({ button: 'right' });
  await page.getByRole('menu').getByRole('menuitem', { name: 'Find similar' }).click();
  const panel = page.getByRole('complementary', { name: 'Similar photos' });
  await panel.waitFor();
  // Every signal the results list shows while the panel stays open, in order.
  await page.evaluate(`(() => {
    const seen = (window.signalsSeen = []);
    const record = () => {
      const list = document.querySelector('[aria-label="Similar photos"] ol.results');
      const signal = list?.getAttribute('data-signal');
      if (signal && seen[seen.length - 1] !== signal) seen.push(signal);
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-signal'] });
  })()`);
  const quick = panel.locator('ol.results[data-signal="pixels"] li[data-photo-id]');
  await quick.first().waitFor({ timeout: 120_000 });
  const note = panel.getByRole('note');
  assert.match(await note.innerText(), /Quick matches.*improve/s);
  await page.screenshot({ path: screenshot('first-run-01-quick-matches') });
  // The pixel signal already puts the photo's own copies first.
  const quickNames = await quick.locator('img').evaluateAll((imgs) => imgs.map((img) => img.getAttribute('alt') ?? ''));
  assert.deepEqual(new Set(quickNames.slice(0, scene.length - 1)), new Set(scene.slice(1)), `copies first: ${quickNames.join(', ')}`);

  // No click on Training: the first model trains, becomes active, embeds, and the open panel follows.
  const statusBar = page.getByRole('status', { name: 'Status' });
  await panel.locator('ol.results[data-signal="learned"] li[data-photo-id]').first().waitFor({ timeout: 900_000 });
  await statusBar.getByText(`${library.photoCount} embedded`).waitFor({ timeout: 300_000 });
  await panel.locator('ol.results[data-signal="learned"] li[data-photo-id]').first().waitFor({ timeout: 120_000 });
  assert.equal(await note.count(), 0, 'no "quick matches" note once the model answers');
  const seen = (await page.evaluate('window.signalsSeen')) as string[];
  assert.deepEqual(seen, ['pixels', 'learned'], 'quick matches first, then the model’s, in the same open panel');
  await page.screenshot({ path: screenshot('first-run-02-learned') });
  // Each step was a job of its own in the status bar.
  const states = ((await page.evaluate('window.statusSeen')) as string[]).join('\n');
  for (const label of ['Indexing', 'first model', 'Embedding', 'Clustering'])
    assert.match(states, new RegExp(label), `${label} shown in the status bar`);

  // The Training screen: model #1 active; overnight retraining on in the library's settings, but
  // not in this process (the harness starts serve with --no-retrain-overnight), and it says so.
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Training', exact: true }).click();
  const training = page.getByRole('region', { name: 'Training' });
  await training.getByText('#1 ·').waitFor();
  await training
    .getByLabel('Overnight retraining')
    .getByText('Overnight retraining is on, but this Likeness will not run it: it was started with --no-retrain-overnight.')
    .waitFor();
  await page.screenshot({ path: screenshot('first-run-03-training') });
  assert.deepEqual(problems, []);
});
