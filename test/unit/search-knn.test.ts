import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXACT_GRAPH_LIMIT, neighbourGraph } from '../../src/main/search/graph';
import { seededRandom } from '../../src/main/util/rng';
import { EmbeddingIndex, QUANTISED_FROM } from '../../src/main/search/knn';
import { normaliseRows } from '../../src/main/util/vectors';
import { SimdMatrix } from '../../src/main/search/simd';
import { syntheticBlobs } from '../../src/main/eval/synthetic';
import { TopK } from '../../src/main/search/topk';

function randomUnitVectors(n: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const v = new Float32Array(n * dim);
  for (let i = 0; i < v.length; i++) v[i] = random() * 2 - 1;
  return normaliseRows(v, dim);
}

/** The obvious reference: every score in float64, full sort. */
function bruteForce(vectors: Float32Array, dim: number, query: Float32Array, k: number, skip = -1) {
  const n = vectors.length / dim;
  const all: { row: number; score: number }[] = [];
  for (let r = 0; r < n; r++) {
    if (r === skip) continue;
    let s = 0;
    for (let j = 0; j < dim; j++) s += vectors[r * dim + j]! * query[j]!;
    all.push({ row: r, score: s });
  }
  return all.sort((a, b) => b.score - a.score || a.row - b.row).slice(0, k);
}

test('SIMD dot products match plain arithmetic, for dims that are not a multiple of 4 too', () => {
  for (const dim of [1, 3, 4, 7, 128, 130]) {
    const n = 37;
    const m = new SimdMatrix(n, dim);
    const v = randomUnitVectors(n, dim, dim);
    for (let r = 0; r < n; r++) m.setRow(r, v, r * dim);
    const q = randomUnitVectors(4, dim, dim + 1);
    const one = m.scores(q).slice();
    const four = m.scores4(q, 0, 3, 2, n - 2).slice();
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < 4; i++) {
        let ref = 0;
        for (let j = 0; j < dim; j++) ref += v[r * dim + j]! * q[i * dim + j]!;
        if (i === 0) assert.ok(Math.abs(one[r]! - ref) < 1e-5, `dots dim ${dim} row ${r}`);
        if (r >= 2) assert.ok(Math.abs(four[4 * (r - 2) + i]! - (i < 3 ? ref : 0)) < 1e-5, `dots4 dim ${dim} row ${r} q ${i}`);
      }
    }
  }
});

test('TopK keeps the k largest, best first, ties by index', () => {
  const random = seededRandom(3);
  const scores = Array.from({ length: 1000 }, () => Math.round(random() * 50));
  const top = new TopK(10);
  top.pushAll(scores, scores.length);
  const expected = scores
    .map((score, index) => ({ index, score }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, 10);
  assert.deepEqual(
    top.sorted().map((s) => s.score),
    expected.map((s) => s.score),
  );
});

test('exact kNN equals a brute-force reference on random vectors (and excludes the query photo)', () => {
  for (const dim of [128, 256, 50]) {
    const n = 3000;
    const vectors = randomUnitVectors(n, dim, dim);
    const ids = Array.from({ length: n }, (_, i) => 1000 + i * 3);
    const index = new EmbeddingIndex(ids, vectors, dim);
    const queries = randomUnitVectors(20, dim, 99);
    for (let q = 0; q < 20; q++) {
      const query = queries.subarray(q * dim, (q + 1) * dim);
      const got = index.search(query, 20);
      const want = bruteForce(vectors, dim, query, 20);
      assert.deepEqual(
        got.map((g) => g.row),
        want.map((w) => w.row),
      );
      got.forEach((g, i) => assert.ok(Math.abs(g.score - want[i]!.score) < 1e-5));
    }
    for (const row of [0, 17, n - 1]) {
      const got = index.searchPhoto(ids[row]!, 10);
      assert.ok(!got.some((g) => g.row === row), 'the query photo is not its own neighbour');
      assert.deepEqual(
        got.map((g) => g.row),
        bruteForce(vectors, dim, vectors.subarray(row * dim, (row + 1) * dim), 10, row).map((w) => w.row),
      );
    }
  }
});

test('large libraries (int8 first pass + float32 rescoring) still return exactly the brute-force top k', () => {
  const dim = 64;
  const n = QUANTISED_FROM + 500;
  // Clustered data has many near-ties among the top k, where quantisation errors would show.
  const { vectors } = syntheticBlobs(n, dim, 30, 0.8, 100, 9);
  const index = new EmbeddingIndex(
    Array.from({ length: n }, (_, i) => i + 1),
    vectors,
    dim,
  );
  for (let q = 0; q < 15; q++) {
    const row = (q * 7919) % n;
    const got = index.searchPhoto(row + 1, 20);
    assert.ok(index.lastRescored >= 20, 'the first pass was used');
    assert.deepEqual(
      got.map((g) => g.row),
      bruteForce(vectors, dim, vectors.subarray(row * dim, (row + 1) * dim), 20, row).map((w) => w.row),
    );
  }
  const outside = randomUnitVectors(1, dim, 5);
  assert.deepEqual(
    index.search(outside, 10).map((g) => g.row),
    bruteForce(vectors, dim, outside, 10).map((w) => w.row),
  );
});

test('k larger than the library returns everything else', () => {
  const index = new EmbeddingIndex([1, 2, 3], randomUnitVectors(3, 8, 1), 8);
  assert.equal(index.searchPhoto(2, 50).length, 2);
  assert.equal(index.search(randomUnitVectors(1, 8, 2), 50).length, 3);
});

test('the neighbour graph is exact for small libraries and finds ≥ 98% of true neighbours when partitioned', () => {
  const small = syntheticBlobs(500, 32, 5, 0.7, 20, 5);
  const smallIndex = new EmbeddingIndex(
    Array.from({ length: 500 }, (_, i) => i + 1),
    small.vectors,
    32,
  );
  const g = neighbourGraph(smallIndex, 8);
  assert.equal(g.exact, true);
  for (const row of [0, 250, 499]) {
    assert.deepEqual(
      Array.from(g.neighbours.subarray(row * 8, row * 8 + 8)),
      smallIndex.search(smallIndex.vector(row), 8, row).map((n) => n.row),
    );
  }

  const n = EXACT_GRAPH_LIMIT + 1000;
  const big = syntheticBlobs(n, 32, 40, 0.7, 200, 6);
  const bigIndex = new EmbeddingIndex(
    Array.from({ length: n }, (_, i) => i + 1),
    big.vectors,
    32,
  );
  const graph = neighbourGraph(bigIndex, 10);
  assert.equal(graph.exact, false);
  let found = 0;
  let total = 0;
  for (let row = 0; row < n; row += 97) {
    const truth = new Set(bigIndex.search(bigIndex.vector(row), 10, row).map((x) => x.row));
    for (const other of graph.neighbours.subarray(row * 10, row * 10 + 10)) if (truth.has(other)) found++;
    total += 10;
  }
  assert.ok(found / total >= 0.98, `graph recall ${found / total}`);
});
