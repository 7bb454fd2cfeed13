// The quality gate a retrained model must pass before it becomes active, measured on the user's
// own photos without labels: near-duplicate recall@5 on augmented copies (25 % size, 80 % crop,
// JPEG q20, EXIF-rotated, brighter) of a sample of the library, for the candidate and the active
// model on exactly the same copies.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Core } from '../core';
import { throwIfCancelled, ProgressTracker, type ProgressSink } from '../util/progress';
import { modelInputFromFile } from '../library/modelInput';
import { getModel } from '../store/models';
import { photoIdsByContent, photoPaths } from '../store/photos';
import { EmbeddingIndex } from '../search/knn';
import { normaliseRows } from '../util/vectors';
import { cosineScorer, recallAt5, type EvalPhoto } from '../search/recall';
import { VARIANTS, writeVariants } from '../search/variants';
import { embedImages } from '../model/embed';

export interface GateOptions {
  /** Photos sampled from the library (each gives six copies). */
  sample?: number;
  onProgress?: ProgressSink;
  signal?: AbortSignal;
}

export interface GateResult {
  passed: boolean;
  candidate: number;
  active: number | null;
  queries: number;
  reason: string;
}

/** An evenly spread, repeatable sample of photo ids (the same photos for both models). */
function evenSample(ids: number[], count: number): number[] {
  if (ids.length <= count) return ids;
  return Array.from({ length: count }, (_, i) => ids[Math.floor(((i + 0.5) * ids.length) / count)]!);
}

/** Recall@5 of each model on the same augmented copies of a sample of the library. */
export async function nearDuplicateRecall(
  core: Core,
  modelIds: number[],
  options: GateOptions = {},
): Promise<{ recall: Map<number, number>; queries: number }> {
  const allIds = photoIdsByContent(core.db);
  const sample = evenSample(allIds, options.sample ?? 60);
  const sizes = [...new Set(modelIds.map((id) => getModel(core.db, id)?.inputSize ?? 64))];
  const work = join(core.dataDir.tmp, `gate-${process.pid}-${Date.now()}`);
  await mkdir(work, { recursive: true });
  const progress = new ProgressTracker(options.onProgress ?? (() => {}), sample.length);
  try {
    const photos: EvalPhoto[] = [];
    const inputs = new Map<number, Uint8Array[]>(sizes.map((s) => [s, []]));
    let done = 0;
    for (const [group, photoId] of sample.entries()) {
      throwIfCancelled(options.signal);
      for (const path of photoPaths(core.db, photoId)) {
        try {
          const variants = await writeVariants(path, work, String(group));
          const decoded = await Promise.all(VARIANTS.map((v) => Promise.all(sizes.map((s) => modelInputFromFile(variants.get(v)!, s)))));
          VARIANTS.forEach((variant, v) => {
            photos.push({ id: photos.length, group, variant });
            sizes.forEach((s, i) => inputs.get(s)!.push(decoded[v]![i]!));
          });
          break;
        } catch {
          // unreadable or offline copy: try the photo's next path, else leave it out of the sample
        }
      }
      progress.update(++done, 'quality check on augmented copies');
    }
    const recall = new Map<number, number>();
    for (const modelId of modelIds) {
      const size = getModel(core.db, modelId)?.inputSize ?? 64;
      const vectors = await embedImages(core, modelId, inputs.get(size)!, size);
      const dim = vectors[0]?.length ?? 1;
      const flat = new Float32Array(vectors.length * dim);
      vectors.forEach((v, i) => flat.set(v, i * dim));
      const index = new EmbeddingIndex(
        photos.map((p) => p.id),
        normaliseRows(flat, dim),
        dim,
      );
      recall.set(modelId, recallAt5(photos, cosineScorer(index)).recall);
    }
    return { recall, queries: photos.length };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The candidate passes when its recall is not worse than the active model's. "Not worse" allows
 * one missed sibling over the whole sample (1 / (queries × 5)): less than that is rounding, not a
 * difference between models.
 */
export async function qualityGate(core: Core, candidateId: number, activeId: number | null, options: GateOptions = {}): Promise<GateResult> {
  const ids = activeId === null ? [candidateId] : [candidateId, activeId];
  const { recall, queries } = await nearDuplicateRecall(core, ids, options);
  const candidate = recall.get(candidateId)!;
  if (queries === 0) return { passed: true, candidate, active: null, queries, reason: 'no photo could be sampled for the check' };
  if (activeId === null)
    return { passed: true, candidate, active: null, queries, reason: `first model: near-duplicate recall@5 ${candidate.toFixed(3)}` };
  const active = recall.get(activeId)!;
  const slack = 1 / (queries * 5);
  const passed = candidate >= active - slack;
  const figures = `near-duplicate recall@5 ${candidate.toFixed(3)} vs ${active.toFixed(3)} for the active model (${queries} copies)`;
  return { passed, candidate, active, queries, reason: passed ? `passed: ${figures}` : `kept the active model: the new one is worse, ${figures}` };
}
