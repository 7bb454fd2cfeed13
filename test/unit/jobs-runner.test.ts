// The job queue: one job at a time in order, light work in a lane beside it, progress with rate/ETA, cancel, pause/resume, failures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Job } from '../../src/shared/api';
import { CancelledError, ProgressTracker, throwIfCancelled } from '../../src/main/util/progress';
import { JobRunner, MemoryJobStore, type JobContext } from '../../src/main/jobs/runner';

/** Work that counts to `total`, yielding to the event loop between items, honouring the signal. */
function counting(total: number, log?: string[], name?: string) {
  return async ({ onProgress, signal }: JobContext) => {
    log?.push(`start ${name}`);
    const tracker = new ProgressTracker(onProgress, total, 0);
    for (let i = 1; i <= total; i++) {
      await new Promise((r) => setTimeout(r, 2));
      throwIfCancelled(signal);
      tracker.update(i, `item ${i}`);
    }
    log?.push(`end ${name}`);
    return `${name} finished`;
  };
}

test('runs one job at a time, in order, reporting progress', async () => {
  const runner = new JobRunner();
  const log: string[] = [];
  const events: Job[] = [];
  runner.onChange((job) => events.push(job));
  let concurrent = 0;
  let maxConcurrent = 0;
  const work = (name: string) => async (ctx: JobContext) => {
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    try {
      return await counting(5, log, name)(ctx);
    } finally {
      concurrent--;
    }
  };
  const a = runner.enqueue('scan', 'A', work('a'));
  const b = runner.enqueue('embed', 'B', work('b'));
  assert.equal(a.state, 'queued');
  await runner.idle();
  assert.equal(maxConcurrent, 1);
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b']);
  const doneA = runner.get(a.id)!;
  assert.equal(doneA.state, 'done');
  assert.equal(doneA.done, 5);
  assert.equal(doneA.total, 5);
  assert.equal(doneA.message, 'a finished');
  assert.ok(doneA.startedAt && doneA.finishedAt);
  assert.equal(runner.get(b.id)!.state, 'done');
  const running = events.filter((e) => e.id === a.id && e.state === 'running');
  assert.ok(
    running.some((e) => e.done > 0 && e.done < 5),
    'progress events while running',
  );
  assert.deepEqual(
    runner.list().map((j) => j.id),
    [b.id, a.id],
    'newest first',
  );
});

test('work in the lane beside the queue runs while heavy work does, but never beside a job of its kind', async () => {
  const runner = new JobRunner();
  const log: string[] = [];
  let finishTraining = () => {};
  const training = runner.enqueue('train', 'T', async () => {
    log.push('start train');
    await new Promise<void>((resolve) => (finishTraining = resolve));
    log.push('end train');
  });
  runner.enqueue('embed', 'E', counting(2, log, 'embed'));
  const batch = runner.enqueue('scan', 'B', counting(3, log, 'batch'), undefined, 'beside');
  for (let i = 0; i < 1000 && runner.get(batch.id)!.state !== 'done'; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(runner.get(batch.id)!.state, 'done', 'the batch did not wait for the training');
  assert.equal(runner.get(training.id)!.state, 'running');
  assert.deepEqual(log, ['start train', 'start batch', 'end batch']);
  finishTraining();
  await runner.idle();
  assert.deepEqual(log, ['start train', 'start batch', 'end batch', 'end train', 'start embed', 'end embed']);

  // A scan in the queue and a batch beside it take turns: they would read the same files.
  log.length = 0;
  runner.enqueue('scan', 'S', counting(3, log, 'scan'));
  runner.enqueue('scan', 'B2', counting(3, log, 'batch'), undefined, 'beside');
  await runner.idle();
  assert.deepEqual(log, ['start scan', 'end scan', 'start batch', 'end batch']);
});

test('cancelling a running job stops it; cancelling a queued one removes it', async () => {
  const runner = new JobRunner();
  const long = runner.enqueue('train', 'long', counting(10_000));
  const queued = runner.enqueue('embed', 'queued', counting(3));
  await waitFor(() => (runner.get(long.id)!.done ?? 0) > 2);
  runner.cancel(queued.id);
  assert.equal(runner.get(queued.id)!.state, 'cancelled');
  runner.cancel(long.id);
  await runner.idle();
  const stopped = runner.get(long.id)!;
  assert.equal(stopped.state, 'cancelled');
  assert.ok(stopped.done < 10_000);
  assert.equal(runner.get(queued.id)!.startedAt, null, 'the cancelled queued job never ran');
});

test('pause stops a running job and resume runs it again', async () => {
  const runner = new JobRunner();
  let runs = 0;
  let finished = 0;
  const job = runner.enqueue('scan', 'resumable', async (ctx) => {
    runs++;
    // Resumable work: continues from what is already done.
    const tracker = new ProgressTracker(ctx.onProgress, 50, 0);
    while (finished < 50) {
      await new Promise((r) => setTimeout(r, 2));
      throwIfCancelled(ctx.signal);
      finished++;
      tracker.update(finished);
    }
  });
  await waitFor(() => finished > 5);
  runner.pause(job.id);
  await waitFor(() => runner.get(job.id)!.state === 'paused');
  const pausedAt = finished;
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(finished, pausedAt, 'no work while paused');
  runner.resume(job.id);
  await runner.idle();
  assert.equal(runner.get(job.id)!.state, 'done');
  assert.equal(runs, 2);
  assert.equal(finished, 50);
});

test('a queued job can be paused and keeps its place out of the queue until resumed', async () => {
  const runner = new JobRunner();
  const first = runner.enqueue('scan', 'first', counting(3));
  const second = runner.enqueue('embed', 'second', counting(3));
  runner.pause(second.id);
  await runner.idle();
  assert.equal(runner.get(first.id)!.state, 'done');
  assert.equal(runner.get(second.id)!.state, 'paused');
  runner.resume(second.id);
  await runner.idle();
  assert.equal(runner.get(second.id)!.state, 'done');
});

test('a failing job is marked failed with its message and the queue goes on', async () => {
  const runner = new JobRunner();
  const bad = runner.enqueue('scan', 'bad', async () => {
    throw new Error('disk on fire');
  });
  const good = runner.enqueue('embed', 'good', counting(2));
  await runner.idle();
  assert.equal(runner.get(bad.id)!.state, 'failed');
  assert.equal(runner.get(bad.id)!.error, 'disk on fire');
  assert.equal(runner.get(good.id)!.state, 'done');
  // Work that throws CancelledError on its own (not asked to) counts as cancelled, not failed.
  const selfCancelled = runner.enqueue('train', 'x', async () => {
    throw new CancelledError();
  });
  await runner.idle();
  assert.equal(runner.get(selfCancelled.id)!.state, 'cancelled');
});

test('unknown job ids are reported, and the store keeps only recent finished jobs', async () => {
  const runner = new JobRunner(new MemoryJobStore(3));
  assert.throws(() => runner.cancel(42), /no job 42/);
  for (let i = 0; i < 6; i++) runner.enqueue('scan', `j${i}`, async () => {});
  await runner.idle();
  assert.equal(runner.list().length, 3);
  assert.equal(runner.pending('scan'), undefined);
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 2));
}

test('work that finishes despite a late stop request counts as done', async () => {
  const runner = new JobRunner();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const job = runner.enqueue('cluster', 'no checks', async () => {
    await gate; // never looks at the signal
    return 'finished anyway';
  });
  await waitFor(() => runner.get(job.id)!.state === 'running');
  runner.cancel(job.id);
  release();
  await runner.idle();
  assert.equal(runner.get(job.id)!.state, 'done');
  assert.equal(runner.get(job.id)!.message, 'finished anyway');
});

test('shutdown stops the running job and leaves it and the queued ones unfinished, to start again', async () => {
  const runner = new JobRunner();
  const running = runner.enqueue('scan', 'long', counting(10_000));
  const queued = runner.enqueue('embed', 'waiting', counting(3));
  await waitFor(() => (runner.get(running.id)!.done ?? 0) > 2);
  await runner.shutdown();
  assert.equal(runner.get(running.id)!.state, 'running');
  assert.equal(runner.get(queued.id)!.state, 'queued');
  assert.equal(runner.get(queued.id)!.startedAt, null, 'nothing new starts during shutdown');
});
