// The Electron app loads better-sqlite3's addon from the separate Electron build that `npm start`
// makes (LIKENESS_ELECTRON_SQLITE), leaving node_modules' Node build for the CLI and tests: every
// connection passes it as nativeBinding, on the main thread and in worker threads (training,
// regrouping). Checked here under Node with a copy of the Node build standing in for the Electron
// one: the copy, and not node_modules' file, is what gets loaded, in this thread and in a worker.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { openDatabase } from '../../src/main/store/db';
import { tempDir } from '../helpers/images';

const require = createRequire(import.meta.url);
const nodeBuild = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

/** Which addon files a worker thread loads when it opens the database read-only as training does. */
function addonsLoadedInWorker(database: string): Promise<string[]> {
  // An ESM worker registering tsx first, as src/main/model/workerStart.ts starts the real ones.
  const code = `
    import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};
    import { createRequire } from 'node:module';
    import { parentPort, workerData } from 'node:worker_threads';
    register();
    const { openReadOnly } = await import(${JSON.stringify(new URL('../../src/main/store/db.ts', import.meta.url).href)});
    const db = openReadOnly(workerData);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    db.close();
    const require = createRequire(${JSON.stringify(import.meta.url)});
    parentPort.postMessage(Object.keys(require.cache).filter((k) => k.endsWith('.node')));`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: database });
    worker.once('message', (files: string[]) => {
      void worker.terminate();
      resolve(files);
    });
    worker.once('error', reject);
  });
}

test('LIKENESS_ELECTRON_SQLITE is the addon of every connection, in worker threads too', async () => {
  assert.equal(require.cache[nodeBuild], undefined, 'nothing loaded the addon yet in this process');
  const tmp = tempDir('electron-sqlite');
  try {
    const standIn = join(tmp.path, 'better_sqlite3.node');
    copyFileSync(nodeBuild, standIn);
    process.env.LIKENESS_ELECTRON_SQLITE = standIn;
    const file = join(tmp.path, 'library.sqlite');
    const db = openDatabase(file);
    assert.equal((db.prepare('SELECT 6 * 7 AS n').get() as { n: number }).n, 42);
    db.close();
    assert.ok(require.cache[standIn], 'the stand-in addon was loaded');
    assert.equal(require.cache[nodeBuild], undefined, "node_modules' build was not");

    const inWorker = await addonsLoadedInWorker(file);
    assert.ok(inWorker.includes(standIn), `the worker loaded ${inWorker.join(', ')}`);
    assert.ok(!inWorker.includes(nodeBuild), "the worker did not load node_modules' build");

    process.env.LIKENESS_ELECTRON_SQLITE = join(tmp.path, 'missing.node');
    assert.throws(() => openDatabase(':memory:'), /missing file/);
  } finally {
    delete process.env.LIKENESS_ELECTRON_SQLITE;
    tmp.cleanup();
  }
});
