// The start-up shared by the desktop app and `likeness serve` (api/startup.ts), on a real library:
// overnight retraining runs by default; adding a folder to a library with no model queues a first
// training run by itself (a small budget through LIKENESS_FIRST_MODEL_MINUTES), which becomes the
// active model, then every photo is embedded and Find similar answers from it. With the setting
// off, nothing is queued.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startLikeness, type Started } from '../../src/main/api/startup';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { countEmbeddings } from '../../src/main/store/embeddings';
import { MIN_STEPS } from '../../src/main/jobs/firstModel';
import { activeModel, getModelRecord } from '../../src/main/store/models';
import type { SimilarPhoto } from '../../src/shared/api';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('first-model');
const probe = { idleSeconds: () => Number.POSITIVE_INFINITY, onBattery: () => false };
let saved: string | undefined;

before(async () => {
  for (let i = 0; i < 8; i++) await writePicture(join(tmp.path, 'photos', `p${i}.jpg`), 70 + i);
  for (let i = 0; i < 5; i++) await writePicture(join(tmp.path, 'off', `q${i}.jpg`), 90 + i);
  saved = process.env.LIKENESS_FIRST_MODEL_MINUTES;
  process.env.LIKENESS_FIRST_MODEL_MINUTES = '0.05';
});

after(() => {
  if (saved === undefined) delete process.env.LIKENESS_FIRST_MODEL_MINUTES;
  else process.env.LIKENESS_FIRST_MODEL_MINUTES = saved;
  tmp.cleanup();
});

/** Waits for the queue to settle, again while a finished job queues the next step. */
async function settle(started: Started, done: () => boolean): Promise<void> {
  for (let round = 0; round < 50 && !done(); round++) {
    await started.service.jobs.idle();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('a folder added to a library with no model: first model, embeddings, learned Find similar — no other step', async () => {
  const core: Core = openCore(join(tmp.path, 'home'));
  const started = await startLikeness(core, { probe, watch: false });
  try {
    assert.equal(started.otherOwner, null);
    assert.ok(started.retrainer, 'overnight retraining runs by default');
    const { service } = started;
    const automation = await service.automation({});
    assert.equal(automation.firstModel.enabled, true);
    assert.equal(automation.overnight.enabled, true);
    assert.ok(automation.overnight.nextWindowStartsAt);
    assert.equal(automation.overnight.heldBack, null, 'this process retrains overnight');

    await service.addFolder({ path: join(tmp.path, 'photos') });
    const page = () => service.listPhotos({ offset: 0, limit: 1, sort: 'name', order: 'asc' });
    // The scan stores photos one at a time: ask once all eight are in, so k = 3 can be filled.
    while ((await page()).total < 8) await new Promise((resolve) => setTimeout(resolve, 50));
    const firstPhoto = async () => (await page()).photos[0];
    const quick = await service.findSimilar({ id: (await firstPhoto())!.id, k: 3 });
    await settle(started, () => {
      const model = activeModel(core.db);
      return model !== null && countEmbeddings(core.db, model.id) === 8 && !service.jobs.pending('cluster');
    });
    const model = activeModel(core.db);
    assert.ok(model, 'a model is active');
    assert.equal(countEmbeddings(core.db, model.id), 8, 'every photo embedded');
    const kinds = service.jobs
      .list()
      .reverse()
      .map((j) => `${j.kind}:${j.state}`);
    assert.deepEqual(kinds, ['scan:done', 'train:done', 'embed:done', 'cluster:done'], 'each step a job of its own');
    assert.match(service.jobs.list().find((j) => j.kind === 'train')!.message, /First model #\d+ is active/);
    // Its budget: MIN_STEPS steps of the whole library (8 photos, fewer than a batch), and the cap as the only time limit.
    const { plan } = getModelRecord(core.db, model.id)!.config as { plan: { minutes: number; epochs: number } };
    assert.deepEqual({ minutes: plan.minutes, epochs: plan.epochs }, { minutes: 0.05, epochs: MIN_STEPS });
    const learned: SimilarPhoto[] = await service.findSimilar({ id: (await firstPhoto())!.id, k: 3 });
    assert.equal(learned.length, 3);
    assert.ok(learned.every((r) => r.signal === 'learned'));
    assert.equal(quick.length, 3, 'Find similar answered as soon as the photos were indexed');
    assert.ok(
      quick.every((r) => r.signal !== 'learned'),
      `the first answer came before any model: ${quick.map((r) => r.signal).join(', ')}`,
    );
  } finally {
    await started.stop();
    closeCore(core);
  }
});

test('with the first model turned off, indexing queues no training', async () => {
  const core: Core = openCore(join(tmp.path, 'home-off'));
  const started = await startLikeness(core, { probe, watch: false, retrainOvernight: false });
  try {
    assert.equal(started.retrainer, null);
    // The library's setting stays on, and the screen is told why this process will not retrain.
    const automation = await started.service.automation({ set: { firstModel: false } });
    assert.equal(automation.overnight.enabled, true);
    assert.match(automation.overnight.heldBack ?? '', /--no-retrain-overnight/);
    await started.service.addFolder({ path: join(tmp.path, 'off') });
    await settle(started, () => false);
    assert.deepEqual(
      started.service.jobs.list().map((j) => j.kind),
      ['scan'],
    );
    assert.equal(activeModel(core.db), null);
  } finally {
    await started.stop();
    closeCore(core);
  }
});
