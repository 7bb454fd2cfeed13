// Quitting mid-job and starting again: with the SQLite job store, the service's jobs are recorded
// with what is needed to run them again; after a restart the unfinished ones are started again (a
// paused one comes back paused), and their work resumes where it stopped.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LikenessService } from '../../src/main/api/service';
import { closeCore, openCore } from '../../src/main/core';
import { JobRunner } from '../../src/main/jobs/runner';
import { SqliteJobStore } from '../../src/main/jobs/sqliteJobStore';
import { libraryCounts } from '../../src/main/store/photos';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('api-resume');
const home = join(tmp.path, 'home');
const photos = join(tmp.path, 'photos');
const more = join(tmp.path, 'more');

before(async () => {
  for (let i = 0; i < 6; i++) await writePicture(join(photos, `p${i}.jpg`), 120 + i);
  for (let i = 0; i < 3; i++) await writePicture(join(more, `m${i}.jpg`), 140 + i);
});

after(() => tmp.cleanup());

function start() {
  const core = openCore(home);
  const store = new SqliteJobStore(core.db);
  const interrupted = store.takeInterrupted();
  const service = new LikenessService(core, new JobRunner(store));
  return { core, service, interrupted };
}

test('an indexing job interrupted by quitting runs again on the next start; a paused one stays paused', async () => {
  const first = start();
  assert.deepEqual(first.interrupted, []);
  await first.service.addFolder({ path: photos });
  const second = await first.service.addFolder({ path: more });
  first.service.jobs.pause(second.job.id);
  await first.service.jobs.shutdown();
  closeCore(first.core);

  const next = start();
  assert.deepEqual(
    next.interrupted.map((j) => [j.kind, j.state]),
    [
      ['scan', next.interrupted[0]!.state],
      ['scan', 'paused'],
    ],
  );
  const resumed = next.service.work.resumeInterrupted(next.interrupted);
  assert.deepEqual(
    resumed.map((j) => j.kind),
    ['scan', 'scan'],
  );
  assert.equal(next.service.jobs.get(resumed[1]!.id)!.state, 'paused');
  await next.service.jobs.idle();
  assert.equal(next.service.jobs.get(resumed[0]!.id)!.state, 'done');
  assert.equal(libraryCounts(next.core.db).photos, 6);
  // The old records say what happened to them.
  assert.match(next.service.jobs.get(next.interrupted[0]!.id)!.error ?? '', /started again/);

  next.service.jobs.resume(resumed[1]!.id);
  await next.service.jobs.idle();
  assert.equal(libraryCounts(next.core.db).photos, 9);
  await next.service.jobs.shutdown();
  closeCore(next.core);

  const third = start();
  assert.deepEqual(third.interrupted, [], 'nothing left to start again');
  closeCore(third.core);
});

test("a watcher's batch cut short by quitting is left to the catch-up scan", async () => {
  const first = start();
  const batch = first.service.work.run({ kind: 'scan', paths: [], files: [join(photos, 'p0.jpg')] });
  first.service.jobs.pause(batch.id);
  await first.service.jobs.shutdown();
  closeCore(first.core);

  const next = start();
  assert.deepEqual(
    next.interrupted.map((j) => j.id),
    [batch.id],
  );
  assert.deepEqual(next.service.work.resumeInterrupted(next.interrupted), []);
  assert.equal(next.service.work.catchUp()?.message, 'Rescanning the library');
  await next.service.jobs.idle();
  await next.service.jobs.shutdown();
  closeCore(next.core);
});
