// Two CLI commands with no app running: the second waits while the first computes for the same
// library (the compute lease), then does its work; Ctrl-C while waiting stops it with nothing done;
// a lease left by a process that died holds nothing. An app's queue started while a command
// computes waits for it too (the runner's gate), saying so in the job's message. The holder here is a real live process whose
// pid is in the lease, as a computing `likeness` command's would be; the order of events is
// checked, not how long anything took.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { computeLeaseGate, releaseComputeLease, takeComputeLease } from '../../src/main/jobs/computeLease';
import { JobRunner } from '../../src/main/jobs/runner';
import { SqliteJobStore } from '../../src/main/jobs/sqliteJobStore';
import { listModels } from '../../src/main/store/models';
import { libraryCounts } from '../../src/main/store/photos';
import { readLock, writeLock } from '../../src/main/store/locks';
import { runLikeness, until } from '../helpers/cli';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('compute-lease');
const home = join(tmp.path, 'home');
const photos = join(tmp.path, 'photos');
let core: Core;

before(async () => {
  mkdirSync(photos, { recursive: true });
  for (let i = 0; i < 3; i++) await writePicture(join(photos, `p${i}.jpg`), 40 + i);
  core = openCore(home);
});

after(() => {
  closeCore(core);
  tmp.cleanup();
});

/** A live process standing in for a `likeness` command that is computing: it holds the lease. */
async function holder(): Promise<{ child: ChildProcess; gone: Promise<void> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  writeLock(core.db, 'computing', 'Training a model version', child.pid!);
  return { child, gone: new Promise((resolve) => child.once('exit', () => resolve())) };
}

const likeness = (...args: string[]) => runLikeness(home, ...args);

const waiting = /another likeness process \(pid \d+\) is computing for this library \(Training a model version\): waiting/;

test('the lease: taken when free, refused while a live process holds it, free again when that process dies', async () => {
  assert.equal(takeComputeLease(core.db, 'testing'), null);
  releaseComputeLease(core.db);
  const other = await holder();
  const held = takeComputeLease(core.db, 'testing');
  assert.equal(held?.pid, other.child.pid);
  other.child.kill('SIGKILL');
  await other.gone;
  assert.equal(takeComputeLease(core.db, 'testing'), null, 'a dead holder holds nothing');
  releaseComputeLease(core.db);
  assert.equal(readLock(core.db, 'computing'), null);
});

test('likeness index waits while another command computes, then indexes', async () => {
  const other = await holder();
  const cli = likeness('index', photos);
  await until('the command says it waits', () => waiting.test(cli.stderr()));
  assert.equal(libraryCounts(core.db).photos, 0, 'nothing indexed while the other command computes');
  other.child.kill('SIGKILL');
  assert.equal((await cli.exited).code, 0, cli.stderr());
  assert.equal(libraryCounts(core.db).photos, 3);
  assert.equal(readLock(core.db, 'computing'), null, 'the lease is given back');
});

test('Ctrl-C while waiting stops the command with nothing done', async () => {
  const other = await holder();
  const cli = likeness('train', '--preset', 'tiny', '--input-size', '16', '--max-steps', '2', '--workers', '1');
  await until('the command says it waits', () => waiting.test(cli.stderr()));
  cli.child.kill('SIGINT');
  assert.equal((await cli.exited).code, 130, cli.stderr());
  assert.equal(listModels(core.db).length, 0);
  assert.equal(readLock(core.db, 'computing')?.pid, other.child.pid, 'the holder keeps its lease');
  other.child.kill('SIGKILL');
  await other.gone;
});

test("an app's queue started while a command computes: its job waits, says why, then runs; cancel while waiting runs nothing", async () => {
  const runner = new JobRunner(new SqliteJobStore(core.db), computeLeaseGate(core.db));
  const messages: string[] = [];
  runner.onChange((job) => messages.push(job.message));
  let ran = 0;
  const other = await holder();
  const job = runner.enqueue('cluster', 'Grouping similar photos', async () => {
    ran++;
    assert.equal(readLock(core.db, 'computing')?.pid, process.pid, 'the queue holds the lease while its job runs');
    return 'grouped';
  });
  await until('the job says what it waits for', () =>
    messages.some((m) => /^Waiting for another likeness command \(pid \d+: Training a model version\) to finish$/.test(m)),
  );
  assert.equal(ran, 0);
  assert.equal(runner.get(job.id)?.state, 'running');
  other.child.kill('SIGKILL');
  await runner.idle();
  assert.equal(ran, 1);
  assert.deepEqual({ state: runner.get(job.id)?.state, message: runner.get(job.id)?.message }, { state: 'done', message: 'grouped' });
  assert.equal(readLock(core.db, 'computing'), null, 'given back after the job');

  const again = await holder();
  const waitingJob = runner.enqueue('cluster', 'Grouping similar photos', async () => {
    ran++;
  });
  await until('the second job waits', () => runner.get(waitingJob.id)?.message.startsWith('Waiting for another likeness command') === true);
  runner.cancel(waitingJob.id);
  await runner.idle();
  assert.equal(runner.get(waitingJob.id)?.state, 'cancelled');
  assert.equal(ran, 1, 'the cancelled job never ran');
  again.child.kill('SIGKILL');
  await again.gone;
});
