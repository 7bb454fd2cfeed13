// `likeness jobs` from another terminal: it reaches the process running the queue, or, with none
// running, changes the record that the next start follows.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { closeCore, openCore } from '../../src/main/core';
import { JobRequestPoller } from '../../src/main/jobs/jobControl';
import { CancelledError } from '../../src/main/util/progress';
import { JobRunner } from '../../src/main/jobs/runner';
import { SqliteJobStore } from '../../src/main/jobs/sqliteJobStore';
import { tempDir } from '../helpers/images';

const bin = new URL('../../bin/likeness.mjs', import.meta.url).pathname;
const tmp = tempDir('jobs-cli');
after(() => tmp.cleanup());
const home = join(tmp.path, 'home');

function likeness(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, LIKENESS_HOME: home }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('cancel from another process stops the job the running queue is doing', async () => {
  const core = openCore(home);
  const store = new SqliteJobStore(core.db);
  const runner = new JobRunner(store);
  const poller = new JobRequestPoller(core.db, runner, 50);
  poller.start();
  try {
    const job = runner.enqueue(
      'scan',
      'scanning a big folder',
      (ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new CancelledError()))),
    );
    for (let i = 0; i < 100 && runner.get(job.id)?.state !== 'running'; i++) await new Promise((r) => setTimeout(r, 10));
    const listed = likeness('jobs');
    assert.match(listed.out, new RegExp(`run by Likeness, pid ${process.pid}`));
    assert.match(listed.out, new RegExp(`${job.id}  scan +running +scanning a big folder`));
    const cancel = likeness('jobs', 'cancel', String(job.id));
    assert.equal(cancel.code, 0, cancel.err);
    assert.match(cancel.out, /asked the running Likeness/);
    for (let i = 0; i < 200 && runner.get(job.id)?.state !== 'cancelled'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(runner.get(job.id)?.state, 'cancelled');
  } finally {
    poller.stop();
    await runner.idle();
    closeCore(core);
  }
});

test('with nothing running, pause and cancel change what the next start does', () => {
  const core = openCore(home);
  const store = new SqliteJobStore(core.db);
  const id = store.nextId();
  store.save({
    id,
    kind: 'train',
    state: 'running',
    done: 3,
    total: 10,
    rate: null,
    etaSeconds: null,
    message: 'training',
    error: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
  });
  closeCore(core); // the app was killed while training

  assert.match(likeness('jobs', 'pause', String(id)).out, /is now paused/);
  assert.match(likeness('jobs', 'resume', String(id)).out, /is now queued/);
  assert.match(likeness('jobs', 'cancel', String(id)).out, /is now cancelled/);
  const again = openCore(home);
  try {
    assert.equal(new SqliteJobStore(again.db).takeInterrupted().length, 0, 'a cancelled job is not started again');
  } finally {
    closeCore(again);
  }
  assert.equal(likeness('jobs', 'cancel', '99999').code, 1);
  assert.equal(likeness('jobs', 'frob', '1').code, 2);
});
