// The first model's budget rule (jobs/firstModel.ts): passes over the library at the backend's
// speed, a floor for tiny libraries, a cap that a faster backend fills with more images; and the
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
  MIN_IMAGES,
  MIN_MINUTES,
  NOMINAL_IMAGES_PER_SECOND,
  saveFirstModelSetting,
  speedClassOf,
} from '../../src/main/jobs/firstModel';
import { tempDir } from '../helpers/images';

const tmp = tempDir('first-model-budget');
after(() => tmp.cleanup());

const wasm = NOMINAL_IMAGES_PER_SECOND.wasm * 2;
const gpu = NOMINAL_IMAGES_PER_SECOND.gpu;

test('a small library gets at least MIN_IMAGES images and MIN_MINUTES', () => {
  const b = firstModelBudget(23, wasm);
  assert.equal(b.images, MIN_IMAGES);
  assert.equal(b.epochs, MIN_IMAGES / 23);
  assert.equal(b.minutes, MIN_MINUTES, 'the floor: 6400 images take under a minute at wasm speed');
});

test('the budget grows with the library: FIRST_EPOCHS passes, in the time the backend needs for them', () => {
  const b = firstModelBudget(2000, wasm);
  assert.equal(b.epochs, FIRST_EPOCHS);
  assert.equal(b.images, 20_000);
  assert.ok(Math.abs(b.minutes - 20_000 / wasm / 60) < 1e-9);
  const bigger = firstModelBudget(4000, wasm);
  assert.ok(bigger.minutes > b.minutes && bigger.minutes <= DEFAULT_MAX_MINUTES);
});

test('the cap bounds the time; a GPU reaches the passes sooner and, when capped, sees more images in the same minutes', () => {
  const huge = 100_000;
  const onWasm = firstModelBudget(huge, wasm);
  const onGpu = firstModelBudget(huge, gpu);
  assert.equal(onWasm.minutes, DEFAULT_MAX_MINUTES);
  assert.equal(onGpu.minutes, DEFAULT_MAX_MINUTES);
  // Images actually seen = the smaller of the epochs' images and what the speed allows in the minutes.
  const seen = (b: ReturnType<typeof firstModelBudget>, rate: number) => Math.min(b.images, rate * b.minutes * 60);
  assert.equal(seen(onGpu, gpu) / seen(onWasm, wasm), gpu / wasm, 'images in proportion to speed');
  const mid = 5000;
  assert.ok(firstModelBudget(mid, gpu).minutes < firstModelBudget(mid, wasm).minutes, 'the same passes take a GPU fewer minutes');
  assert.equal(firstModelBudget(mid, wasm, 0.05).minutes, 0.05, 'a smaller cap wins over the floor');
  assert.throws(() => firstModelBudget(0, wasm), RangeError);
});

test('backends fall into speed classes', () => {
  assert.equal(speedClassOf('wasm', 'webgpu: no adapter'), 'wasm');
  assert.equal(speedClassOf('webgpu', 'GPU adapter nvidia'), 'gpu');
  assert.equal(speedClassOf('vulkan (GPU window)', 'GPU amd'), 'gpu');
  assert.equal(speedClassOf('tensorflow', 'tfjs-node-gpu with a CUDA device'), 'gpu');
  assert.equal(speedClassOf('tensorflow', 'tfjs-node (webgpu: no adapter)'), 'tensorflow');
  assert.equal(speedClassOf('cpu', 'chosen'), 'cpu');
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
