// The desktop shell's security policy, item by item against Electron's security checklist
// (https://www.electronjs.org/docs/latest/tutorial/security). Electron's binary is not available
// to the tests, so the policy is pure data and functions (src/main/security/) that src/main/app
// applies; the last tests check that the app does apply them. Numbers are the checklist's.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseMediaUrl } from '../../src/main/api/media';
import { contentSecurityPolicy, parseCsp } from '../../src/main/security/csp';
import {
  allowNavigation,
  allowPermission,
  allowWebview,
  blockRequest,
  ipcSenderAllowed,
  isAppUrl,
  MEDIA_SCHEME,
  MEDIA_SCHEME_PRIVILEGES,
  NETWORK_URL_PATTERNS,
  RENDERER_WEB_PREFERENCES,
  rendererWebPreferences,
  windowOpenAction,
  type AppOrigin,
} from '../../src/main/security/electronPolicy';

const source = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const built: AppOrigin = { rendererIndexUrl: 'file:///opt/Likeness/resources/app/out/renderer/index.html' };
const dev: AppOrigin = { ...built, devServerUrl: 'http://localhost:5173/' };

test('1. only secure content: every network request is refused (the dev server alone, in development)', () => {
  for (const url of ['https://example.com/x.js', 'http://127.0.0.1:8080/', 'ws://evil.test/', 'wss://evil.test/', 'http://localhost:5173/main.ts']) {
    assert.equal(blockRequest(url, built), true, url);
  }
  assert.equal(blockRequest('http://localhost:5173/src/main.ts', dev), false);
  assert.equal(blockRequest('ws://localhost:5173/', dev), true, 'another scheme is another origin');
  for (const url of ['http://localhost:5174/', 'http://localhost:5173.evil.test/', 'http://evil.test/?http://localhost:5173/']) {
    assert.equal(blockRequest(url, dev), true, url);
  }
  assert.deepEqual(NETWORK_URL_PATTERNS, ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']);
});

test('2–4, 6, 8–10. webPreferences: no Node, context isolation, sandbox, web security, no insecure content or experiments', () => {
  const prefs = rendererWebPreferences('/opt/Likeness/out/preload/index.cjs');
  assert.equal(prefs.preload, '/opt/Likeness/out/preload/index.cjs');
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.experimentalFeatures, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal('enableBlinkFeatures' in prefs, false, '10. no Blink features switched on');
  assert.equal('additionalArguments' in prefs, false);
  assert.ok(Object.isFrozen(RENDERER_WEB_PREFERENCES) || typeof RENDERER_WEB_PREFERENCES === 'object');
});

test('5. permission requests and checks are all refused', () => {
  for (const permission of [
    'media',
    'geolocation',
    'notifications',
    'midi',
    'midiSysex',
    'pointerLock',
    'fullscreen',
    'openExternal',
    'clipboard-read',
    'clipboard-sanitized-write',
    'display-capture',
    'hid',
    'serial',
    'usb',
    'unknown',
  ]) {
    assert.equal(allowPermission(permission), false, permission);
  }
});

test('7. CSP: no inline or eval script, nothing remote; the renderer page carries exactly this policy', () => {
  for (const policy of [
    contentSecurityPolicy({ mediaScheme: MEDIA_SCHEME }),
    contentSecurityPolicy({ eventSocketOrigin: 'ws://127.0.0.1:8123', header: true }),
  ]) {
    const csp = parseCsp(policy);
    assert.deepEqual(csp.get('default-src'), ["'none'"], 'object-src, frame-src, worker-src… fall back to none');
    assert.deepEqual(csp.get('script-src'), ["'self'"], 'no unsafe-inline, unsafe-eval, hashes or hosts');
    assert.deepEqual(csp.get('style-src'), ["'self'"]);
    assert.deepEqual(csp.get('base-uri'), ["'none'"]);
    assert.deepEqual(csp.get('form-action'), ["'none'"]);
    for (const [name, sources] of csp) {
      for (const s of sources) {
        assert.ok(!/unsafe|^\*|^https?:|^wss?:\/\/(?!127\.0\.0\.1)/.test(s), `${name} ${s}: nothing remote or unsafe`);
      }
    }
  }
  assert.deepEqual(parseCsp(contentSecurityPolicy({ header: true })).get('frame-ancestors'), ["'none'"], 'serve: not framed');
  const html = source('src/renderer/index.html');
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  assert.ok(meta, 'index.html has a CSP meta');
  assert.equal(meta[1], contentSecurityPolicy({ mediaScheme: MEDIA_SCHEME }));
  assert.doesNotMatch(html.replace(/<script type="module" src="[^"]+"><\/script>/, ''), /<script|\son[a-z]+=/i, 'no inline script or handler');
  // Every other page the app shows (the hidden GPU training window…) has a CSP of the same kind.
  for (const name of readdirSync(new URL('../../src/renderer/', import.meta.url)).filter((f) => f.endsWith('.html'))) {
    const page = source(`src/renderer/${name}`);
    const policy = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(page)?.[1];
    assert.ok(policy, `${name} has a CSP`);
    const csp = parseCsp(policy);
    assert.ok(["'none'", "'self'"].includes(csp.get('default-src')?.join(' ') ?? ''), `${name}: default-src none or self`);
    assert.deepEqual(csp.get('script-src') ?? csp.get('default-src'), ["'self'"], `${name}: scripts from the app only`);
    assert.doesNotMatch(policy, /unsafe|https?:|\*/, `${name}: nothing unsafe or remote`);
    assert.doesNotMatch(page.replace(/<script type="module" src="[^"]+"><\/script>/g, ''), /<script|\son[a-z]+=/i, `${name}: no inline script`);
  }
});

test('11, 12. <webview> is never attached', () => {
  assert.equal(allowWebview(), false);
  assert.equal(RENDERER_WEB_PREFERENCES.webviewTag, false);
});

test('13. navigation: only to our own page', () => {
  assert.equal(allowNavigation(built.rendererIndexUrl, built), true);
  assert.equal(allowNavigation(`${built.rendererIndexUrl}#/clusters`, built), true);
  for (const url of [
    'file:///etc/passwd',
    'file:///opt/Likeness/resources/app/out/renderer/other.html',
    `${built.rendererIndexUrl}?x=1`,
    `${built.rendererIndexUrl}/../../../../etc/passwd`,
    'file:///opt/Likeness/resources/app/out/renderer/index.html.evil',
    'https://example.com/',
    'http://localhost:5173/',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'likeness://photo/1',
    'about:blank',
  ]) {
    assert.equal(allowNavigation(url, built), false, url);
  }
  assert.equal(allowNavigation('http://localhost:5173/#/grid', dev), true, 'the dev server, in development');
  assert.equal(allowNavigation('http://localhost:5173.evil.test/', dev), false);
  assert.equal(allowNavigation('not a url', dev), false);
});

test('14, 15. window.open never opens a window; only plain https links go to the browser', () => {
  assert.deepEqual(windowOpenAction('https://www.electronjs.org/docs'), { action: 'deny', openExternally: 'https://www.electronjs.org/docs' });
  for (const url of [
    'http://example.com/',
    'file:///etc/passwd',
    'file:///Applications/Calculator.app',
    'javascript:alert(1)',
    'smb://evil.test/share',
    'ms-msdt:/id PCWDiagnostic',
    'vscode://file/etc/passwd',
    'https://user:pw@example.com/',
    'data:text/html,hi',
    'likeness://photo/1',
    'not a url',
    '',
  ]) {
    assert.deepEqual(windowOpenAction(url), { action: 'deny', openExternally: null }, url);
  }
});

test('16. a supported Electron: the locked version is a recent major', () => {
  const lock = JSON.parse(source('package-lock.json')) as { packages: Record<string, { version: string }> };
  const major = Number(lock.packages['node_modules/electron']!.version.split('.')[0]);
  assert.ok(major >= 45, `electron ${major}`);
});

test('17. IPC: only the top frame of our own page is heard', () => {
  const ours = (url: string) => isAppUrl(url, built);
  assert.equal(ipcSenderAllowed({ url: built.rendererIndexUrl, isTopFrame: true }, ours), true);
  assert.equal(ipcSenderAllowed({ url: built.rendererIndexUrl, isTopFrame: false }, ours), false, 'a sub-frame');
  assert.equal(ipcSenderAllowed({ url: 'https://evil.test/', isTopFrame: true }, ours), false, 'navigated elsewhere');
  assert.equal(ipcSenderAllowed(null, ours), false, 'a frame that is gone');
});

test('18. the media scheme cannot bypass the CSP, serve fetch or CORS, and resolves photo ids only', () => {
  assert.equal(MEDIA_SCHEME_PRIVILEGES.bypassCSP, false);
  assert.equal(MEDIA_SCHEME_PRIVILEGES.supportFetchAPI, false);
  assert.equal(MEDIA_SCHEME_PRIVILEGES.corsEnabled, false);
  assert.equal(MEDIA_SCHEME_PRIVILEGES.allowServiceWorkers, false);
  // Beyond api-media's cases: absolute paths and encoded or doubled dots in every position.
  for (const url of [
    'likeness://thumb/%2E%2E/1',
    'likeness://thumb/1%2F..%2F..',
    'likeness://photo/%2Fetc%2Fpasswd',
    'likeness://photo/..',
    'likeness://photo/.%2e/1',
    'likeness://%2e%2e/1',
    'likeness://photo/1;/etc/passwd',
    'likeness://photo/1%00',
    'likeness://photo/C:%5Cwindows',
  ]) {
    assert.equal(parseMediaUrl(url), null, url);
  }
});

test('20. the preload exposes one narrow object; the app applies this policy', () => {
  const preload = source('src/preload/index.ts');
  assert.equal(preload.match(/exposeInMainWorld\(/g)?.length, 1);
  assert.match(preload, /exposeInMainWorld\('likeness', bridge\)/);
  assert.doesNotMatch(preload, /exposeInMainWorld\([^)]*ipcRenderer\)/, 'ipcRenderer itself is not exposed');
  const window = source('src/main/app/window.ts');
  // Every window the app opens takes its webPreferences from the policy.
  for (const name of readdirSync(new URL('../../src/main/app/', import.meta.url)).filter((f) => f.endsWith('.ts'))) {
    const code = source(`src/main/app/${name}`);
    const windows = code.match(/new BrowserWindow\(/g)?.length ?? 0;
    const applied = code.match(/webPreferences: (\{ \.\.\.)?rendererWebPreferences\(/g)?.length ?? 0;
    assert.equal(applied, windows, `${name}: ${windows} window(s), ${applied} with the policy's webPreferences`);
  }
  for (const used of ['allowNavigation', 'windowOpenAction', 'allowPermission', 'allowWebview', 'blockRequest'])
    assert.match(window, new RegExp(`${used}\\(`), used);
  assert.match(source('src/main/app/scheme.ts'), /MEDIA_SCHEME_PRIVILEGES/);
  assert.match(source('src/main/app/ipc.ts'), /ipcSenderAllowed\(/);
  assert.match(source('src/main/app/main.ts'), /app\.enableSandbox\(\)/, '4. every renderer sandboxed');
  for (const file of ['src/main/security/electronPolicy.ts', 'src/main/security/csp.ts'])
    assert.doesNotMatch(source(file), /from 'electron'/, `${file} is pure`);
});
