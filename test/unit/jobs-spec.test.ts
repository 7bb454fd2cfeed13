// Job specs, the one description of heavy work: each kind's params are validated (today's shape,
// with an explicit `mode` for train and cluster jobs), wrong params are refused saying which field
// and why, and params stored by older versions (no `kind`, no `mode`) are still read — so a job an
// older Likeness left unfinished is started again, and work a CLI submits with bad params fails
// plainly instead of running.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LikenessService } from '../../src/main/api/service';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { JobRequestPoller } from '../../src/main/jobs/jobControl';
import { JobSpecError, parseJobSpec, type HeavySpec } from '../../src/main/jobs/jobSpec';
import { JobRunner } from '../../src/main/jobs/runner';
import { SqliteJobStore } from '../../src/main/jobs/sqliteJobStore';
import { getJob, reserveJobId, saveJob, setJobParams, submitJob } from '../../src/main/store/jobs';
import { libraryCounts } from '../../src/main/store/photos';
import { tempDir, writePicture } from '../helpers/images';

test("today's params of every kind are read as they are", () => {
  const specs: HeavySpec[] = [
    { kind: 'scan', paths: ['/photos', '/more'] },
    { kind: 'scan', paths: [] },
    { kind: 'scan', paths: [], files: ['/photos/new.jpg', '/photos/gone'] },
    { kind: 'embed' },
    { kind: 'embed', modelId: 3, backend: 'wasm' },
    { kind: 'train', mode: 'retrain', message: 'Overnight retraining', options: { epochs: 10 }, deadline: '2026-11-27T05:00:00.000Z' },
    { kind: 'train', mode: 'retrain', message: 'Retraining', options: { minutes: 5, fromScratch: true, backend: 'cpu' }, deadline: null },
    {
      kind: 'train',
      mode: 'recipe',
      message: 'Training a model version',
      recipe: { preset: 'tiny', inputSize: 16, maxSteps: 3, workers: 1, overrides: { zDim: 32 } },
    },
    { kind: 'train', mode: 'first-model' },
    { kind: 'cluster', mode: 'clusters', minClusterSize: 5, selection: 'leaf', force: true },
    { kind: 'cluster', mode: 'regroup' },
    { kind: 'duplicates' },
  ];
  for (const spec of specs) assert.deepEqual(parseJobSpec(spec.kind, JSON.parse(JSON.stringify(spec))), spec);
});

test('what a finished job keeps beside its spec (its result) is left out', () => {
  assert.deepEqual(parseJobSpec('duplicates', { kind: 'duplicates', result: { groups: 2 } }), { kind: 'duplicates' });
});

test('wrong params are refused, saying which field and why', () => {
  const refused = (kind: HeavySpec['kind'], params: unknown, reason: RegExp) =>
    assert.throws(
      () => parseJobSpec(kind, params),
      (error: unknown) => {
        assert.ok(error instanceof JobSpecError, String(error));
        assert.match(error.message, new RegExp(`^${kind} job params`));
        assert.match(error.message, reason);
        return true;
      },
    );
  refused('scan', { kind: 'scan', paths: '/photos' }, /paths: .*expected array/i);
  refused('scan', { kind: 'scan', paths: [42] }, /paths\.0: .*expected string/i);
  refused('embed', { kind: 'embed', backend: 'quantum' }, /backend: .*"auto"/);
  refused('embed', { kind: 'embed', modelId: -1 }, /modelId/);
  refused('train', { kind: 'train', mode: 'retrain', message: 'x', options: {}, deadline: 'tonight' }, /deadline: .*datetime/i);
  refused('train', { kind: 'train', mode: 'retrain', message: 'x', options: { epochs: 0 }, deadline: null }, /options\.epochs/);
  refused('train', { kind: 'train', mode: 'recipe', message: 'x', recipe: { preset: 'huge' } }, /recipe\.preset/);
  refused(
    'train',
    { kind: 'train', mode: 'recipe', message: 'x', recipe: { overrides: [1] } },
    /recipe\.overrides: expected an object of model settings/,
  );
  refused('train', { kind: 'train', mode: 'sing' }, /mode: .*'retrain' \| 'recipe' \| 'first-model'/);
  refused('cluster', { kind: 'cluster', mode: 'clusters', minClusterSize: 1 }, /minClusterSize/);
  refused('scan', { kind: 'train', mode: 'first-model' }, /describe a train job/);
  refused('scan', null, /must be an object, not null/);
  refused('embed', [], /must be an object, not an array/);
});

test('params stored by older versions (no kind, no mode) are read as what they were', () => {
  // What the service stored to start its own jobs again.
  assert.deepEqual(parseJobSpec('scan', { paths: ['/photos'] }), { kind: 'scan', paths: ['/photos'] });
  assert.deepEqual(parseJobSpec('train', { message: 'Overnight retraining: due', options: { epochs: 10 }, deadline: '2026-11-27T05:00:00.000Z' }), {
    kind: 'train',
    mode: 'retrain',
    message: 'Overnight retraining: due',
    options: { epochs: 10 },
    deadline: '2026-11-27T05:00:00.000Z',
  });
  assert.deepEqual(parseJobSpec('train', { firstModel: true }), { kind: 'train', mode: 'first-model' });
  assert.deepEqual(parseJobSpec('embed', {}), { kind: 'embed' });
  assert.deepEqual(parseJobSpec('cluster', {}), { kind: 'cluster', mode: 'regroup' });
  // A train job with nothing kept was restarted as a default retrain.
  assert.deepEqual(parseJobSpec('train', {}), {
    kind: 'train',
    mode: 'retrain',
    message: 'Training the model on your photos',
    options: { epochs: 10 },
    deadline: null,
  });
  // What the CLI handed to the app's queue: its spec with `kind`, without `mode`.
  assert.deepEqual(parseJobSpec('train', { kind: 'train', message: 'Training a model version', recipe: { preset: 'tiny', maxSteps: 3 } }), {
    kind: 'train',
    mode: 'recipe',
    message: 'Training a model version',
    recipe: { preset: 'tiny', maxSteps: 3 },
  });
  assert.deepEqual(parseJobSpec('train', { kind: 'train', message: 'Retraining', options: { epochs: 2 }, deadline: null }), {
    kind: 'train',
    mode: 'retrain',
    message: 'Retraining',
    options: { epochs: 2 },
    deadline: null,
  });
  assert.deepEqual(parseJobSpec('cluster', { kind: 'cluster', force: true }), { kind: 'cluster', mode: 'clusters', force: true });
  assert.deepEqual(parseJobSpec('duplicates', { kind: 'duplicates' }), { kind: 'duplicates' });
  // Old params are validated like today's.
  assert.throws(() => parseJobSpec('scan', { paths: 'nope' }), /paths: .*expected array/i);
});

const tmp = tempDir('jobs-spec');
const home = join(tmp.path, 'home');
const photos = join(tmp.path, 'photos');
let core: Core;

before(async () => {
  for (let i = 0; i < 3; i++) await writePicture(join(photos, `p${i}.jpg`), 210 + i);
  core = openCore(home);
});

after(() => {
  closeCore(core);
  tmp.cleanup();
});

/** A job record as an older Likeness left it, unfinished, with its params in the old shape. */
function oldJob(kind: HeavySpec['kind'], state: 'queued' | 'running' | 'paused', params: unknown): number {
  const id = reserveJobId(core.db, kind);
  saveJob(core.db, {
    id,
    kind,
    state,
    done: 0,
    total: 0,
    rate: null,
    etaSeconds: null,
    message: 'from an older version',
    error: null,
    startedAt: null,
    finishedAt: null,
  });
  setJobParams(core.db, id, params);
  return id;
}

test('jobs an older version left unfinished start again from their old params', async () => {
  oldJob('scan', 'running', { paths: [photos] });
  // An overnight retrain whose window has closed is left to the schedule; a first model to its flow.
  oldJob('train', 'queued', { message: 'Overnight retraining: due', options: { epochs: 10 }, deadline: '2020-01-01T05:00:00.000Z' });
  oldJob('train', 'queued', { firstModel: true });
  oldJob('scan', 'queued', { paths: 7 });
  const store = new SqliteJobStore(core.db);
  const service = new LikenessService(core, new JobRunner(store));
  const resumed = service.work.resumeInterrupted(store.takeInterrupted());
  assert.deepEqual(
    resumed.map((j) => [j.kind, j.message]),
    [['scan', `Indexing ${photos}`]],
  );
  await service.jobs.idle();
  assert.equal(service.jobs.get(resumed[0]!.id)!.state, 'done');
  assert.equal(libraryCounts(core.db).photos, 3);
  // Started again in today's shape.
  assert.deepEqual(store.params(resumed[0]!.id), { kind: 'scan', paths: [photos] });
});

test('work a CLI submits with wrong params fails, saying why; it never runs', () => {
  const runner = new JobRunner(new SqliteJobStore(core.db));
  const service = new LikenessService(core, runner);
  const poller = new JobRequestPoller(core.db, runner, 60_000, (job, params) => service.work.submittedWork(job, params));
  const id = submitJob(core.db, 'embed', 'Computing embeddings', { kind: 'embed', backend: 'quantum' });
  poller.poll();
  const job = getJob(core.db, id)!;
  assert.equal(job.state, 'failed');
  assert.match(job.error ?? '', /cannot run it: embed job params are not valid: backend: /);
  assert.equal(runner.list().filter((j) => j.state === 'queued' || j.state === 'running').length, 0);
});
