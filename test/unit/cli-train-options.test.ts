// Recipe flags of `likeness train` (shared by eval and bench) become the stored model settings:
// here the local term's map size, which must name one of the encoder's block maps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trainOptionsFrom } from '../../src/main/cli/train';
import { UsageError } from '../../src/main/cli/command';
import { buildConfig } from '../../src/main/model/train';
import { paramSpecs } from '../../src/main/model/params';

test('--local-map-size 8 puts the local term on the 8×8 map of a 64×64 encoder; other sizes are refused', () => {
  const plain = buildConfig(trainOptionsFrom({}));
  const options = trainOptionsFrom({ 'local-map-size': '8', 'crop-min-scale': '0.5' });
  const config = buildConfig(options);
  assert.equal(config.localMapSize, 8);
  assert.equal(config.cropMinScale, 0.5);
  assert.equal(plain.localMapSize, undefined, 'absent by default: the last map, as before');
  const localInput = (c: typeof config) => paramSpecs(c).find((s) => s.name === 'local/phi1/w')!.shape[0];
  assert.equal(localInput(plain), plain.blockFilters.at(-1));
  assert.equal(localInput(config), config.blockFilters.at(-2), 'the 8×8 map is the block before the last');
  assert.throws(() => buildConfig(trainOptionsFrom({ 'local-map-size': '5' })), /local map size 5: the blocks' maps are 32, 16, 8, 4/);
  assert.throws(() => trainOptionsFrom({ 'local-map-size': '8.5' }), UsageError);
});
