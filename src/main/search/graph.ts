// The k-nearest-neighbour graph of a whole library (for clusters and near-duplicates).
// All-pairs is quadratic: 100k × 100k × 256 multiply-adds is ~2 minutes even with SIMD. Up to
// EXACT_GRAPH_LIMIT rows the graph is exact; above, rows are partitioned by spherical k-means
// (√n lists) and each list is compared only with the lists whose centres are nearest to its own,
// which finds almost all true neighbours of clustered data at a few per cent of the cost.
import { ProgressTracker, throwIfCancelled, type ProgressSink } from '../util/progress';
import { seededRandom } from '../util/rng';
import type { EmbeddingIndex } from './knn';
import { SimdMatrix } from './simd';
import { TopK } from './topk';

export const EXACT_GRAPH_LIMIT = 15000;

export interface NeighbourGraph {
  k: number;
  /** n × k row indices, best first; −1 where a row has fewer than k neighbours. */
  neighbours: Int32Array;
  /** n × k cosine similarities matching `neighbours`. */
  scores: Float32Array;
  exact: boolean;
}

export interface GraphOptions {
  onProgress?: ProgressSink;
  signal?: AbortSignal;
  /** Fraction of the lists each list is compared with when partitioned (default 1/16, at least 8 lists). */
  probeFraction?: number;
  seed?: number;
}

export function neighbourGraph(index: EmbeddingIndex, k: number, options: GraphOptions = {}): NeighbourGraph {
  const n = index.size;
  const kk = Math.max(0, Math.min(k, n - 1));
  const neighbours = new Int32Array(n * k).fill(-1);
  const scores = new Float32Array(n * k).fill(-Infinity);
  const tracker = new ProgressTracker(options.onProgress ?? (() => {}), n);
  const store = (row: number, top: TopK) => {
    const sorted = top.sorted();
    for (let i = 0; i < sorted.length; i++) {
      neighbours[row * k + i] = sorted[i]!.index;
      scores[row * k + i] = sorted[i]!.score;
    }
  };
  if (n <= EXACT_GRAPH_LIMIT) {
    const m = index.matrix;
    const data = m.data.slice();
    for (let row = 0; row < n; row += 4) {
      throwIfCancelled(options.signal);
      const count = Math.min(4, n - row);
      const tops = Array.from({ length: count }, () => new TopK(kk));
      const out = m.scores4(packRows(data, m.stride, index.dim, row, count), 0, count);
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < count; i++) {
          const s = out[4 * r + i]!;
          if (s > tops[i]!.threshold && r !== row + i) tops[i]!.push(r, s);
        }
      }
      tops.forEach((t, i) => store(row + i, t));
      tracker.update(row + count);
    }
    return { k, neighbours, scores, exact: true };
  }

  const dim = index.dim;
  const source = index.matrix;
  const all = source.data.slice();
  const stride = source.stride;
  const nlist = Math.round(Math.sqrt(n));
  const centroids = sphericalKMeans(all, n, dim, stride, nlist, options.seed ?? 1, options.signal);
  const list = assign(all, n, dim, stride, centroids, nlist);
  // Rows reordered by list so that each list is one contiguous range of the matrix.
  const starts = new Int32Array(nlist + 1);
  for (let r = 0; r < n; r++) starts[list[r]! + 1]!++;
  for (let l = 0; l < nlist; l++) starts[l + 1]! += starts[l]!;
  const fill = starts.slice(0, nlist);
  const order = new Int32Array(n);
  for (let r = 0; r < n; r++) order[fill[list[r]!]!++] = r;
  const sorted = new SimdMatrix(n, dim);
  const sortedData = sorted.data;
  for (let i = 0; i < n; i++) sortedData.set(all.subarray(order[i]! * stride, order[i]! * stride + stride), i * stride);

  const nprobe = Math.min(nlist, Math.max(8, Math.ceil(nlist * (options.probeFraction ?? 1 / 16))));
  const centroidMatrix = new SimdMatrix(nlist, dim);
  for (let l = 0; l < nlist; l++) centroidMatrix.setRow(l, centroids, l * dim);
  let done = 0;
  for (let l = 0; l < nlist; l++) {
    throwIfCancelled(options.signal);
    const near = new TopK(nprobe);
    near.pushAll(centroidMatrix.scores(centroids, l * dim), nlist);
    const probes = near.sorted().map((s) => s.index);
    for (let at = starts[l]!; at < starts[l + 1]!; at += 4) {
      const count = Math.min(4, starts[l + 1]! - at);
      const tops = Array.from({ length: count }, () => new TopK(kk));
      const queries = packRows(sortedData, stride, dim, at, count);
      for (const p of probes) {
        const first = starts[p]!;
        const rows = starts[p + 1]! - first;
        if (rows === 0) continue;
        const out = sorted.scores4(queries, 0, count, first, rows);
        for (let r = 0; r < rows; r++) {
          for (let i = 0; i < count; i++) {
            const s = out[4 * r + i]!;
            if (s > tops[i]!.threshold && first + r !== at + i) tops[i]!.push(order[first + r]!, s);
          }
        }
      }
      tops.forEach((t, i) => store(order[at + i]!, t));
      done += count;
    }
    tracker.update(done);
  }
  return { k, neighbours, scores, exact: false };
}

/** `count` consecutive rows starting at `row`, unpadded (dim floats each), as scores4 expects. */
function packRows(data: Float32Array, stride: number, dim: number, row: number, count: number): Float32Array {
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) out.set(data.subarray((row + i) * stride, (row + i) * stride + dim), i * dim);
  return out;
}

/** Index of the most similar centroid for every row. */
export function assign(data: Float32Array, n: number, dim: number, stride: number, centroids: Float32Array, count: number): Int32Array {
  const matrix = new SimdMatrix(count, dim);
  for (let c = 0; c < count; c++) matrix.setRow(c, centroids, c * dim);
  const result = new Int32Array(n);
  for (let row = 0; row < n; row += 4) {
    const q = Math.min(4, n - row);
    const out = matrix.scores4(packRows(data, stride, dim, row, q), 0, q);
    for (let i = 0; i < q; i++) {
      let best = 0;
      let bestScore = -Infinity;
      for (let c = 0; c < count; c++) {
        const s = out[4 * c + i]!;
        if (s > bestScore) {
          bestScore = s;
          best = c;
        }
      }
      result[row + i] = best;
    }
  }
  return result;
}

/** Spherical k-means (cosine) trained on a sample of at most 40 rows per centre; returns count × dim centres. */
export function sphericalKMeans(
  data: Float32Array,
  n: number,
  dim: number,
  stride: number,
  count: number,
  seed: number,
  signal?: AbortSignal,
  iterations = 8,
): Float32Array {
  const random = seededRandom(seed);
  const sampleSize = Math.min(n, count * 40);
  const sampleRows = new Int32Array(sampleSize);
  for (let i = 0; i < sampleSize; i++) sampleRows[i] = sampleSize === n ? i : Math.floor(random() * n);
  const sample = new Float32Array(sampleSize * stride);
  for (let i = 0; i < sampleSize; i++) sample.set(data.subarray(sampleRows[i]! * stride, sampleRows[i]! * stride + stride), i * stride);
  const centroids = new Float32Array(count * dim);
  for (let c = 0; c < count; c++) {
    const r = Math.floor(random() * sampleSize);
    centroids.set(sample.subarray(r * stride, r * stride + dim), c * dim);
  }
  for (let it = 0; it < iterations; it++) {
    throwIfCancelled(signal);
    const labels = assign(sample, sampleSize, dim, stride, centroids, count);
    const sums = new Float64Array(count * dim);
    const sizes = new Int32Array(count);
    for (let i = 0; i < sampleSize; i++) {
      const c = labels[i]!;
      sizes[c]!++;
      for (let j = 0; j < dim; j++) sums[c * dim + j]! += sample[i * stride + j]!;
    }
    for (let c = 0; c < count; c++) {
      if (sizes[c] === 0) {
        const r = Math.floor(random() * sampleSize);
        centroids.set(sample.subarray(r * stride, r * stride + dim), c * dim);
        continue;
      }
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += sums[c * dim + j]! * sums[c * dim + j]!;
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let j = 0; j < dim; j++) centroids[c * dim + j] = sums[c * dim + j]! * scale;
    }
  }
  return centroids;
}
