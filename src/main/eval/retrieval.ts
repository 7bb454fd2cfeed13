// The near-duplicate evaluation's own scorers and diagnostics, beside recall@5 (search/recall.ts):
// the perceptual hash, the evidence `likeness duplicates` combines, raw pixels as a baseline, and
// source photos as alike as a photo and its own edit.
import type { Core } from '../core';
import { hammingDistance } from '../library/hamming';
import { Components } from '../search/components';
import { findCopies } from '../search/copies';
import { rankedCandidates, sourceVersions } from '../search/quickSimilar';
import { EmbeddingIndex } from '../search/knn';
import { combineEvidence, nullStats, pairSignals, type DuplicateSignals } from '../search/nearDuplicates';
import type { EvalPhoto } from '../search/recall';
import { normaliseRows } from '../util/vectors';

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

export function hashScorer(hashes: Map<number, Uint8Array>): (a: number, b: number) => number {
  return (a, b) => {
    const ha = hashes.get(a);
    const hb = hashes.get(b);
    return ha && hb ? -hammingDistance(ha, hb) : -Infinity;
  };
}

/**
 * Find similar as the product ranks (search/quickSimilar.ts): the query's copies (`base`'s first
 * of `photoIds` given as the ranking's) first, most alike first, then by `base`.
 */
export function copiesFirstScorer(core: Core, photoIds: readonly number[], base: (a: number, b: number) => number): (a: number, b: number) => number {
  const copiesOf = new Map<number, Map<number, number>>();
  const ranked = (query: number) =>
    rankedCandidates(
      photoIds
        .filter((id) => id !== query)
        .map((photoId) => ({ photoId, score: base(query, photoId) }))
        .sort((x, y) => y.score - x.score),
    );
  return (a, b) => {
    let copies = copiesOf.get(a);
    if (!copies) {
      const found = findCopies(core, a, ranked(a));
      const all = [...found, ...sourceVersions(core, found, ranked, a)];
      copiesOf.set(a, (copies = new Map(all.map((c, rank) => [c.photoId, rank]))));
    }
    const rank = copies.get(b);
    return rank === undefined ? base(a, b) : Number.MAX_SAFE_INTEGER - rank;
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
          for (let dy = 0; dy < factor; dy++)
            for (let dx = 0; dx < factor; dx++) sum += rgb[((y * factor + dy) * inputSize + x * factor + dx) * 3 + c]!;
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
