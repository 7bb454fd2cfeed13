import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbeddingIndex, normaliseRows } from '../../src/main/search/knn';
import { chooseKeeper, duplicateThreshold, findDuplicateGroups, normalQuantile } from '../../src/main/search/nearDuplicates';
import { seededRandom } from '../../src/main/search/graph';

test('normal quantile and the Bonferroni threshold', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
  assert.ok(Math.abs(normalQuantile(1e-6) + 4.753424) < 1e-4);
  assert.ok(duplicateThreshold(1000) > 5.3 && duplicateThreshold(1000) < 5.7);
  assert.ok(duplicateThreshold(100000) > duplicateThreshold(1000));
});

test('the keeper is the largest resolution, then the oldest', () => {
  const photo = (id: number, pixels: number, takenAt: string | null, addedAt = '2026-01-01') => ({ id, pixels, takenAt, addedAt });
  assert.equal(chooseKeeper([photo(1, 100, null), photo(2, 400, null), photo(3, 400, null)]), 2);
  assert.equal(chooseKeeper([photo(1, 400, '2020-05-01'), photo(2, 400, '2019-01-01')]), 2);
  assert.equal(chooseKeeper([photo(1, 400, null), photo(2, 400, '2021-01-01')]), 2, 'a dated copy is older than an undated one');
  assert.equal(chooseKeeper([photo(5, 400, null, '2026-02-01'), photo(6, 400, null, '2026-01-01')]), 6);
});

test('pairs far outside the random-pair distribution of both signals are grouped; the rest are not', () => {
  const random = seededRandom(5);
  const dim = 64;
  const n = 300;
  const vectors = new Float32Array(n * dim);
  for (let i = 0; i < vectors.length; i++) vectors[i] = random() * 2 - 1;
  const hashes = new Map<number, Uint8Array>();
  for (let i = 0; i < n; i++) hashes.set(i + 1, Uint8Array.from({ length: 8 }, () => Math.floor(random() * 256)));
  // Photos 2 and 3 are copies of 1: nearly the same vector and a couple of hash bits flipped.
  for (const copy of [1, 2]) {
    for (let j = 0; j < dim; j++) vectors[copy * dim + j] = vectors[j]! + 0.05 * (random() - 0.5);
    const h = Uint8Array.from(hashes.get(1)!);
    h[copy] ^= 1 << copy;
    hashes.set(copy + 1, h);
  }
  // Photo 11 resembles 10 in embedding only (a similar scene, laid out differently: the hash disagrees).
  for (let j = 0; j < dim; j++) vectors[10 * dim + j] = vectors[9 * dim + j]! + 0.9 * (random() - 0.5);
  hashes.set(11, hashes.get(10)!.map((b) => b ^ 0xf0));
  normaliseRows(vectors, dim);
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const analysis = findDuplicateGroups({ index: new EmbeddingIndex(ids, vectors, dim), hashes }, ids);
  assert.deepEqual(analysis.groups, [[1, 2, 3]]);

  // Without a model, the hash alone still finds exact-ish copies.
  const hashOnly = findDuplicateGroups({ index: null, hashes }, ids);
  assert.deepEqual(hashOnly.groups, [[1, 2, 3]]);
});
