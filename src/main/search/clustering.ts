// Clusters of a library's embeddings: HDBSCAN over the k-nearest-neighbour graph, then each
// cluster's centre, its members' similarity to it, and representatives (closest to the centre).
import type { ProgressSink } from '../util/progress';
import { neighbourGraph } from './graph';
import { hdbscan } from './hdbscan';
import type { EmbeddingIndex } from './knn';

export interface FoundCluster {
  /** Member photo ids, closest to the centre first. */
  memberIds: number[];
  similarities: number[];
  representatives: number[];
}

export interface ClusteringParams {
  algorithm: 'hdbscan-knn';
  /** 'eom': HDBSCAN's usual excess-of-mass choice; 'leaf': the finest clusters (more, smaller, more alike). */
  selection: 'eom' | 'leaf';
  minClusterSize: number;
  minSamples: number;
  graphNeighbours: number;
  exactGraph: boolean;
}

export interface ClusteringResult {
  clusters: FoundCluster[];
  params: ClusteringParams;
  unclustered: number;
}

/**
 * The smallest group worth calling a cluster grows slowly with the library: 5 photos for small
 * libraries, √n/4 for large ones (25 at 10k, 79 at 100k), so a large library is not cut into
 * thousands of tiny albums. Not tuned on any data set.
 */
export function defaultMinClusterSize(n: number): number {
  return Math.max(5, Math.round(Math.sqrt(n) / 4));
}

/** Representatives shown for a cluster (the desktop card shows the first 4, `likeness clusters` all). */
export const REPRESENTATIVES = 6;
/** Members closest to the centre kept as candidates, so that copies of one picture can give way to other shots. */
export const REPRESENTATIVE_CANDIDATES = 24;

/**
 * The representatives to show, from candidates closest to the centre first: at most one photo of
 * each near-duplicate group until `count` are found, then (a cluster made mostly of one picture's
 * copies) the skipped ones in order. Copies sit together at the centre, and a card of four
 * identical pictures says nothing about the other photos of the cluster.
 */
export function pickRepresentatives(candidates: readonly number[], groupOf: ReadonlyMap<number, number>, count = REPRESENTATIVES): number[] {
  const seen = new Set<number>();
  const picked: number[] = [];
  const skipped: number[] = [];
  for (const id of candidates) {
    const group = groupOf.get(id);
    if (group !== undefined && seen.has(group)) skipped.push(id);
    else {
      if (group !== undefined) seen.add(group);
      picked.push(id);
    }
    if (picked.length === count) return picked;
  }
  return [...picked, ...skipped].slice(0, count);
}

/**
 * A photo's density is read from its nearest other photo (HDBSCAN's minSamples; its core distance).
 * Read from the 5th, kinds with few photos melted into one large cluster of unrelated photos (a
 * 54-photo "Cluster 1" of 76 mixed photos; 2 clusters of 168 photos of nine kinds, purity 0.37 →
 * 0.60 now). Measured on labelled sets in docs/search-quality.md ("Clusters against categories").
 */
export const MIN_SAMPLES = 1;

export function clusterEmbeddings(
  index: EmbeddingIndex,
  options: { minClusterSize?: number; minSamples?: number; selection?: 'eom' | 'leaf'; onProgress?: ProgressSink; signal?: AbortSignal } = {},
): ClusteringResult {
  const n = index.size;
  const minClusterSize = options.minClusterSize ?? defaultMinClusterSize(n);
  const minSamples = options.minSamples ?? MIN_SAMPLES;
  const graphNeighbours = Math.max(15, minSamples);
  const selection = options.selection ?? 'eom';
  const params: ClusteringParams = { algorithm: 'hdbscan-knn', selection, minClusterSize, minSamples, graphNeighbours, exactGraph: true };
  if (n < minClusterSize) return { clusters: [], params, unclustered: n };
  const graph = neighbourGraph(index, graphNeighbours, { onProgress: options.onProgress, signal: options.signal });
  params.exactGraph = graph.exact;
  const { labels, clusterCount } = hdbscan(graph, n, { minClusterSize, minSamples, selection });
  const rowsOf: number[][] = Array.from({ length: clusterCount }, () => []);
  for (let r = 0; r < n; r++) if (labels[r]! >= 0) rowsOf[labels[r]!]!.push(r);
  const clusters = rowsOf.flatMap((rows) => describeCluster(index, rows, minClusterSize) ?? []);
  clusters.sort((a, b) => b.memberIds.length - a.memberIds.length || a.memberIds[0]! - b.memberIds[0]!);
  const clustered = clusters.reduce((s, c) => s + c.memberIds.length, 0);
  return { clusters, params, unclustered: n - clustered };
}

/**
 * Centre, similarities and representatives of one cluster. HDBSCAN keeps in a cluster the points
 * that joined it before it split from its parent, which includes stragglers; members far below
 * the cluster's own similarity distribution (under Tukey's outer fence, Q1 − 3·IQR) are left
 * unclustered instead. A cluster left smaller than the minimum size is dropped.
 */
function describeCluster(index: EmbeddingIndex, rows: number[], minSize: number): FoundCluster | null {
  const dim = index.dim;
  const stride = index.matrix.stride;
  const data = index.matrix.data;
  const centre = new Float64Array(dim);
  for (const r of rows) for (let j = 0; j < dim; j++) centre[j]! += data[r * stride + j]!;
  const norm = Math.sqrt(centre.reduce((s, v) => s + v * v, 0)) || 1;
  const sims = rows.map((r) => {
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += data[r * stride + j]! * centre[j]!;
    return { r, s: dot / norm };
  });
  const sorted = sims.map((x) => x.s).sort((a, b) => a - b);
  const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
  const fence = quantile(0.25) - 3 * (quantile(0.75) - quantile(0.25));
  const kept = sims.filter((x) => x.s >= fence).sort((a, b) => b.s - a.s || a.r - b.r);
  if (kept.length < minSize) return null;
  const memberIds = kept.map((x) => index.photoIds[x.r]!);
  return { memberIds, similarities: kept.map((x) => x.s), representatives: memberIds.slice(0, REPRESENTATIVE_CANDIDATES) };
}

/**
 * Matches new clusters to the previous clustering's by membership overlap, so names (and, for the
 * same model, ids) survive recomputation. Greedy, one to one, largest overlap first; a pair matches
 * when the new cluster holds more than half of the old cluster's members ("mostly stays").
 */
export function matchClusters(
  previous: readonly { id: number; name: string | null; memberIds: readonly number[] }[],
  next: readonly { memberIds: readonly number[] }[],
): ({ id: number; name: string | null } | null)[] {
  const clusterOfPhoto = new Map<number, number>();
  next.forEach((c, i) => c.memberIds.forEach((id) => clusterOfPhoto.set(id, i)));
  const candidates: { old: number; next: number; overlap: number }[] = [];
  previous.forEach((old, o) => {
    const counts = new Map<number, number>();
    for (const id of old.memberIds) {
      const i = clusterOfPhoto.get(id);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    for (const [i, overlap] of counts) if (overlap * 2 > old.memberIds.length) candidates.push({ old: o, next: i, overlap });
  });
  candidates.sort((a, b) => b.overlap - a.overlap || a.old - b.old);
  const result: ({ id: number; name: string | null } | null)[] = next.map(() => null);
  const usedOld = new Set<number>();
  for (const c of candidates) {
    if (usedOld.has(c.old) || result[c.next] !== null) continue;
    usedOld.add(c.old);
    result[c.next] = { id: previous[c.old]!.id, name: previous[c.old]!.name };
  }
  return result;
}
