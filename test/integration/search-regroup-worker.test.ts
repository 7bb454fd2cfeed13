// Regrouping (clusters + near-duplicates) of a large library runs in worker threads: while it
// computes, the same process keeps answering API requests. Ordering, not wall-clock: a request
// sent after the regroup has started computing (after its first progress report) must be answered
// before the regroup job finishes — impossible if the computation held the main thread, since the
// request is scheduled as a later macrotask. Also: cancelling stops the worker and saves nothing,
// and a stale Clusters request queues the work behind the running job instead of computing it.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { after, before, test } from 'node:test';
import type { ApiEvent, Job } from '../../src/shared/api';
import { dispatch } from '../../src/main/api/dispatch';
import { LikenessService } from '../../src/main/api/service';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { duplicateGroupsInWorker } from '../../src/main/search/background';
import { seededRandom } from '../../src/main/util/rng';
import { findDuplicateGroups } from '../../src/main/search/nearDuplicates';
import { planDuplicates } from '../../src/main/search/service';
import { syntheticBlobs } from '../../src/main/eval/synthetic';
import { latestClustering } from '../../src/main/store/clusters';
import { writeEmbeddings } from '../../src/main/store/embeddings';
import { insertFolder, insertPhoto } from '../../src/main/store/library';
import { picture, tempDir } from '../helpers/images';
import { activeTestModel, barePhoto, randomHash } from '../helpers/library';

const COUNT = 20000;
const DIM = 64;
const tmp = tempDir('regroup-worker');
let core: Core;
let modelId: number;

before(() => {
  core = openCore(join(tmp.path, 'home'));
  const folder = insertFolder(core.db, join(tmp.path, 'photos'), '/');
  const random = seededRandom(5);
  const photoIds: number[] = [];
  core.db.transaction(() => {
    for (let i = 0; i < COUNT; i++) {
      const facts = barePhoto(i.toString(16).padStart(64, '0'), { dhash: randomHash(random) });
      photoIds.push(insertPhoto(core.db, facts, { path: join(tmp.path, 'photos', `img${i}.jpg`), folderId: folder.id, bytes: 1000, mtimeMs: 0 }));
    }
  })();
  modelId = activeTestModel(core, DIM);
  const { vectors } = syntheticBlobs(COUNT, DIM, 40, 0.6, 500, 3);
  writeEmbeddings(
    core.db,
    modelId,
    photoIds.map((photoId, r) => ({ photoId, vector: vectors.slice(r * DIM, (r + 1) * DIM) })),
  );
});

after(() => {
  closeCore(core);
  tmp.cleanup();
});

/** Resolves with the first job event that satisfies `predicate`. */
function jobEvent(service: LikenessService, predicate: (job: Job) => boolean): Promise<Job> {
  return new Promise((resolve) => {
    const stop = service.events.subscribe((e: ApiEvent) => {
      if (e.type === 'job' && predicate(e.job)) {
        stop();
        resolve(e.job);
      }
    });
  });
}

test('cancelling a regroup stops its worker and saves nothing', async () => {
  const service = new LikenessService(core);
  const job = service.work.regroup();
  await jobEvent(service, (j) => j.id === job.id && j.state === 'running' && j.done > 0);
  const cancelled = jobEvent(service, (j) => j.id === job.id && j.state !== 'running');
  assert.ok((await dispatch(service, 'cancelJob', { id: job.id })).ok);
  assert.equal((await cancelled).state, 'cancelled');
  assert.equal(latestClustering(core.db, modelId), null, 'no clustering saved');
});

test('while 20k embeddings are regrouped in a worker, status and listPhotos answer before it ends', async () => {
  const service = new LikenessService(core);
  const order: string[] = [];
  const job = service.work.regroup();
  const finished = jobEvent(service, (j) => j.id === job.id && j.state !== 'running' && j.state !== 'queued').then((j) => {
    order.push(`regroup ${j.state}`);
    return j;
  });
  // The computation is under way once it reports progress; the requests come after, as a client's would.
  await jobEvent(service, (j) => j.id === job.id && j.state === 'running' && j.done > 0);
  order.push('regroup computing');
  await new Promise((resolve) => setTimeout(resolve, 0));
  const status = await dispatch(service, 'status', {});
  assert.ok(status.ok);
  assert.equal((status.result as { photos: number }).photos, COUNT);
  order.push('status answered');
  const page = await dispatch(service, 'listPhotos', { limit: 50 });
  assert.ok(page.ok);
  order.push('listPhotos answered');
  const done = await finished;
  assert.equal(done.state, 'done', done.error ?? '');
  assert.deepEqual(order, ['regroup computing', 'status answered', 'listPhotos answered', 'regroup done']);

  // The results were saved by the main side and are what Clusters and Duplicates now show.
  const clustering = latestClustering(core.db, modelId)!;
  assert.equal(clustering.photoCount, COUNT);
  const clusters = await dispatch(service, 'listClusters', {});
  assert.ok(clusters.ok);
  assert.ok((clusters.result as unknown[]).length >= 20, `found the blobs (${(clusters.result as unknown[]).length} clusters)`);
  assert.equal(service.jobs.pending('cluster'), undefined, 'up to date: nothing more queued');
  assert.ok((await dispatch(service, 'listDuplicates', {})).ok);
});

test('a stale Clusters request queues the regroup behind the running heavy job instead of computing it', async () => {
  const service = new LikenessService(core);
  let release!: () => void;
  const blocker = service.jobs.enqueue('scan', 'a long scan', () => new Promise<void>((resolve) => (release = resolve)));
  await jobEvent(service, (j) => j.id === blocker.id && j.state === 'running');
  // New embeddings for one photo make the stored clustering stale.
  writeEmbeddings(core.db, modelId, [{ photoId: 1, vector: new Float32Array(DIM).fill(1 / Math.sqrt(DIM)) }]);
  const before = latestClustering(core.db, modelId)!;
  const listed = await dispatch(service, 'listClusters', {});
  assert.ok(listed.ok, 'answered at once, with the clustering as it was');
  const queued = service.jobs.pending('cluster');
  assert.equal(queued?.state, 'queued', 'the regroup waits for the running job');
  assert.equal(latestClustering(core.db, modelId)!.generation, before.generation, 'nothing computed while the scan runs');
  release();
  await service.jobs.idle();
  assert.equal(service.jobs.get(queued!.id)?.state, 'done');
  assert.notEqual(latestClustering(core.db, modelId)!.generation, before.generation, 'recomputed once the scan ended');
});

test('near-duplicates found in the worker (pixel signatures read there) equal those found on the main thread', async () => {
  const small = openCore(join(tmp.path, 'home-small'));
  try {
    const photos = join(tmp.path, 'small-photos');
    for (let i = 0; i < 6; i++) {
      const original = await picture(900 + i, 480, 360)
        .jpeg({ quality: 92 })
        .toBuffer();
      mkdirSync(photos, { recursive: true });
      writeFileSync(join(photos, `p${i}.jpg`), original);
      if (i < 4)
        await sharp(original)
          .jpeg({ quality: 55 })
          .resize(360)
          .toFile(join(photos, `p${i}-copy.jpg`));
    }
    await indexFolders(small, [photos]);
    const plan = planDuplicates(small, { loadPixels: true });
    assert.equal(plan.current, null);
    assert.ok(plan.current === null && plan.signals.pixels && plan.signals.pixels.photoIds.length === 10, 'every photo has a pixel signature');
    const onMainThread = plan.current === null ? findDuplicateGroups(plan.signals, plan.photoIds).groups : [];
    const inWorker = (await duplicateGroupsInWorker(small)).map((g) => g.photoIds);
    assert.deepEqual(inWorker, onMainThread);
    assert.equal(inWorker.length, 4, 'the four re-encoded copies are found');
  } finally {
    closeCore(small);
  }
});
