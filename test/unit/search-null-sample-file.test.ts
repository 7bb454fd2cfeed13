// The copies test's null sample kept as a file (search/nullSampleFile.ts): read back exactly as
// written; a file of another generation or size, or a damaged one, is not read; an unwritable
// folder is not an error.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readNullSample, writeNullSample } from '../../src/main/search/nullSampleFile';
import { pixelSignatures } from '../../src/main/search/pixelSignatures';
import { seededRandom } from '../../src/main/util/rng';

const dir = mkdtempSync(join(tmpdir(), 'likeness-null-sample-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function sample() {
  const random = seededRandom(3);
  const inputs = new Map<number, Uint8Array>();
  for (const id of [5, 9, 40, 41])
    inputs.set(
      id,
      Uint8Array.from({ length: 64 * 64 * 3 }, () => Math.floor(random() * 256)),
    );
  return pixelSignatures(inputs, 64);
}

test('written and read back the same; older generations are dropped', () => {
  const s = sample();
  writeNullSample(dir, 64, 7, s);
  writeNullSample(dir, 64, 8, s);
  assert.deepEqual(readdirSync(dir), ['copies-null-64-8.bin']);
  const back = readNullSample(dir, 64, 8)!;
  assert.deepEqual(back.photoIds, s.photoIds);
  assert.deepEqual([back.side, back.dim, back.views, back.coarseDim], [s.side, s.dim, s.views, s.coarseDim]);
  for (const key of ['codes', 'inverseNorms', 'coarse', 'shiftReference'] as const) assert.deepEqual(Array.from(back[key]), Array.from(s[key]), key);
});

test('another generation or size, or a damaged file, is not read', () => {
  writeNullSample(dir, 64, 8, sample());
  assert.equal(readNullSample(dir, 64, 9), null);
  assert.equal(readNullSample(dir, 96, 8), null);
  writeFileSync(join(dir, 'copies-null-64-8.bin'), Buffer.from('not a sample'));
  assert.equal(readNullSample(dir, 64, 8), null);
});

test('an unwritable folder is not an error', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  assert.doesNotThrow(() => writeNullSample(join(file, 'below'), 64, 1, sample()));
});
