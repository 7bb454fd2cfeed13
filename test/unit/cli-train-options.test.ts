// Recipe flags of `likeness train` (shared by eval and bench) become the stored model settings:
// here the local term's map size (which must name one of the encoder's block maps), the debiased InfoNCE prior, CutMix, the hue turn and weight decay.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trainOptionsFrom } from '../../src/main/cli/train';
import { UsageError } from '../../src/main/cli/command';
import { buildConfig } from '../../src/main/model/train';
import { paramSpecs } from '../../src/main/model/params';
import { describeConfig } from '../../src/main/model/trainer';
import { validateConfig } from '../../src/main/model/config';

test('the local term reads the 8×8 map of a 64×64 encoder by default; --local-map-size 4 moves it to the last; other sizes are refused', () => {
  const plain = buildConfig(trainOptionsFrom({}));
  const options = trainOptionsFrom({ 'local-map-size': '4', 'crop-min-scale': '0.5' });
  const config = buildConfig(options);
  assert.equal(config.localMapSize, 4);
  assert.equal(config.cropMinScale, 0.5);
  assert.equal(plain.localMapSize, 8, 'the default: the map one block before the last');
  const localInput = (c: typeof config) => paramSpecs(c).find((s) => s.name === 'local/phi1/w')!.shape[0];
  assert.equal(localInput(plain), plain.blockFilters.at(-2));
  assert.equal(localInput(config), config.blockFilters.at(-1), 'the 4×4 map is the last block map');
  assert.equal(buildConfig(trainOptionsFrom({ 'input-size': '96' })).localMapSize, 6, 'at 96×96 the map before the last is 6×6');
  assert.throws(() => buildConfig(trainOptionsFrom({ 'local-map-size': '5' })), /local map size 5: the blocks' maps are 32, 16, 8, 4/);
  assert.throws(() => trainOptionsFrom({ 'local-map-size': '8.5' }), UsageError);
});

test('--same-kind-prior reaches the stored settings and the model description; values outside [0, 1) are refused', () => {
  const config = buildConfig(trainOptionsFrom({ 'same-kind-prior': '0.1' }));
  assert.equal(config.sameKindPrior, 0.1);
  assert.match(describeConfig(config), /NCE debiased τ⁺ 0\.1/);
  assert.throws(() => trainOptionsFrom({ 'same-kind-prior': '1' }), UsageError);
  assert.throws(() => validateConfig({ ...config, sameKindPrior: -0.1 }), /same-kind prior/);
});

test('CutMix is on by default and gives way to options it does not apply with; --cutmix sets it; values outside [0, 1] are refused', () => {
  const config = buildConfig(trainOptionsFrom({}));
  assert.equal(config.cutMix, 1, 'on by default');
  assert.match(describeConfig(config), /, CutMix 1,/);
  assert.equal(buildConfig(trainOptionsFrom({ cutmix: '0.5' })).cutMix, 0.5);
  assert.doesNotMatch(describeConfig(buildConfig(trainOptionsFrom({ cutmix: '0' }))), /CutMix/);
  for (const other of [{ views: '1' }, { estimator: 'js' }, { 'same-kind-prior': '0.1' }]) {
    assert.equal(buildConfig(trainOptionsFrom(other)).cutMix, undefined, JSON.stringify(other));
    assert.throws(() => buildConfig(trainOptionsFrom({ ...other, cutmix: '1' })), /cutmix needs two views and plain InfoNCE/);
  }
  assert.equal(buildConfig(trainOptionsFrom({ preset: 'reference' })).cutMix, undefined, "the article's settings have one view");
  assert.throws(() => trainOptionsFrom({ cutmix: '1.5' }), UsageError);
});

test('the hue turn is ±0.1 by default; --hue sets it and reaches the model description; values outside [0, 0.5] are refused', () => {
  const config = buildConfig(trainOptionsFrom({}));
  assert.equal(config.hue, 0.1, 'on by default');
  assert.match(describeConfig(config), /, hue ±0\.1,/);
  assert.equal(buildConfig(trainOptionsFrom({ hue: '0.2' })).hue, 0.2);
  assert.doesNotMatch(describeConfig(buildConfig(trainOptionsFrom({ hue: '0' }))), /hue/);
  assert.throws(() => trainOptionsFrom({ hue: '0.6' }), UsageError);
  assert.throws(() => validateConfig({ ...config, hue: -0.1 }), /hue must be in/);
});

test('weight decay is off by default; --weight-decay sets it and reaches the model description; negative values are refused', () => {
  const config = buildConfig(trainOptionsFrom({}));
  assert.equal(config.weightDecay, undefined, 'plain Adam by default');
  assert.doesNotMatch(describeConfig(config), /weight decay/);
  const decayed = buildConfig(trainOptionsFrom({ 'weight-decay': '1' }));
  assert.equal(decayed.weightDecay, 1);
  assert.match(describeConfig(decayed), /, weight decay 1\b/);
  assert.throws(() => trainOptionsFrom({ 'weight-decay': '-1' }), UsageError);
  assert.throws(() => validateConfig({ ...config, weightDecay: 1000 }), /weight decay must be/);
});
