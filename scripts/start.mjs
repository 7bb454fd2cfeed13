#!/usr/bin/env node
// `npm start`: build and open the Likeness desktop app.
//
// Two things the app needs are not installed by `npm install` on purpose (so that install and
// `npm test` work offline and never depend on them):
//   1. Electron's own binary — fetched by electron's install.js from GitHub;
//   2. better-sqlite3 compiled for Electron's ABI — node_modules keeps the Node build that the CLI
//      and the tests use, so the Electron build lives apart, in .likeness-dev/electron/, and the app
//      is pointed at it with LIKENESS_ELECTRON_SQLITE (see src/main/app/nativeSqlite.ts).
// This script gets both when missing (needs internet once), checks the addon really loads in
// Electron, builds with electron-vite and launches. Where it cannot, it says why and carries on with
// the same UI in the browser (`likeness serve --open`).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explainSandboxFailure } from './electron-sandbox.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const electronDir = dirname(require.resolve('electron/package.json'));
const electronVersion = require('electron/package.json').version;
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = require('better-sqlite3/package.json').version;
const devDir = join(root, '.likeness-dev', 'electron');
const { platform, arch } = process;

function fail(lines) {
  console.error(['', 'npm start: cannot open the Likeness desktop app.', '', ...lines, ''].join('\n'));
  process.exit(1);
}

/**
 * Where the desktop app cannot start, the same UI in the browser: says why, then runs
 * `likeness serve --open`, which builds the UI if needed (Vite's progress shown), serves it on
 * 127.0.0.1, opens the default browser (xdg-open / open / start; skipped, saying why, with no
 * display or in CI) and prints the address. Ctrl-C stops it.
 */
function carryOnInBrowser(lines) {
  console.error(
    [
      '',
      'npm start: cannot open the Likeness desktop app.',
      '',
      ...lines,
      '',
      'Opening the same UI in your browser instead (likeness serve)…',
      '',
    ].join('\n'),
  );
  const serve = spawn(process.execPath, [join(root, 'bin', 'likeness.mjs'), 'serve', '--open', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
  });
  // Ctrl-C reaches serve too (same process group); it stops its jobs cleanly, then we leave with it.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => serve.kill(signal));
  serve.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

class BrowserFallback extends Error {
  constructor(lines) {
    super(lines[0]);
    this.lines = lines;
  }
}

function run(command, args, options = {}) {
  return spawnSync(command, args, { cwd: root, encoding: 'utf8', ...options });
}

/** The Electron executable, downloading it with electron's own installer if it is not there. */
function ensureElectronBinary() {
  const locate = () => {
    const pathFile = join(electronDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8'));
    return existsSync(binary) ? binary : null;
  };
  let binary = locate();
  if (binary) return binary;
  console.log(`Getting the Electron ${electronVersion} binary (electron's install.js, from GitHub)…`);
  const install = run(process.execPath, [join(electronDir, 'install.js')], { stdio: ['ignore', 'inherit', 'pipe'], timeout: 15 * 60_000 });
  binary = locate();
  if (!binary) {
    const reason = process.env.ELECTRON_SKIP_BINARY_DOWNLOAD
      ? 'ELECTRON_SKIP_BINARY_DOWNLOAD is set'
      : (install.stderr || install.error?.message || '').trim().split('\n')[0];
    throw new BrowserFallback([
      `The Electron ${electronVersion} binary is not installed, and downloading it failed:`,
      `  ${reason || `install.js exited with ${install.status}`}`,
      '',
      'Electron is fetched from github.com by its own installer (it is not part of the npm package).',
      'This needs internet access once; then run `npm start` again. Behind a proxy or mirror, set',
      'ELECTRON_MIRROR / HTTPS_PROXY as described in https://www.electronjs.org/docs/latest/tutorial/installation.',
    ]);
  }
  return binary;
}

/** Does this addon load in Electron (its Node mode has Electron's ABI)? */
function loadsInElectron(electron, addon) {
  const probe = run(electron, ['-e', `require(${JSON.stringify(addon)})`], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  return probe.status === 0;
}

/** better-sqlite3 built for Electron, kept apart from node_modules' Node build. */
function ensureElectronSqlite(electron) {
  const target = join(devDir, `better-sqlite3-${sqliteVersion}-electron-${electronVersion}-${platform}-${arch}`, 'better_sqlite3.node');
  if (existsSync(target) && loadsInElectron(electron, target)) return target;

  console.log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (kept in ${devDir})…`);
  const work = join(devDir, 'work', 'better-sqlite3');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dirname(work), { recursive: true });
  cpSync(sqliteDir, work, { recursive: true, filter: (src) => !src.startsWith(join(sqliteDir, 'build')) });
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  const attempts = [];

  // A prebuilt binary for this Electron, if better-sqlite3 publishes one (fast)…
  const prebuildInstall = require.resolve('prebuild-install/bin.js', { paths: [sqliteDir] });
  const prebuilt = run(
    process.execPath,
    [prebuildInstall, '--runtime', 'electron', '--target', electronVersion, '--arch', arch, '--platform', platform],
    { cwd: work },
  );
  attempts.push(`prebuilt download: ${(prebuilt.stderr || prebuilt.stdout || '').trim().split('\n').pop() || `exit ${prebuilt.status}`}`);

  // …otherwise compile against Electron's headers (needs a C++ toolchain and the headers download).
  if (!existsSync(built)) {
    const nodeGyp = findNodeGyp();
    if (nodeGyp) {
      const compiled = run(
        process.execPath,
        // As in Electron's "Using native Node modules"; headers go to our own dir, not Node's.
        [
          nodeGyp,
          'rebuild',
          '--release',
          `--target=${electronVersion}`,
          `--arch=${arch}`,
          '--dist-url=https://electronjs.org/headers',
          `--devdir=${join(devDir, 'gyp')}`,
        ],
        { cwd: work, stdio: ['ignore', 'inherit', 'pipe'] },
      );
      attempts.push(`compile with node-gyp: ${(compiled.stderr || '').trim().split('\n').slice(-2).join(' ') || `exit ${compiled.status}`}`);
    } else {
      attempts.push('compile with node-gyp: node-gyp not found (it ships with npm)');
    }
  }

  if (!existsSync(built) || !loadsInElectron(electron, built)) {
    throw new BrowserFallback([
      `better-sqlite3 could not be built for Electron ${electronVersion}:`,
      ...attempts.map((a) => `  - ${a}`),
      '',
      'The desktop app needs better-sqlite3 compiled for Electron’s ABI (different from Node’s). This',
      'needs internet access (a prebuilt binary, or Electron’s headers plus a C++ compiler).',
      'node_modules is left untouched, so `npm test` and the CLI keep working.',
    ]);
  }
  mkdirSync(dirname(target), { recursive: true });
  cpSync(built, target);
  rmSync(dirname(dirname(work)), { recursive: true, force: true });
  return target;
}

function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((c) => c && existsSync(c)) ?? null;
}

let electron;
let sqlite;
try {
  electron = ensureElectronBinary();
  sqlite = ensureElectronSqlite(electron);
} catch (error) {
  if (!(error instanceof BrowserFallback)) throw error;
  carryOnInBrowser(error.lines);
}
if (sqlite) launchDesktopApp();

function launchDesktopApp() {
  console.log('Building the app (electron-vite)…');
  const build = run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { stdio: 'inherit' });
  if (build.status !== 0) fail(['electron-vite build failed (see above).']);

  const app = spawn(electron, [root, ...process.argv.slice(2)], {
    cwd: root,
    // stderr passes through, its tail kept to explain a sandbox abort (Ubuntu 23.10+).
    stdio: ['inherit', 'inherit', 'pipe'],
    env: { ...process.env, LIKENESS_ELECTRON_SQLITE: sqlite },
  });
  let stderrTail = '';
  app.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk).slice(-16_384);
  });
  app.on('exit', (code, signal) => {
    const explanation = explainSandboxFailure({ stderr: stderrTail, code, signal, electronPath: electron });
    // A sandbox abort is a machine set-up problem: say how to fix it, and meanwhile use the browser.
    if (explanation) return carryOnInBrowser(explanation);
    process.exit(code ?? (signal ? 1 : 0));
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
}
