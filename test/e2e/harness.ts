// Shared by the e2e tests: build the renderer when its sources are newer than the build, start the
// real `likeness serve` CLI on a data directory, and launch Debian's Chromium through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
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
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
