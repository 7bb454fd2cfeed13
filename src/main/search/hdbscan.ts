// HDBSCAN (Campello, Moulavi & Sander 2013) over a k-nearest-neighbour graph: no number of clusters
// to give, clusters of different densities, and photos in no dense region are left unclustered.
//
// Distances are 1 − cosine. The core distance of a point is its distance to its minSamples-th
// neighbour; edges weigh the mutual reachability max(core(p), core(q), d(p, q)). Kruskal over the
// graph's edges gives the single-linkage hierarchy (the minimum spanning forest of the graph, which
// approximates the full one because a minimum spanning tree's edges are overwhelmingly between near
// neighbours). The condensed tree and the "excess of mass" selection are computed bottom-up during
// the same sweep: a component is a cluster while it has ≥ minClusterSize points; when two clusters
// merge, each is finalised with stability Σ_p (λ_p − λ_birth), λ = 1/distance, and keeps itself or
// its selected descendants, whichever has more stability.
import type { NeighbourGraph } from './graph';

export interface HdbscanOptions {
  minClusterSize: number;
  minSamples: number;
  /** 'eom' (excess of mass, the default) or 'leaf' (the finest clusters of the condensed tree). */
  selection?: 'eom' | 'leaf';
}

export interface HdbscanResult {
  /** Cluster number per row, −1 for unclustered (noise). Numbers are 0.. in order of first row. */
  labels: Int32Array;
  clusterCount: number;
}

interface ClusterRecord {
  size: number;
  sumLambda: number;
  children: number[];
  /** Filled when finalised: the dendrogram node holding its points, best stability, selection. */
  node: number;
  best: number;
  selected: number[];
}

const MIN_DISTANCE = 1e-6;

export function hdbscan(graph: NeighbourGraph, n: number, options: HdbscanOptions): HdbscanResult {
  const { k, neighbours, scores } = graph;
  const minSamples = Math.max(1, Math.min(options.minSamples, k));
  const minSize = Math.max(2, options.minClusterSize);
  const distanceOf = (s: number) => Math.max(MIN_DISTANCE, 1 - s);

  const core = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const q = neighbours[p * k + minSamples - 1]!;
    core[p] = q < 0 ? Infinity : distanceOf(scores[p * k + minSamples - 1]!);
  }
  // Edges of the graph weighted by mutual reachability, sorted ascending.
  const edgeCount = n * k;
  const weight = new Float64Array(edgeCount);
  const order: number[] = [];
  for (let e = 0; e < edgeCount; e++) {
    const p = Math.floor(e / k);
    const q = neighbours[e]!;
    if (q < 0) continue;
    weight[e] = Math.max(core[p]!, core[q]!, distanceOf(scores[e]!));
    if (Number.isFinite(weight[e])) order.push(e);
  }
  order.sort((a, b) => weight[a]! - weight[b]!);

  // Union-find with a dendrogram node per component (leaves 0..n-1, merges n..).
  const parent = new Int32Array(n);
  const size = new Int32Array(n).fill(1);
  const nodeOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    parent[i] = i;
    nodeOf[i] = i;
  }
  const left = new Int32Array(Math.max(0, n - 1));
  const right = new Int32Array(Math.max(0, n - 1));
  const clusterOf = new Int32Array(n).fill(-1); // by component root
  const clusters: ClusterRecord[] = [];
  const find = (x: number) => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const finalise = (id: number, node: number, lambdaBirth: number) => {
    const c = clusters[id]!;
    c.node = node;
    const stability = c.sumLambda - c.size * lambdaBirth;
    const childBest = c.children.reduce((sum, child) => sum + clusters[child]!.best, 0);
    if (c.children.length === 0 || (options.selection !== 'leaf' && stability >= childBest)) {
      c.best = stability;
      c.selected = [id];
    } else {
      c.best = childBest;
      c.selected = c.children.flatMap((child) => clusters[child]!.selected);
    }
  };

  let merges = 0;
  for (const e of order) {
    const a = find(Math.floor(e / k));
    const b = find(neighbours[e]!);
    if (a === b) continue;
    const lambda = 1 / weight[e]!;
    const [big, small] = size[a]! >= size[b]! ? [a, b] : [b, a];
    const ca = clusterOf[big]!;
    const cb = clusterOf[small]!;
    const mergedSize = size[a]! + size[b]!;
    let merged = -1;
    if (ca >= 0 && cb >= 0) {
      finalise(ca, nodeOf[big]!, lambda);
      finalise(cb, nodeOf[small]!, lambda);
      merged = clusters.push({ size: mergedSize, sumLambda: mergedSize * lambda, children: [ca, cb], node: -1, best: 0, selected: [] }) - 1;
    } else if (ca >= 0 || cb >= 0) {
      // A small piece falls off (top-down) a cluster that carries on as the same cluster.
      merged = ca >= 0 ? ca : cb;
      const pieceSize = ca >= 0 ? size[small]! : size[big]!;
      clusters[merged]!.sumLambda += pieceSize * lambda;
      clusters[merged]!.size = mergedSize;
    } else if (mergedSize >= minSize) {
      merged = clusters.push({ size: mergedSize, sumLambda: mergedSize * lambda, children: [], node: -1, best: 0, selected: [] }) - 1;
    }
    left[merges] = nodeOf[big]!;
    right[merges] = nodeOf[small]!;
    parent[small] = big;
    size[big] = mergedSize;
    nodeOf[big] = n + merges;
    clusterOf[big] = merged;
    merges++;
  }

  // Roots: one component holding everything is the whole library, which is never a cluster itself;
  // components the graph leaves apart are infinitely far from each other (birth at λ = 0).
  const roots: number[] = [];
  for (let i = 0; i < n; i++) if (find(i) === i) roots.push(i);
  const selected: number[] = [];
  for (const root of roots) {
    const id = clusterOf[root]!;
    if (id < 0) continue;
    if (roots.length === 1) {
      const c = clusters[id]!;
      c.node = nodeOf[root]!;
      selected.push(...c.children.flatMap((child) => clusters[child]!.selected));
    } else {
      finalise(id, nodeOf[root]!, 0);
      selected.push(...clusters[id]!.selected);
    }
  }

  const raw = new Int32Array(n).fill(-1);
  selected.forEach((id, label) => {
    const stack = [clusters[id]!.node];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node < n) raw[node] = label;
      else stack.push(left[node - n]!, right[node - n]!);
    }
  });
  // Renumber by first appearance so labels do not depend on merge order details.
  const renumber = new Map<number, number>();
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = raw[i]!;
    if (r < 0) {
      labels[i] = -1;
      continue;
    }
    if (!renumber.has(r)) renumber.set(r, renumber.size);
    labels[i] = renumber.get(r)!;
  }
  return { labels, clusterCount: renumber.size };
}
