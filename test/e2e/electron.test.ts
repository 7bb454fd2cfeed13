// The desktop app end to end through Playwright's Electron support. It needs the Electron binary and
// better-sqlite3 built for Electron (`npm start` fetches/builds both once, with internet access);
// where they are missing — as on the offline build machine — the test is skipped and says why.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { _electron as electron } from 'playwright-core';
import { tempDir } from '../helpers/images';
import { repoRoot, screenshot, until } from './harness';
import { writeFixtureLibrary } from './library-fixture';

const require = createRequire(join(repoRoot, 'package.json'));
const electronDir = dirname(require.resolve('electron/package.json'));
const electronVersion: string = require('electron/package.json').version;

function electronBinary(): string | null {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(binary) ? binary : null;
}

function electronSqlite(): string | null {
  const dir = join(repoRoot, '.likeness-dev', 'electron');
  if (!existsSync(dir)) return null;
  const build = readdirSync(dir).find((name) => name.includes(`-electron-${electronVersion}-${process.platform}-${process.arch}`));
  const file = build && join(dir, build, 'better_sqlite3.node');
  return file && existsSync(file) ? file : null;
}

const binary = electronBinary();
const sqlite = electronSqlite();
const skip = !binary
  ? `the Electron ${electronVersion} binary is not installed (node_modules/electron/dist): it is downloaded from GitHub by \`npm start\`, which needs internet access`
  : !sqlite
    ? `better-sqlite3 has not been built for Electron ${electronVersion} yet: run \`npm start\` once (it builds it into .likeness-dev/electron)`
    : false;

test('the desktop app: hardened window, IPC bridge, likeness:// media by id, photo menu', { skip }, async () => {
  const build = spawnSync(
    process.execPath,
    [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  assert.equal(build.status, 0, build.stderr);
  const tmp = tempDir('e2e-electron');
  const library = await writeFixtureLibrary(join(tmp.path, 'photos'), 2, 2, 4);
  const app = await electron.launch({
    executablePath: binary!,
    args: [repoRoot],
    env: { ...process.env, LIKENESS_HOME: join(tmp.path, 'home'), LIKENESS_ELECTRON_SQLITE: sqlite! } as Record<string, string>,
  });
  try {
    const page = await app.firstWindow();
    await page.getByRole('heading', { name: 'Welcome to Likeness' }).waitFor();

    // getLastWebPreferences is not in Electron's typings but exists at run time.
    type Prefs = { contextIsolation?: boolean; sandbox?: boolean; nodeIntegration?: boolean };
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences?: () => Prefs };
      return contents.getLastWebPreferences?.() ?? null;
    });
    if (prefs) {
      assert.equal(prefs.contextIsolation, true);
      assert.equal(prefs.sandbox, true);
      assert.equal(prefs.nodeIntegration, false);
    }

    // The page sees the bridge and nothing of Node or Electron.
    assert.equal(await page.evaluate('typeof require'), 'undefined');
    assert.equal(await page.evaluate('typeof process'), 'undefined');
    assert.deepEqual(await page.evaluate('Object.keys(window.likeness).sort()'), ['chooseFolder', 'invoke', 'onEvent', 'openPhoto', 'showInFolder']);

    // Malformed requests over IPC come back as ApiErrors.
    const bad = (await page.evaluate(`window.likeness.invoke('getPhoto', { id: -1 }).then(() => 'ok', (e) => e.message)`)) as string;
    assert.match(bad, /invalid-request/);

    // Add the folder through the real IPC path (the native dialog cannot be driven from a test).
    await page.evaluate(`window.likeness.invoke('addFolder', { path: ${JSON.stringify(library.dir)} })`);
    await until(page, `document.querySelectorAll('[role="grid"] [data-photo-id]').length === ${library.photoCount}`);
    await until(page, `[...document.querySelectorAll('[role="grid"] img')].every((i) => i.complete && i.naturalWidth > 0)`);
    assert.match((await page.locator('[role="grid"] img').first().getAttribute('src'))!, /^likeness:\/\/thumb\/\d+$/);

    // The protocol serves by id only: unknown ids and paths do not load.
    for (const url of ['likeness://thumb/999999', 'likeness://photo/999999', 'likeness://thumb/../../etc/passwd', 'likeness://file/etc/passwd']) {
      const loaded = await page.evaluate(
        `new Promise((resolve) => { const i = new Image(); i.onload = () => resolve(true); i.onerror = () => resolve(false); i.src = ${JSON.stringify(url)}; })`,
      );
      assert.equal(loaded, false, url);
    }

    // Navigation and new windows are blocked.
    const before = page.url();
    await page.evaluate(`window.location.href = 'https://example.com/'`);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(page.url(), before);
    assert.equal(await page.evaluate(`window.open('https://example.com/') === null`), true);
    assert.equal(app.windows().length, 1);

    // The photo menu has the desktop actions.
    await page.locator('[role="grid"] [data-photo-id]').first().click({ button: 'right' });
    const menu = page.getByRole('menu');
    for (const item of ['Find similar', 'Open', 'Show in folder']) assert.ok(await menu.getByRole('menuitem', { name: item }).isVisible(), item);
    await page.screenshot({ path: screenshot('electron-library') });
    await page.keyboard.press('Escape');
  } finally {
    await app.close();
    tmp.cleanup();
  }
});
