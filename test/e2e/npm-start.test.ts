// `npm start` where the Electron binary cannot be had (here: ELECTRON_SKIP_BINARY_DOWNLOAD, as on
// a machine with no access to GitHub): it says why, carries on into `likeness serve`, prints an
// address, skips opening a browser in CI (saying so), and the address serves the real UI, which
// Chromium shows. Ctrl-C stops it. Where the binary is installed, npm start opens the desktop app
// instead, and this test is skipped.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '../helpers/images';
import { launchChromium, repoRoot, screenshot } from './harness';

const tmp = tempDir('e2e-npm-start');
after(() => tmp.cleanup());

const electronDir = join(repoRoot, 'node_modules', 'electron');
const pathFile = join(electronDir, 'path.txt');
const electronInstalled = existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8')));

test(
  'npm start with no Electron binary: the printed address serves the real UI',
  { skip: electronInstalled && 'the Electron binary is installed here: npm start opens the desktop app' },
  async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
      cwd: repoRoot,
      env: { ...process.env, LIKENESS_HOME: join(tmp.path, 'home'), ELECTRON_SKIP_BINARY_DOWNLOAD: '1', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const check = () => {
          const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(output);
          if (match && /Press Ctrl-C to stop/.test(output)) resolve(match[1]!);
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
        void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
      });
      assert.match(output, /cannot open the Likeness desktop app/);
      assert.match(output, /Electron .* binary is not installed/);
      assert.match(output, /Opening the same UI in your browser instead/);
      assert.match(output, /Not opening a browser: running in CI/);

      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(url);
        await page.getByRole('heading', { name: 'Welcome to Likeness' }).waitFor();
        await page.screenshot({ path: screenshot('npm-start-browser-ui') });
      } finally {
        await browser.close();
      }
    } finally {
      // Ctrl-C: start.mjs passes it on to serve, which stops cleanly; both leave.
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, output);
  },
);
