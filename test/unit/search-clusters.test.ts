import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  clusterEmbeddings,
  defaultMinClusterSize,
  matchClusters,
  pickRepresentatives,
  REPRESENTATIVE_CANDIDATES,
} from '../../src/main/search/clustering';
import { EmbeddingIndex } from '../../src/main/search/knn';
import { syntheticBlobs } from '../../src/main/eval/synthetic';

function indexOf(vectors: Float32Array, dim: number): EmbeddingIndex {
  const n = vectors.length / dim;
  return new EmbeddingIndex(
    Array.from({ length: n }, (_, i) => i + 1),
    vectors,
    dim,
  );
}

/** For each found cluster, the blob most of it comes from and how pure it is. */
function agreement(found: number[][], labels: Int32Array) {
  return found.map((memberIds) => {
    const counts = new Map<number, number>();
    for (const id of memberIds) counts.set(labels[id - 1]!, (counts.get(labels[id - 1]!) ?? 0) + 1);
    const [blob, count] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    return { blob, purity: count / memberIds.length, size: memberIds.length };
  });
}

test('well-separated blobs come out as one cluster each, with no number of clusters given', () => {
  for (const [blobs, dim] of [
    [4, 64],
    [9, 128],
    [3, 256],
  ] as const) {
    const perBlob = 60;
    const { vectors, labels } = syntheticBlobs(blobs * perBlob, dim, blobs, 0.6, 0, blobs);
    const result = clusterEmbeddings(indexOf(vectors, dim));
    assert.equal(result.clusters.length, blobs, `${blobs} blobs in ${dim} dims`);
    const found = agreement(
      result.clusters.map((c) => c.memberIds),
      labels,
    );
    assert.equal(new Set(found.map((f) => f.blob)).size, blobs, 'every blob is found once');
    for (const f of found) {
      assert.equal(f.purity, 1);
      assert.ok(f.size >= perBlob * 0.9, `cluster holds most of its blob (${f.size})`);
    }
  }
});

test('many small kinds of a few photos each stay apart, not melted into one cluster', () => {
  // Twelve kinds of six photos, loose (cosine to the centre ≈ 0.7): a photo's fifth neighbour is
  // often of another kind. Read from it, the density joined most kinds into a few impure clusters
  // (3 to 7 clusters, purity 0.25–0.62, for these seeds); read from the nearest photo, each kind
  // is a cluster of its own.
  for (const seed of [1, 2, 3]) {
    const { vectors, labels } = syntheticBlobs(72, 64, 12, 1, 0, seed);
    const found = agreement(
      clusterEmbeddings(indexOf(vectors, 64)).clusters.map((c) => c.memberIds),
      labels,
    );
    assert.ok(found.length >= 11, `seed ${seed}: ${found.length} clusters for 12 kinds`);
    const clustered = found.reduce((s, f) => s + f.size, 0);
    const pure = found.reduce((s, f) => s + f.purity * f.size, 0) / clustered;
    assert.ok(pure >= 0.9, `seed ${seed}: purity ${pure.toFixed(2)}`);
    assert.ok(clustered >= 65, `seed ${seed}: ${clustered} of 72 clustered`);
  }
});

test('scattered outliers are left unclustered', () => {
  const blobs = 5;
  const outliers = 40;
  const n = blobs * 80 + outliers;
  const { vectors, labels } = syntheticBlobs(n, 64, blobs, 0.6, outliers, 21);
  const result = clusterEmbeddings(indexOf(vectors, 64));
  assert.equal(result.clusters.length, blobs);
  const clustered = new Set(result.clusters.flatMap((c) => c.memberIds));
  const outlierIds = Array.from(labels.keys())
    .filter((i) => labels[i]! < 0)
    .map((i) => i + 1);
  const outliersClustered = outlierIds.filter((id) => clustered.has(id)).length;
  assert.ok(outliersClustered <= outliers * 0.1, `${outliersClustered} of ${outliers} outliers were put in clusters`);
  assert.equal(result.unclustered, n - clustered.size);
});

test('clusters of different tightness are both found (density-based, one global threshold would not)', () => {
  const tight = syntheticBlobs(100, 64, 2, 0.3, 0, 31);
  const loose = syntheticBlobs(100, 64, 2, 0.9, 0, 32);
  const vectors = new Float32Array(200 * 64);
  vectors.set(tight.vectors, 0);
  vectors.set(loose.vectors, 100 * 64);
  const labels = new Int32Array(200);
  for (let i = 0; i < 100; i++) {
    labels[i] = tight.labels[i]!;
    labels[100 + i] = 2 + loose.labels[i]!;
  }
  const result = clusterEmbeddings(indexOf(vectors, 64));
  const found = agreement(
    result.clusters.map((c) => c.memberIds),
    labels,
  );
  assert.deepEqual([...new Set(found.map((f) => f.blob))].sort(), [0, 1, 2, 3]);
});

test('fine (leaf) selection splits no cluster across blobs and finds every blob', () => {
  const { vectors, labels } = syntheticBlobs(8 * 50, 64, 8, 0.6, 20, 55);
  const coarse = clusterEmbeddings(indexOf(vectors, 64));
  const fine = clusterEmbeddings(indexOf(vectors, 64), { selection: 'leaf' });
  assert.equal(fine.params.selection, 'leaf');
  assert.ok(fine.clusters.length >= coarse.clusters.length);
  const found = agreement(
    fine.clusters.map((c) => c.memberIds),
    labels,
  );
  for (const f of found) assert.equal(f.purity, 1);
  assert.equal(new Set(found.map((f) => f.blob)).size, 8);
});

test('representatives are the members closest to the centre, members sorted by similarity', () => {
  const { vectors } = syntheticBlobs(120, 32, 2, 0.6, 0, 41);
  const result = clusterEmbeddings(indexOf(vectors, 32));
  for (const c of result.clusters) {
    assert.equal(c.representatives.length, Math.min(REPRESENTATIVE_CANDIDATES, c.memberIds.length));
    assert.deepEqual(c.representatives, c.memberIds.slice(0, c.representatives.length));
    for (let i = 1; i < c.similarities.length; i++) assert.ok(c.similarities[i - 1]! >= c.similarities[i]!);
  }
});

test('representatives shown: one photo of each near-duplicate group first, then the copies skipped', () => {
  // Photos 1–4 are copies of one picture (group 10), 6 and 7 a burst (group 11).
  const groupOf = new Map([
    [1, 10],
    [2, 10],
    [3, 10],
    [4, 10],
    [6, 11],
    [7, 11],
  ]);
  assert.deepEqual(pickRepresentatives([1, 2, 3, 4, 5, 6, 7, 8, 9], groupOf, 4), [1, 5, 6, 8]);
  assert.deepEqual(pickRepresentatives([1, 2, 3, 4, 5, 6, 7, 8, 9], new Map(), 4), [1, 2, 3, 4]);
  // A cluster made of one picture's copies still shows its photos.
  assert.deepEqual(pickRepresentatives([1, 2, 3, 4, 6], groupOf, 4), [1, 6, 2, 3]);
});

test('the minimum cluster size grows slowly with the library', () => {
  assert.equal(defaultMinClusterSize(76), 5);
  assert.equal(defaultMinClusterSize(10000), 25);
  assert.equal(defaultMinClusterSize(100000), 79);
});

test('names follow clusters whose membership mostly stays, and only those', () => {
  const previous = [
    { id: 10, name: 'beach', memberIds: [1, 2, 3, 4, 5, 6] },
    { id: 11, name: 'cats', memberIds: [20, 21, 22, 23] },
    { id: 12, name: 'gone', memberIds: [40, 41, 42, 43] },
  ];
  const next = [
    { memberIds: [20, 21, 22, 30, 31] }, // 3 of 4 cats
    { memberIds: [1, 2, 3, 4, 7, 8, 9] }, // 4 of 6 beach, grown
    { memberIds: [40, 41, 50, 51] }, // only half of "gone": not a match
  ];
  assert.deepEqual(matchClusters(previous, next), [{ id: 11, name: 'cats' }, { id: 10, name: 'beach' }, null]);
  // A cluster split in two keeps its name on the larger part only.
  assert.deepEqual(matchClusters([{ id: 1, name: 'x', memberIds: [1, 2, 3, 4, 5] }], [{ memberIds: [1, 2] }, { memberIds: [3, 4, 5] }]), [
    null,
    { id: 1, name: 'x' },
  ]);
});
