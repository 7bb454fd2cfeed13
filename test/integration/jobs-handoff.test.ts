// The CLI's heavy commands while another process runs the library's job queue: the work is queued
// there, behind the heavy job already running, and followed from the CLI (two heavy jobs never run
// at once); Ctrl-C in the CLI cancels what it asked for and nothing else. The order of events is
// checked, not how long anything took.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { LikenessService } from '../../src/main/api/service';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { JobRequestPoller } from '../../src/main/jobs/jobControl';
import { CancelledError } from '../../src/main/util/progress';
import { JobRunner } from '../../src/main/jobs/runner';
import { SqliteJobStore } from '../../src/main/jobs/sqliteJobStore';
import { indexFolders } from '../../src/main/library/scan';
import { storedDuplicateGroups } from '../../src/main/store/duplicates';
import { photoIdsWithInputs } from '../../src/main/store/modelInputs';
import { listModels } from '../../src/main/store/models';
import { listFolders } from '../../src/main/store/photos';
import { sceneJpeg } from '../../src/main/eval/scenes';
import { runLikeness, until } from '../helpers/cli';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('jobs-handoff');
const home = join(tmp.path, 'home');
const photos = join(tmp.path, 'photos');
const more = join(tmp.path, 'more');

let core: Core;
let runner: JobRunner;
let poller: JobRequestPoller;
const events: string[] = [];

before(async () => {
  mkdirSync(photos, { recursive: true });
  mkdirSync(more, { recursive: true });
  const scene = await sceneJpeg(1, 640, 427);
  writeFileSync(join(photos, 'a.jpg'), scene);
  await sharp(scene).png().toFile(join(photos, 'a-copy.png')); // the same picture: a near-duplicate pair
  for (let seed = 100; seed < 106; seed++) writeFileSync(join(photos, `other-${seed}.jpg`), await sceneJpeg(seed, 640, 427));
  await writePicture(join(more, 'd.jpg'), 4);
  core = openCore(home);
  await indexFolders(core, [photos]);
  // The queue's owner, as in the app or `likeness serve` (this test process stands in for it).
  runner = new JobRunner(new SqliteJobStore(core.db));
  const service = new LikenessService(core, runner);
  runner.onChange((job) => events.push(`${job.id} ${job.kind} ${job.state}`));
  poller = new JobRequestPoller(core.db, runner, 20, (job, params) => service.work.submittedWork(job, params));
  poller.start();
});

after(async () => {
  poller.stop();
  runner.cancelAll();
  await runner.idle();
  closeCore(core);
  tmp.cleanup();
});

/** A heavy job that runs until released (or cancelled). */
function blocker(message: string) {
  let release!: () => void;
  const job = runner.enqueue(
    'train',
    message,
    ({ signal }) =>
      new Promise<void>((resolve, reject) => {
        release = resolve;
        signal.addEventListener('abort', () => reject(new CancelledError()));
      }),
  );
  return { job, release: () => release() };
}

const likeness = (...args: string[]) => runLikeness(home, ...args);

const queued = (kind: string) => runner.list().find((j) => j.kind === kind && j.state === 'queued');

/**
 * Runs the CLI while a blocking heavy job runs in the queue: checks its work was queued behind the
 * blocker and that `idle` holds meanwhile, releases the blocker, and checks the work ran after it.
 */
async function behindABlocker(kind: string, args: string[], idle: () => void) {
  const running = blocker('a long training run');
  await until('the blocker runs', () => runner.get(running.job.id)?.state === 'running');
  const cli = likeness(...args);
  await until('the CLI job is adopted by the queue', () => queued(kind) !== undefined);
  const handed = queued(kind)!;
  await until('the CLI says where its work went', () => cli.stderr().includes(`queued there as job ${handed.id}`));
  assert.match(cli.stderr(), /after “a long training run”/);
  idle();
  running.release();
  const result = await cli.exited;
  assert.equal(result.code, 0, result.err);
  // The owner ran it after the blocker finished, and the CLI printed its result.
  const blockerDone = events.indexOf(`${running.job.id} train done`);
  const handedRan = events.indexOf(`${handed.id} ${kind} running`);
  assert.ok(blockerDone >= 0 && handedRan > blockerDone, events.join('\n'));
  assert.equal(runner.get(handed.id)?.state, 'done');
  return result;
}

test('likeness duplicates while the queue runs a heavy job: queued behind it, then the same output', async () => {
  const result = await behindABlocker('duplicates', ['duplicates', '--json'], () =>
    assert.equal(storedDuplicateGroups(core.db).length, 0, 'nothing was computed while the other heavy job ran'),
  );
  const groups = JSON.parse(result.out) as { keeperId: number; photos: { path: string }[] }[];
  assert.equal(groups.length, storedDuplicateGroups(core.db).length);
  assert.equal(groups.length, 1);
  assert.deepEqual(groups[0]!.photos.map((p) => p.path).sort(), [join(photos, 'a-copy.png'), join(photos, 'a.jpg')]);
});

test('likeness train while the queue runs a heavy job: queued behind it, trained there, the version printed', async () => {
  const result = await behindABlocker(
    'train',
    ['train', '--preset', 'tiny', '--input-size', '16', '--max-steps', '3', '--workers', '1', '--json'],
    () => assert.equal(listModels(core.db).length, 0, 'no training while the other heavy job ran'),
  );
  const model = JSON.parse(result.out) as { id: number; steps: number; status: string };
  assert.deepEqual({ steps: model.steps, status: model.status }, { steps: 3, status: 'active' });
  assert.deepEqual(
    listModels(core.db).map((m) => m.id),
    [model.id],
  );
  // 16×16 inputs were not prepared at indexing (64 is): training made them from the photos first.
  assert.equal(photoIdsWithInputs(core.db, 16).length, photoIdsWithInputs(core.db, 64).length);
});

test('Ctrl-C in likeness index cancels the job it queued, and only that one', async () => {
  const running = blocker('another long run');
  await until('the blocker runs', () => runner.get(running.job.id)?.state === 'running');
  const cli = likeness('index', more);
  await until('the CLI job is adopted by the queue', () => queued('scan') !== undefined);
  const handed = queued('scan')!;
  await until('the CLI follows its job', () => cli.stderr().includes(`queued there as job ${handed.id}`));
  cli.child.kill('SIGINT');
  const result = await cli.exited;
  assert.equal(result.code, 130, result.err);
  assert.equal(runner.get(handed.id)?.state, 'cancelled');
  assert.equal(runner.get(running.job.id)?.state, 'running', 'the job that was running is left alone');
  assert.ok(!listFolders(core.db).some((f) => f.path === more), 'the cancelled scan never ran');
  running.release();
  await runner.idle();
  assert.equal(runner.get(running.job.id)?.state, 'done');
});

test('with no queue owner, the CLI does the work itself', async () => {
  poller.stop(); // the app quits
  try {
    const result = await likeness('index', more, '--json').exited;
    assert.equal(result.code, 0, result.err);
    assert.equal((JSON.parse(result.out) as { added: number }).added, 1);
    assert.ok(!result.err.includes('queued there'), result.err);
  } finally {
    poller.start();
  }
});

test('with `likeness serve` running the queue, likeness duplicates goes through it', async () => {
  poller.stop(); // this process steps down; a real server takes the queue
  const serve = likeness('serve', '--no-watch', '--port', '0');
  try {
    await until('serve runs the queue', () => serve.stdout().includes('Press Ctrl-C'));
    const result = await likeness('duplicates', '--json').exited;
    assert.equal(result.code, 0, result.err);
    assert.match(result.err, new RegExp(`Likeness \\(pid ${serve.child.pid}\\) runs this library's heavy jobs: queued there as job \\d+`));
    assert.equal((JSON.parse(result.out) as unknown[]).length, 1);
    const handed = Number(/queued there as job (\d+)/.exec(result.err)![1]);
    const job = new SqliteJobStore(core.db).get(handed);
    assert.equal(job?.kind, 'duplicates');
    assert.equal(job?.state, 'done');
  } finally {
    serve.child.kill('SIGINT');
    await serve.exited;
    poller.start();
  }
});
