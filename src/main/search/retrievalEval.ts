// Recall@5 on near-duplicate groups: for each photo, how many of its siblings (the other variants
// of the same source photo) are among its 5 nearest neighbours under a given similarity.
import { hammingDistance } from '../library/hamming';
import { Components } from './components';
import { EmbeddingIndex } from './knn';
import { normaliseRows } from '../util/vectors';
import { combineEvidence, nullStats, pairSignals, type DuplicateSignals } from './nearDuplicates';

export const RECALL_AT = 5;

export interface RecallResult {
  recall: number;
  /** Mean recall for queries of each variant kind (e.g. how well a 25 % copy finds its group). */
  byVariant: Record<string, number>;
  /** Which groups take the top-5 places of which others, most places first (what the misses are). */
  confusions: Confusion[];
}

export interface Confusion {
  /** The group whose queries lost places. */
  group: number;
  /** The group of the photos that took them. */
  intruder: number;
  /** Top-5 places taken, summed over the group's queries (tied places shared out). */
  places: number;
}

function summarise(perQuery: { variant: string; recall: number }[], confusions: Confusion[]): RecallResult {
  const byVariant: Record<string, { sum: number; n: number }> = {};
  let sum = 0;
  for (const q of perQuery) {
    sum += q.recall;
    const v = (byVariant[q.variant] ??= { sum: 0, n: 0 });
    v.sum += q.recall;
    v.n++;
  }
  return {
    recall: perQuery.length ? sum / perQuery.length : 0,
    byVariant: Object.fromEntries(Object.entries(byVariant).map(([k, v]) => [k, +(v.sum / v.n).toFixed(4)])),
    confusions,
  };
}

export interface EvalPhoto {
  id: number;
  group: number;
  variant: string;
}

/**
 * Recall@5 where each query ranks every other photo by `score` (higher is more similar). Ties at
 * the 5th place are shared out evenly — the expected recall under a random order of tied photos —
 * so a coarse similarity (a 64-bit hash has 65 distances) is neither favoured nor penalised by ids.
 */
export function recallAt5(photos: readonly EvalPhoto[], score: (a: number, b: number) => number): RecallResult {
  const perQuery: { variant: string; recall: number }[] = [];
  const confusions = new Map<string, Confusion>();
  for (const q of photos) {
    const siblings = photos.filter((p) => p.group === q.group && p.id !== q.id);
    if (siblings.length === 0) continue;
    const others = photos.filter((p) => p.id !== q.id).map((p) => ({ p, s: score(q.id, p.id) }));
    others.sort((a, b) => b.s - a.s);
    const top = topPlaces(others, RECALL_AT);
    const found = top.above.filter((o) => o.p.group === q.group).length + (top.slots * top.tied.filter((o) => o.p.group === q.group).length) / top.tied.length;
    perQuery.push({ variant: q.variant, recall: found / Math.min(RECALL_AT, siblings.length) });
    // Places a sibling could have had: a group of 3 leaves 3 of 5 places to others whatever the score.
    const contested = siblings.length >= RECALL_AT ? top : topPlaces(others, siblings.length);
    const intrude = (o: { p: EvalPhoto }, places: number) => {
      if (o.p.group === q.group) return;
      const key = `${q.group} ${o.p.group}`;
      const c = confusions.get(key) ?? confusions.set(key, { group: q.group, intruder: o.p.group, places: 0 }).get(key)!;
      c.places += places;
    };
    for (const o of contested.above) intrude(o, 1);
    for (const o of contested.tied) intrude(o, contested.slots / contested.tied.length);
  }
  return summarise(perQuery, [...confusions.values()].sort((a, b) => b.places - a.places));
}

/** The first n places of a ranking (best first): those surely in, and the tied ones sharing the rest. */
function topPlaces<T extends { s: number }>(ranked: T[], n: number): { above: T[]; tied: T[]; slots: number } {
  const cut = ranked[Math.min(n, ranked.length) - 1]!.s;
  const above = ranked.filter((o) => o.s > cut);
  return { above, tied: ranked.filter((o) => o.s === cut), slots: n - above.length };
}

/** Two source photos whose originals are at least as alike as one of them is to its own edit. */
export interface SameShotPair {
  group: number;
  other: number;
  /** Similarity of the two originals. */
  similarity: number;
  /** The weakest similarity of `group`'s original to one of its `edits`. */
  weakestEdit: number;
  edit: string;
}

/**
 * Pairs of source photos that `score` (a pixel signal, say) cannot tell apart from an edit: the
 * two originals are at least as similar as one original is to its own brightened or recompressed
 * copy, as consecutive frames of a burst can be. `edits` names the variants that change pixel
 * values but not geometry (a crop moves every pixel and is far from its original whatever the
 * picture).
 * The evaluation's ground truth calls such photos different; no embedding that is invariant to
 * those edits can be expected to rank them apart.
 */
export function sameShotPairs(photos: readonly EvalPhoto[], score: (a: number, b: number) => number, edits: readonly string[]): SameShotPair[] {
  const originals = new Map(photos.filter((p) => p.variant === 'original').map((p) => [p.group, p.id]));
  const pairs: SameShotPair[] = [];
  for (const [group, id] of originals) {
    let weakestEdit = Infinity;
    let edit = '';
    for (const p of photos) {
      if (p.group !== group || !edits.includes(p.variant)) continue;
      const s = score(id, p.id);
      if (s < weakestEdit) [weakestEdit, edit] = [s, p.variant];
    }
    if (!edit) continue;
    for (const [other, otherId] of originals) {
      if (other === group) continue;
      const similarity = score(id, otherId);
      if (similarity >= weakestEdit) pairs.push({ group, other, similarity, weakestEdit, edit });
    }
  }
  return pairs;
}

/** The same photos with the groups of each same-shot pair merged into one (the lower group number). */
export function mergeGroups(photos: readonly EvalPhoto[], pairs: readonly { group: number; other: number }[]): EvalPhoto[] {
  const components = new Components();
  for (const { group, other } of pairs) components.join(group, other);
  return photos.map((p) => ({ ...p, group: components.find(p.group) }));
}

/** Cosine similarity through an index of L2-normalised vectors. */
export function cosineScorer(index: EmbeddingIndex): (a: number, b: number) => number {
  const data = index.matrix.data;
  const stride = index.matrix.stride;
  return (a, b) => {
    const ra = index.rowOfPhoto(a);
    const rb = index.rowOfPhoto(b);
    if (ra === undefined || rb === undefined) return -Infinity;
    let dot = 0;
    for (let j = 0; j < index.dim; j++) dot += data[ra * stride + j]! * data[rb * stride + j]!;
    return dot;
  };
}

export function hashScorer(hashes: Map<number, Uint8Array>): (a: number, b: number) => number {
  return (a, b) => {
    const ha = hashes.get(a);
    const hb = hashes.get(b);
    return ha && hb ? -hammingDistance(ha, hb) : -Infinity;
  };
}

/** The evidence `likeness duplicates` uses, as a ranking. */
export function combinedScorer(signals: DuplicateSignals, photoIds: readonly number[]): (a: number, b: number) => number {
  const stats = nullStats(signals, photoIds);
  return (a, b) => combineEvidence(pairSignals(signals, stats, a, b)) ?? -Infinity;
}

/**
 * Raw pixels as a baseline: the square RGB model input box-filtered down to 32×32 (orientation is
 * already applied at ingest), mean-centred per pixel over the library, L2-normalised.
 */
export function rawPixelIndex(inputs: Map<number, Uint8Array>, inputSize: number, side = 32): EmbeddingIndex {
  const ids = [...inputs.keys()].sort((a, b) => a - b);
  const factor = inputSize / side;
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`cannot reduce ${inputSize}×${inputSize} inputs to ${side}×${side}`);
  const dim = side * side * 3;
  const vectors = new Float32Array(ids.length * dim);
  ids.forEach((id, row) => {
    const rgb = inputs.get(id)!;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += rgb[((y * factor + dy) * inputSize + x * factor + dx) * 3 + c]!;
          vectors[row * dim + (y * side + x) * 3 + c] = sum / (factor * factor * 255);
        }
      }
    }
  });
  const mean = new Float64Array(dim);
  for (let r = 0; r < ids.length; r++) for (let j = 0; j < dim; j++) mean[j]! += vectors[r * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j]! /= Math.max(1, ids.length);
  for (let r = 0; r < ids.length; r++) for (let j = 0; j < dim; j++) vectors[r * dim + j]! -= mean[j]!;
  return new EmbeddingIndex(ids, normaliseRows(vectors, dim), dim);
}
