// Shared by the e2e tests: build the renderer when its sources are newer than the build, start the
// real `likeness serve` CLI on a data directory, and launch Debian's Chromium through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page, type ViewportSize } from 'playwright-core';
import { ensureUiBuilt } from '../../src/main/cli/uiBuild';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const resultsDir = join(repoRoot, 'test-results', 'e2e');
export const chromiumPath = '/usr/bin/chromium';

/** Builds out/renderer with Vite unless it is newer than every renderer and contract source (the product's own check, shared with `likeness serve`). */
export function ensureRendererBuilt(): Promise<string> {
  return ensureUiBuilt({ quiet: true });
}

export interface ServeProcess {
  url: string;
  origin: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * Runs `likeness serve` (the real CLI) on LIKENESS_HOME=home and waits for the URL it prints.
 * Overnight retraining is off (a test run inside the window would train on its own), and so is
 * the first model unless `extraEnv` turns it on (LIKENESS_FIRST_MODEL=on): most tests drive
 * training from the Training screen themselves.
 */
export async function startServe(home: string, extraEnv: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'likeness.mjs'), 'serve', '--port', '0', '--no-retrain-overnight'], {
    cwd: repoRoot,
    env: { ...process.env, LIKENESS_HOME: home, LIKENESS_FIRST_MODEL: 'off', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /Open (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`likeness serve exited with ${code}:\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    origin: new URL(url).origin,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

export function launchChromium(): Promise<Browser> {
  mkdirSync(resultsDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export const screenshot = (name: string) => join(resultsDir, `${name}.png`);

/**
 * Waits until a JavaScript expression is true in the page. (Playwright's waitForFunction compiles
 * its predicate inside the page, which the app's CSP rightly forbids; evaluate goes through the
 * debugger protocol instead.) Gives up after `timeoutMs`, saying what it waited for.
 */
export async function until(page: Page, expression: string, timeoutMs = 120_000): Promise<void> {
  await eventually(page, () => page.evaluate(expression), Boolean, expression, timeoutMs);
}

/**
 * Reads a value until it passes `ok` (a key press or a click shows on screen a frame or a request
 * later, and a loaded machine makes that later). Gives up after `timeoutMs`, saying what it waited
 * for, the last value read and where the keyboard focus was.
 */
export async function eventually<T>(page: Page, read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) {
      const focus = await page.evaluate('document.activeElement?.outerHTML.slice(0, 200) ?? "none"');
      throw new Error(`timed out waiting for ${what}: last read ${JSON.stringify(value)}; focus on ${String(focus)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A page in Chromium whose script errors and console errors are collected into `problems` (CSP
 * violations and script errors are bugs; failed image loads of absent thumbnails are not).
 */
export async function openPage(browser: Browser, problems: string[], viewport: ViewportSize = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return page;
}

/**
 * Closes whatever a failed test left open over the page (the viewer, a menu, a preview), so that
 * one failure is reported once instead of failing every later test on a covered button.
 */
export async function closeOverlays(page: Page): Promise<void> {
  const overlays = page.locator('[role="dialog"], [role="menu"]');
  for (let attempt = 0; attempt < 3 && (await overlays.count()) > 0; attempt++) {
    await page.keyboard.press('Escape');
    await page.waitForTimeout(100);
  }
  const close = page.getByRole('button', { name: /^Close/ });
  if ((await overlays.count()) > 0 && (await close.count()) > 0) await close.first().click();
}
