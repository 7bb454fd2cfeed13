// Jobs persisted in SQLite: what a killed process was doing is known on the next start.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../../src/main/store/db';
import { JobRunner } from '../../src/main/jobs/runner';
import { SqliteJobStore } from '../../src/main/jobs/sqliteJobStore';
import { tempDir } from '../helpers/images';

const tmp = tempDir('jobs');
after(() => tmp.cleanup());

test('job records survive a restart; unfinished ones are handed back once to be started again', async () => {
  const file = join(tmp.path, 'library.sqlite');
  const db = openDatabase(file);
  const store = new SqliteJobStore(db);
  const runner = new JobRunner(store);
  const done = runner.enqueue('scan', 'scanning', async (ctx) => {
    ctx.onProgress({ done: 3, total: 3, rate: null, etaSeconds: null, message: '' });
    return 'scanned 3';
  });
  store.setParams(done.id, { folders: ['/photos'] });
  await runner.idle();
  // Never settles: the first process dies while this job runs.
  const blocker = new Promise<void>(() => {});
  const running = runner.enqueue('train', 'training', async (ctx) => {
    ctx.onProgress({ done: 5, total: 100, rate: 2, etaSeconds: 47, message: 'step 5' });
    await blocker;
  });
  store.setParams(running.id, { minutes: 10 });
  const queued = runner.enqueue('embed', 'embedding', async () => {});
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(runner.get(running.id)?.state, 'running');
  db.close(); // the process "dies" here: no chance to record anything more

  const db2 = openDatabase(file);
  const store2 = new SqliteJobStore(db2);
  const finished = store2.get(done.id)!;
  assert.equal(finished.state, 'done');
  assert.equal(finished.message, 'scanned 3');
  assert.deepEqual(store2.params(done.id), { folders: ['/photos'] });

  const interrupted = store2.takeInterrupted();
  assert.deepEqual(
    interrupted.map((j) => [j.id, j.kind, j.state, j.done]),
    [
      [running.id, 'train', 'running', 5],
      [queued.id, 'embed', 'queued', 0],
    ],
  );
  assert.deepEqual(interrupted[0].params, { minutes: 10 });
  assert.equal(store2.takeInterrupted().length, 0, 'handed back only once');
  assert.match(store2.get(running.id)!.error!, /interrupted when Likeness stopped/);

  const runner2 = new JobRunner(store2);
  const next = runner2.enqueue('train', 'training again', async () => {});
  assert.ok(next.id > queued.id, 'new ids continue after the old ones');
  await runner2.idle();
  assert.equal(store2.get(next.id)?.state, 'done');
  db2.close();
});
