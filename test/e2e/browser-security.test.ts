// The renderer's attack surface in a real browser (Debian Chromium) against the real `likeness
// serve`: the page has no Node (require, process…), the Content-Security-Policy blocks an injected
// inline script, inline handlers, eval and every kind of remote content (checked by a second local
// server, a different origin, that must receive no request), and serve listens on loopback only.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { tempDir } from '../helpers/images';
import { ensureRendererBuilt, launchChromium, startServe, until, type ServeProcess } from './harness';

const tmp = tempDir('e2e-security');
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let remote: Server;
let remoteOrigin: string;
const remoteHits: string[] = [];

before(async () => {
  await ensureRendererBuilt();
  serve = await startServe(join(tmp.path, 'home'));
  remote = createServer((req, res) => {
    remoteHits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/plain' });
    res.end('window.__remote = 1');
  });
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
  remoteOrigin = `http://127.0.0.1:${(remote.address() as { port: number }).port}`;
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(serve.url);
  await page.getByRole('heading', { name: 'Welcome to Likeness' }).waitFor();
});

after(async () => {
  await browser?.close();
  await serve?.stop();
  await new Promise((resolve) => remote?.close(resolve));
  tmp.cleanup();
});

test('likeness serve listens on 127.0.0.1 only', async () => {
  const { hostname, port } = new URL(serve.url);
  assert.equal(hostname, '127.0.0.1');
  const others = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal && a.family === 'IPv4')
    .map((a) => a!.address);
  if (others.length === 0) console.log('# no non-loopback interface here: only the printed address is checked');
  for (const address of others) {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), address);
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    assert.equal(outcome, 'ECONNREFUSED', `${address}:${port}`);
  }
});

test('the renderer page cannot reach require, process or any Node global', async () => {
  const kinds = await page.evaluate(`({
    require: typeof require, process: typeof process, module: typeof module, Buffer: typeof Buffer,
    global: typeof global, __dirname: typeof __dirname, electron: typeof window.electron,
  })`);
  assert.deepEqual(kinds, {
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    Buffer: 'undefined',
    global: 'undefined',
    __dirname: 'undefined',
    electron: 'undefined',
  });
});

test('the CSP blocks an injected inline script, inline handlers, eval and remote content', async () => {
  await page.evaluate(
    `(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));
    const inline = document.createElement('script');
    inline.textContent = 'window.__inline = 1';
    document.body.append(inline);
    const handler = document.createElement('img');
    handler.setAttribute('onerror', 'window.__handler = 1');
    handler.src = 'data:,not-an-image';
    document.body.append(handler);
    // Code evaluated through the debugger protocol may eval (CDP allows it); a string timer is
    // compiled later, by the page itself, under its CSP.
    setTimeout('window.__evalTimer = 1', 0);
    const remote = ${JSON.stringify('REMOTE')};
    const script = document.createElement('script');
    script.src = remote + '/script.js';
    document.body.append(script);
    const img = document.createElement('img');
    img.src = remote + '/image.png';
    document.body.append(img);
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = remote + '/style.css';
    document.head.append(style);
    const frame = document.createElement('iframe');
    frame.src = remote + '/frame.html';
    document.body.append(frame);
    fetch(remote + '/fetch').then(() => (window.__fetched = 1), () => (window.__fetchRefused = 1));
    try { new WebSocket(remote.replace('http', 'ws') + '/socket'); } catch (error) { window.__socketError = error.name; }
  })()`.replaceAll('"REMOTE"', JSON.stringify(remoteOrigin)),
  );
  await until(page, `window.__violations.length >= 7 && window.__fetchRefused === 1`, 20_000);
  const state = (await page.evaluate(`({
    inline: window.__inline, handler: window.__handler, evalTimer: window.__evalTimer, remote: window.__remote, fetched: window.__fetched,
    violations: [...new Set(window.__violations)].sort(),
  })`)) as Record<string, unknown>;
  assert.equal(state.inline, undefined, 'inline script did not run');
  assert.equal(state.handler, undefined, 'inline handler did not run');
  assert.equal(state.evalTimer, undefined, 'a string timer (eval) did not run');
  assert.equal(state.remote, undefined, 'remote script did not run');
  assert.equal(state.fetched, undefined, 'remote fetch refused');
  for (const directive of ['connect-src', 'frame-src', 'img-src', 'script-src', 'script-src-attr', 'script-src-elem', 'style-src-elem']) {
    assert.ok((state.violations as string[]).includes(directive), `${directive} violation reported (${(state.violations as string[]).join(', ')})`);
  }
  assert.deepEqual(remoteHits, [], 'the other origin received no request at all');
});
