// Search speed (`likeness bench search`): find-similar latency and clustering time on synthetic
// embeddings of the model's dimension (clustered unit vectors, like real embeddings).
import { clusterEmbeddings } from '../search/clustering';
import { EmbeddingIndex, QUANTISED_FROM } from '../search/knn';
import { throwIfCancelled } from '../util/progress';
import { seededRandom } from '../util/rng';
import { libraryLikeBlobs } from './synthetic';

export interface LatencyFigure {
  dim: number;
  photos: number;
  queries: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  buildMs: number;
  indexMb: number;
  /** Float32-only scan (no int8 first pass), for comparison. */
  float32P50Ms: number;
  /** Share of the top-k equal to the float32 scan's (1 = exact). */
  recallVsFloat32: number;
  rescoredPerQuery: number;
}

export interface ClusterFigure {
  dim: number;
  photos: number;
  seconds: number;
  clusters: number;
  unclustered: number;
  exactGraph: boolean;
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
/** Bytes as whole megabytes (10⁶). */
export const mb = (bytes: number) => Math.round(bytes / 1e6);

/** An index over a library-like set of photo ids 1…photos, and how long building it took. */
function blobIndex(photos: number, dim: number, seed: number): { index: EmbeddingIndex; buildMs: number } {
  const { vectors } = libraryLikeBlobs(photos, dim, 0.8, seed);
  const built = performance.now();
  const index = new EmbeddingIndex(
    Array.from({ length: photos }, (_, i) => i + 1),
    vectors,
    dim,
  );
  return { index, buildMs: performance.now() - built };
}

/** Find-similar latency (top k) for each dimension and library size, `queries` queries each; `onFigure` hears each as it is measured. */
export function latencyFigures(
  dims: readonly number[],
  sizes: readonly number[],
  queries: number,
  k: number,
  signal?: AbortSignal,
  onFigure: (figure: LatencyFigure) => void = () => {},
): LatencyFigure[] {
  const latency: LatencyFigure[] = [];
  for (const dim of dims) {
    for (const photos of sizes) {
      throwIfCancelled(signal);
      const { index, buildMs } = blobIndex(photos, dim, dim + photos);
      const random = seededRandom(photos);
      for (let w = 0; w < 5; w++) index.searchPhoto(1 + Math.floor(random() * photos), k);
      const times: number[] = [];
      let rescored = 0;
      for (let q = 0; q < queries; q++) {
        const id = 1 + Math.floor(random() * photos);
        const t0 = performance.now();
        index.searchPhoto(id, k);
        times.push(performance.now() - t0);
        rescored += index.lastRescored;
      }
      times.sort((a, b) => a - b);
      const floatTimes: number[] = [];
      let agree = 0;
      const checks = Math.min(50, queries);
      for (let q = 0; q < checks; q++) {
        const row = Math.floor(random() * photos);
        const query = index.vector(row);
        const t0 = performance.now();
        const exact = index.searchExact(query, k, row);
        floatTimes.push(performance.now() - t0);
        const got = new Set(index.search(query, k, row).map((n) => n.row));
        agree += exact.filter((n) => got.has(n.row)).length / exact.length;
      }
      floatTimes.sort((a, b) => a - b);
      const figure: LatencyFigure = {
        dim,
        photos,
        queries,
        p50Ms: +percentile(times, 0.5).toFixed(2),
        p99Ms: +percentile(times, 0.99).toFixed(2),
        maxMs: +times[times.length - 1]!.toFixed(2),
        buildMs: Math.round(buildMs),
        indexMb: mb(index.size * (index.matrix.stride * 4 + (photos >= QUANTISED_FROM ? index.dim : 0))),
        float32P50Ms: +percentile(floatTimes, 0.5).toFixed(2),
        recallVsFloat32: +(agree / checks).toFixed(4),
        rescoredPerQuery: Math.round(rescored / queries),
      };
      latency.push(figure);
      onFigure(figure);
    }
  }
  return latency;
}

/** Clustering time for each dimension and library size; `onFigure` hears each as it is measured. */
export function clusteringFigures(
  dims: readonly number[],
  sizes: readonly number[],
  signal?: AbortSignal,
  onFigure: (figure: ClusterFigure) => void = () => {},
): ClusterFigure[] {
  const clustering: ClusterFigure[] = [];
  for (const dim of dims) {
    for (const photos of sizes) {
      throwIfCancelled(signal);
      const { index } = blobIndex(photos, dim, 3 * dim + photos);
      const t0 = performance.now();
      const result = clusterEmbeddings(index, { signal });
      const seconds = (performance.now() - t0) / 1000;
      const figure: ClusterFigure = {
        dim,
        photos,
        seconds: +seconds.toFixed(1),
        clusters: result.clusters.length,
        unclustered: result.unclustered,
        exactGraph: result.params.exactGraph,
      };
      clustering.push(figure);
      onFigure(figure);
    }
  }
  return clustering;
}
