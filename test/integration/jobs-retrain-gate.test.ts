// Retraining safety: a new version becomes active only if it passes the quality gate on the
// user's own photos; a broken model is refused, and an older version can be brought back.
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { RETRAIN_WEIGHT_DECAY, retrain } from '../../src/main/jobs/retrain';
import { ensureModelInputs } from '../../src/main/library/modelInput';
import { indexFolders } from '../../src/main/library/scan';
import { embedLibrary } from '../../src/main/model/embed';
import { loadWeights, saveWeights } from '../../src/main/model/weightsFile';
import { qualityGate } from '../../src/main/jobs/qualityGate';
import { trainModel } from '../../src/main/model/train';
import { activateModel, activeModel, createModel, finishModel, getModel, getModelRecord } from '../../src/main/store/models';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('retrain');
let core: Core;
const tiny = { preset: 'tiny' as const, inputSize: 16, workers: 1, seed: 9 };

before(async () => {
  const folder = join(tmp.path, 'photos');
  for (let i = 0; i < 12; i++) await writePicture(join(folder, `p${i}.jpg`), 500 + i, 'jpeg', 240, 180);
  core = openCore(join(tmp.path, 'data'));
  await indexFolders(core, [folder]);
  await ensureModelInputs(core, 16);
});
after(() => {
  closeCore(core);
  tmp.cleanup();
});

/** A version with every weight set to zero: its embeddings carry no information at all. */
function brokenCopyOf(modelId: number): number {
  const record = getModelRecord(core.db, modelId)!;
  const { config, values } = loadWeights(join(core.dataDir.root, record.weightsPath!));
  const id = createModel(core.db, {
    config: record.config,
    inputSize: config.inputSize,
    embeddingDim: config.zDim,
    backend: 'test',
    device: 'test',
    parentId: modelId,
    weightsPath: null,
  });
  const dir = join(core.dataDir.modelDir(id), 'weights');
  saveWeights(dir, config, new Map([...values].map(([name, v]) => [name, new Float32Array(v.length)])));
  finishModel(core.db, id, { status: 'ready', weightsPath: relative(core.dataDir.root, dir) });
  return id;
}

test('the gate refuses a broken model and accepts a working one against it; rollback restores a version', async () => {
  const good = await trainModel(core, { ...tiny, maxSteps: 3 });
  assert.equal(activeModel(core.db)?.id, good.id);
  await embedLibrary(core, { modelId: good.id });
  const broken = brokenCopyOf(good.id);
  assert.equal(getModel(core.db, good.id)!.recipe, 'tiny · from scratch');
  assert.equal(getModel(core.db, broken)!.recipe, `tiny · continued from #${good.id}`);
  await embedLibrary(core, { modelId: broken });

  const refused = await qualityGate(core, broken, good.id, { sample: 8 });
  assert.equal(refused.passed, false, refused.reason);
  assert.ok(refused.candidate < refused.active!, `${refused.candidate} < ${refused.active}`);
  assert.equal(refused.queries, 8 * 6);
  assert.match(refused.reason, /kept the active model/);

  const accepted = await qualityGate(core, good.id, broken, { sample: 8 });
  assert.equal(accepted.passed, true, accepted.reason);
  const same = await qualityGate(core, good.id, good.id, { sample: 8 });
  assert.equal(same.passed, true, 'a model is never worse than itself');

  // Rollback: activating an older version makes it the one searched, and keeps the other.
  activateModel(core.db, broken);
  assert.equal(activeModel(core.db)?.id, broken);
  activateModel(core.db, good.id);
  assert.equal(activeModel(core.db)?.id, good.id);
  assert.equal(getModel(core.db, broken)?.status, 'ready');
});

test('a full retrain trains, embeds, gates and activates, and says so in one line', async () => {
  const before = activeModel(core.db)!;
  const stages: string[] = [];
  const outcome = await retrain(core, { epochs: 1, gateSample: 6, onStage: (s) => stages.push(s) });
  assert.deepEqual(stages.slice(0, 3), ['training', 'embedding', 'checking quality']);
  const model = getModel(core.db, outcome.modelId)!;
  assert.notEqual(model.id, before.id);
  const stored = getModelRecord(core.db, model.id)!.config as { model: { weightDecay?: number } };
  assert.equal(stored.model.weightDecay, RETRAIN_WEIGHT_DECAY, 'retrains decay the weights');
  // The versions before were 'tiny' ones, another architecture: this one started from scratch.
  assert.equal(model.recipe, `fast · from scratch · weight decay ${RETRAIN_WEIGHT_DECAY}`, 'the version says how it was trained');
  assert.ok(model.note && model.note.length > 0, 'the gate result is recorded on the version');
  if (outcome.activated) {
    assert.equal(activeModel(core.db)?.id, outcome.modelId);
    assert.match(outcome.summary, /New model \d+ is active: \d+ clusters, \d+ duplicate sets/);
  } else {
    assert.equal(activeModel(core.db)?.id, before.id);
    assert.match(outcome.summary, /kept model/);
  }
});
