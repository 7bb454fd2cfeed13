// The Electron app loads better-sqlite3's addon from the separate Electron build that `npm start`
// makes (LIKENESS_ELECTRON_SQLITE), leaving node_modules' Node build for the CLI and tests. Checked
// here under Node with a copy of the Node build standing in for the Electron one: the copy, and not
// node_modules' file, is what gets loaded.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { useElectronSqliteBuild } from '../../src/main/app/nativeSqlite';
import { tempDir } from '../helpers/images';

test('LIKENESS_ELECTRON_SQLITE redirects the better-sqlite3 addon', async () => {
  const require = createRequire(import.meta.url);
  const sqliteRoot = dirname(require.resolve('better-sqlite3/package.json'));
  const nodeBuild = join(sqliteRoot, 'build', 'Release', 'better_sqlite3.node');
  assert.equal(require.cache[nodeBuild], undefined, 'nothing loaded the addon yet in this process');
  const tmp = tempDir('electron-sqlite');
  try {
    const standIn = join(tmp.path, 'better_sqlite3.node');
    copyFileSync(nodeBuild, standIn);
    process.env.LIKENESS_ELECTRON_SQLITE = standIn;
    useElectronSqliteBuild();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    assert.equal((db.prepare('SELECT 6 * 7 AS n').get() as { n: number }).n, 42);
    db.close();
    assert.ok(require.cache[standIn], 'the stand-in addon was loaded');
    assert.equal(require.cache[nodeBuild], undefined, "node_modules' build was not");

    process.env.LIKENESS_ELECTRON_SQLITE = join(tmp.path, 'missing.node');
    assert.throws(() => useElectronSqliteBuild(), /missing file/);
  } finally {
    delete process.env.LIKENESS_ELECTRON_SQLITE;
    tmp.cleanup();
  }
});
