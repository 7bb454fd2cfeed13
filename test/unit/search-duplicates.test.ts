import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbeddingIndex } from '../../src/main/search/knn';
import { normaliseRows } from '../../src/main/util/vectors';
import { chooseKeeper, duplicateThreshold, findDuplicateGroups, normalQuantile, similarShotThreshold } from '../../src/main/search/nearDuplicates';
import { seededRandom } from '../../src/main/util/rng';

test('normal quantile and the Bonferroni threshold', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
  assert.ok(Math.abs(normalQuantile(1e-6) + 4.753424) < 1e-4);
  assert.ok(duplicateThreshold(1000, 1) > 5.3 && duplicateThreshold(1000, 1) < 5.7);
  assert.ok(duplicateThreshold(1000, 2) > duplicateThreshold(1000, 1));
  assert.ok(duplicateThreshold(100000) > duplicateThreshold(1000));
});

test('similar shots: one expected chance suggestion over all pairs, never under z 2, always under the duplicate rule', () => {
  assert.equal(similarShotThreshold(5), 2, 'a handful of photos: the conventional two standard deviations');
  // 300 photos, 44,850 pairs: the one-sided tail of 1/44,850.
  assert.ok(Math.abs(similarShotThreshold(300) + normalQuantile(1 / 44_850)) < 1e-9);
  assert.ok(Math.abs(similarShotThreshold(300) - 4.08) < 0.01);
  for (const n of [10, 100, 1000, 100_000]) {
    assert.ok(similarShotThreshold(n * 10) > similarShotThreshold(n), `rises with the library (${n})`);
    assert.ok(similarShotThreshold(n) < duplicateThreshold(n, 1), `laxer than a duplicate (${n})`);
  }
});

test('the keeper is the largest resolution, then the oldest', () => {
  const photo = (id: number, pixels: number, takenAt: string | null, addedAt = '2026-01-01') => ({ id, pixels, takenAt, addedAt });
  assert.equal(chooseKeeper([photo(1, 100, null), photo(2, 400, null), photo(3, 400, null)]), 2);
  assert.equal(chooseKeeper([photo(1, 400, '2020-05-01'), photo(2, 400, '2019-01-01')]), 2);
  assert.equal(chooseKeeper([photo(1, 400, null), photo(2, 400, '2021-01-01')]), 2, 'a dated copy is older than an undated one');
  assert.equal(chooseKeeper([photo(5, 400, null, '2026-02-01'), photo(6, 400, null, '2026-01-01')]), 6);
});

test('pairs far outside the random-pair distribution of either signal are grouped; merely similar ones are not', () => {
  const random = seededRandom(5);
  const dim = 64;
  const n = 300;
  const vectors = new Float32Array(n * dim);
  for (let i = 0; i < vectors.length; i++) vectors[i] = random() * 2 - 1;
  const hashes = new Map<number, Uint8Array>();
  for (let i = 0; i < n; i++)
    hashes.set(
      i + 1,
      Uint8Array.from({ length: 8 }, () => Math.floor(random() * 256)),
    );
  const mix = (target: number, source: number, noise: number) => {
    for (let j = 0; j < dim; j++) vectors[target * dim + j] = vectors[source * dim + j]! + noise * (random() * 2 - 1);
  };
  // Photos 2 and 3 are copies of 1: nearly the same vector and a couple of hash bits flipped.
  for (const copy of [1, 2]) {
    mix(copy, 0, 0.03);
    const h = Uint8Array.from(hashes.get(1)!);
    h[copy] ^= 1 << copy;
    hashes.set(copy + 1, h);
  }
  // Photo 21 is a crop of 20: the embedding barely moves, the hash only leans towards "same".
  mix(20, 19, 0.03);
  hashes.set(
    21,
    hashes.get(20)!.map((b, i) => (i < 3 ? b ^ 0xff : b)),
  );
  // Photo 41 is not a crop of 40 though the embedding finds them near-identical: the hash puts them
  // farther apart than unrelated photos, so it vetoes.
  mix(40, 39, 0.03);
  hashes.set(
    41,
    hashes.get(40)!.map((b) => b ^ 0xf7),
  );
  // Photo 31 merely resembles 30 (cosine ≈ 0.4, hash unrelated): not a duplicate.
  mix(30, 29, 2.5);
  normaliseRows(vectors, dim);
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const analysis = findDuplicateGroups({ index: new EmbeddingIndex(ids, vectors, dim), hashes }, ids);
  assert.deepEqual(analysis.groups, [
    [1, 2, 3],
    [20, 21],
  ]);

  // Without a model, the hash alone still finds the copies (and cannot see the crop).
  const hashOnly = findDuplicateGroups({ index: null, hashes }, ids);
  assert.deepEqual(hashOnly.groups, [[1, 2, 3]]);
});
