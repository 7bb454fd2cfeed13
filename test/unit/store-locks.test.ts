// Process locks live in their own table: a library written before they moved out of the settings
// keeps its queue owner and computing lease, and the settings no longer hold them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/main/store/db';
import { readLock, releaseLock, writeLock } from '../../src/main/store/locks';
import { migrations } from '../../src/main/store/migrations';
import { getSetting } from '../../src/main/store/settings';
import { tempDir } from '../helpers/images';

const tmp = tempDir('store-locks');
after(() => tmp.cleanup());

test('a library from before the locks table keeps its locks, moved out of the settings', () => {
  const file = join(tmp.path, 'old.sqlite');
  const old = new Database(file);
  for (const m of migrations.filter((m) => m.version <= 6)) old.exec(m.sql);
  old.pragma('user_version = 6');
  const set = old.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
  set.run('jobs.owner', JSON.stringify({ pid: 4242, startedAt: '2026-01-01T00:00:00.000Z' }));
  set.run('jobs.computing', JSON.stringify({ pid: 4343, what: 'Training a model version', since: '2026-01-02T00:00:00.000Z' }));
  set.run('retrain.lastAt', JSON.stringify('2026-01-03T00:00:00.000Z'));
  old.close();

  const db = openDatabase(file);
  assert.deepEqual(readLock(db, 'queue-owner'), { pid: 4242, what: 'running the job queue', since: '2026-01-01T00:00:00.000Z' });
  assert.deepEqual(readLock(db, 'computing'), { pid: 4343, what: 'Training a model version', since: '2026-01-02T00:00:00.000Z' });
  const keys = (db.prepare('SELECT key FROM settings ORDER BY key').all() as { key: string }[]).map((r) => r.key);
  assert.deepEqual(keys, ['retrain.lastAt'], 'the locks left the settings');
  assert.equal(getSetting(db, 'retrain.lastAt'), '2026-01-03T00:00:00.000Z', 'user settings stay');
  db.close();
});

test('a lock is released only by the process that holds it', () => {
  const db = openDatabase(join(tmp.path, 'new.sqlite'));
  writeLock(db, 'computing', 'indexing', process.pid + 1);
  releaseLock(db, 'computing');
  assert.equal(readLock(db, 'computing')?.pid, process.pid + 1, 'another process keeps its lock');
  writeLock(db, 'computing', 'indexing');
  assert.equal(readLock(db, 'computing')?.pid, process.pid);
  releaseLock(db, 'computing');
  assert.equal(readLock(db, 'computing'), null);
  db.close();
});
