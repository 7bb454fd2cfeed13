// The first model's budget rule (jobs/firstModel.ts): passes over the library, a floor for tiny
// libraries, and a time cap that is only a cap (a slow or busy machine still gets its steps); and the
// setting (with its environment overrides) that turns the first model off or sets the cap.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { closeCore, openCore } from '../../src/main/core';
import {
  DEFAULT_MAX_MINUTES,
  FIRST_EPOCHS,
  firstModelBudget,
  firstModelSetting,
  MIN_STEPS,
  saveFirstModelSetting,
} from '../../src/main/jobs/firstModel';
import { tempDir } from '../helpers/images';

const tmp = tempDir('first-model-budget');
after(() => tmp.cleanup());

test('a small library gets at least MIN_STEPS steps; a larger one FIRST_EPOCHS passes', () => {
  // Fewer photos than a batch: each step is the whole library, so the steps are passes.
  const tiny = firstModelBudget(23);
  assert.equal(tiny.images, MIN_STEPS * 23);
  assert.equal(tiny.epochs, MIN_STEPS);
  const small = firstModelBudget(200);
  assert.equal(small.images, MIN_STEPS * 64);
  assert.equal(small.epochs, (MIN_STEPS * 64) / 200);
  const b = firstModelBudget(2000);
  assert.equal(b.epochs, FIRST_EPOCHS);
  assert.equal(b.images, 20_000);
  assert.throws(() => firstModelBudget(0), RangeError);
});

test('the time is the cap alone, whatever the library: training stops at the passes or the cap', () => {
  for (const photos of [23, 2000, 100_000]) assert.equal(firstModelBudget(photos).minutes, DEFAULT_MAX_MINUTES);
  assert.equal(firstModelBudget(23, 0.05).minutes, 0.05);
});

test('the setting turns the first model off and sets the cap; the environment overrides both', () => {
  const core = openCore(join(tmp.path, 'home'));
  try {
    assert.deepEqual(firstModelSetting(core, {}), { enabled: true, maxMinutes: DEFAULT_MAX_MINUTES });
    saveFirstModelSetting(core, { enabled: false });
    saveFirstModelSetting(core, { maxMinutes: 5 });
    assert.deepEqual(firstModelSetting(core, {}), { enabled: false, maxMinutes: 5 });
    assert.deepEqual(firstModelSetting(core, { LIKENESS_FIRST_MODEL: 'on', LIKENESS_FIRST_MODEL_MINUTES: '0.1' }), {
      enabled: true,
      maxMinutes: 0.1,
    });
    assert.deepEqual(firstModelSetting(core, { LIKENESS_FIRST_MODEL_MINUTES: 'lots' }), { enabled: false, maxMinutes: 5 }, 'a bad number is ignored');
  } finally {
    closeCore(core);
  }
});
