// Category-level quality of "find similar" (`likeness eval categories <folder>`): the photos of a
// labelled folder (label = first-level subfolder) are indexed in a temporary library, and for every
// photo its 5 nearest others are looked up; precision@5 is the share of them with the same label.
// Learned embeddings, raw 32×32 pixels (mean-centred, as `eval near-duplicates`) and the same
// encoder with untrained weights are scored in one run. A time-to-quality curve trains one
// continuing run in segments (each segment warm-starts from the version the previous one made, as
// `likeness train` does, with a fresh optimiser) and scores after each.
// Evaluation code: it reads the folder only, and writes only to its own temporary data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { closeCore, openCore, type Core } from '../core';
import type { ProgressSink } from '../util/progress';
import { indexFolders } from '../library/scan';
import { walkPhotos } from '../library/walk';
import { plainInto } from '../model/augment';
import { initBackend } from '../model/backend';
import { embedLibrary } from '../model/embed';
import { embedSources } from '../model/encoder';
import { Params } from '../model/params';
import { Rng, shuffleInPlace } from '../util/rng';
import { buildConfig, trainModel, type TrainOptions } from '../model/train';
import { recalibrateBatchNorm } from '../model/trainer';
import { EmbeddingIndex } from '../search/knn';
import { normaliseRows } from '../util/vectors';
import { writeQuerySheets } from './sheets';
import { EvalInputError, type EvalRunOptions } from './common';
import { rawPixelIndex } from './retrieval';
import { readEmbeddings } from '../store/embeddings';
import { readModelInputs } from '../store/modelInputs';
import { photoIdByPath } from '../store/photos';

export const PRECISION_AT = 5;

export interface LabelledPhoto {
  id: number;
  path: string;
  label: string;
}

export interface Precision {
  /** Mean over all photos of the share of its 5 nearest others that have its label. */
  precision: number;
  byCategory: Record<string, number>;
}

/** One point of the time-to-quality curve: the learned figure after this much of the one run. */
export interface CurvePoint {
  /** The budget asked for, cumulative (minutes or steps, as the run was given). */
  budget: number;
  steps: number;
  photosSeen: number;
  /** Training wall-clock time so far, minutes (noisy on a shared machine). */
  trainMinutes: number;
  learned: Precision;
}

export interface CategoryEvalResult {
  photos: number;
  categories: Record<string, number>;
  /** Precision@5 if neighbours were drawn at random (the share of same-label pairs). */
  chance: number;
  rawPixels: Precision;
  untrained: Precision;
  budgetUnit: 'minutes' | 'steps';
  curve: CurvePoint[];
  model: string;
  sheets: string[];
}

export interface CategoryEvalOptions extends EvalRunOptions {
  /** Cumulative training budgets, ascending: one segment of the continuing run per entry. */
  budgets: number[];
  budgetUnit: 'minutes' | 'steps';
  /**
   * Folders of more photos, without labels, added to the library beside the labelled ones: trained
   * on and embedded like them, never asked or ranked (the rest of a user's library).
   */
  unlabelled?: string[];
  onProgress?: (stage: string) => ProgressSink;
}

/** Photos under `folder`, each labelled with the name of the first-level subfolder holding it. */
export async function labelledFiles(folder: string, signal?: AbortSignal): Promise<{ path: string; label: string }[]> {
  const root = resolve(folder);
  return (await walkPhotos(root, signal)).files
    .map((f) => ({ path: f.path, parts: relative(root, f.path).split(sep) }))
    .filter((f) => f.parts.length >= 2)
    .map((f) => ({ path: f.path, label: f.parts[0]! }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Precision@5 of an index over labelled photos: each photo queries all the others. */
export function precisionAt5(photos: readonly LabelledPhoto[], index: EmbeddingIndex): Precision {
  const labelOf = new Map(photos.map((p) => [p.id, p.label]));
  const sums = new Map<string, { sum: number; n: number }>();
  let total = 0;
  let n = 0;
  for (const p of photos) {
    const row = index.rowOfPhoto(p.id);
    if (row === undefined) continue;
    const hits = index.search(index.vector(row), PRECISION_AT, row);
    const same = hits.filter((h) => labelOf.get(index.photoIds[h.row]!) === p.label).length / PRECISION_AT;
    total += same;
    n++;
    const s = sums.get(p.label) ?? sums.set(p.label, { sum: 0, n: 0 }).get(p.label)!;
    s.sum += same;
    s.n++;
  }
  return {
    precision: n ? +(total / n).toFixed(4) : 0,
    byCategory: Object.fromEntries([...sums].sort().map(([k, v]) => [k, +(v.sum / v.n).toFixed(3)])),
  };
}

/** The embeddings of the labelled photos only (a picture outside any subfolder is trained on, never scored). */
function labelledIndex(embedded: { photoIds: readonly number[]; vectors: Float32Array; dim: number }, labelled: Set<number>): EmbeddingIndex {
  const rows = embedded.photoIds.flatMap((id, row) => (labelled.has(id) ? [row] : []));
  const vectors = new Float32Array(rows.length * embedded.dim);
  rows.forEach((row, i) => vectors.set(embedded.vectors.subarray(row * embedded.dim, (row + 1) * embedded.dim), i * embedded.dim));
  return new EmbeddingIndex(
    rows.map((row) => embedded.photoIds[row]!),
    vectors,
    embedded.dim,
  );
}

/** The encoder of this recipe with random weights, batch norm set from the photos' plain inputs. */
async function untrainedIndex(ids: number[], inputs: Map<number, Uint8Array>, recipe: TrainOptions): Promise<EmbeddingIndex> {
  await initBackend();
  const config = buildConfig(recipe);
  const seed = recipe.seed ?? 1;
  const params = Params.init(config, seed);
  const size = config.inputSize;
  const images = ids.map((id) => ({ data: inputs.get(id)!, width: size, height: size, channels: 3 }));
  const order = shuffleInPlace(images.slice(), new Rng(seed));
  const batch = Math.min(config.batchSize, order.length);
  function* batches() {
    for (let b = 0; b + batch <= order.length && b < 16 * batch; b += batch) {
      const x = new Float32Array(batch * size * size * 3);
      for (let i = 0; i < batch; i++) plainInto(order[b + i]!, size, x, i * size * size * 3);
      yield { x, count: batch, size };
    }
  }
  await recalibrateBatchNorm(params, batches());
  const vectors = await embedSources(params, images);
  params.dispose();
  const dim = vectors[0]!.length;
  const flat = new Float32Array(ids.length * dim);
  vectors.forEach((v, i) => flat.set(v, i * dim));
  return new EmbeddingIndex(ids, normaliseRows(flat, dim), dim);
}

export async function evalCategories(folder: string, options: CategoryEvalOptions): Promise<CategoryEvalResult> {
  const say = options.say ?? (() => {});
  const files = await labelledFiles(folder, options.signal);
  const labels = new Set(files.map((f) => f.label));
  if (labels.size < 2) throw new EvalInputError(`${folder} needs at least two subfolders of photos (the subfolder names are the labels)`);
  const budgets = options.budgets;
  if (!budgets.length || budgets.some((b, i) => !(b > 0) || (i > 0 && b <= budgets[i - 1]!)))
    throw new Error('budgets must be positive and ascending');

  const work = mkdtempSync(join(tmpdir(), 'likeness-eval-categories-'));
  let core: Core | null = null;
  try {
    core = openCore(join(work, 'home'));
    const unlabelled = (options.unlabelled ?? []).map((f) => resolve(f));
    const scan = await indexFolders(core, [resolve(folder), ...unlabelled], { onProgress: options.onProgress?.('index'), signal: options.signal });
    const rest = scan.added > files.length ? `, ${scan.added - files.length} without labels` : '';
    say(`indexed ${scan.added} photos (${scan.failed} failed): ${files.length} in ${labels.size} categories${rest}`);
    const photos: LabelledPhoto[] = [];
    for (const f of files) {
      const id = photoIdByPath(core.db, f.path);
      if (id !== undefined) photos.push({ id, path: f.path, label: f.label });
    }
    const ids = photos.map((p) => p.id);
    const categories: Record<string, number> = {};
    for (const p of photos) categories[p.label] = (categories[p.label] ?? 0) + 1;
    const pairs = Object.values(categories).reduce((a, n) => a + n * (n - 1), 0);
    const chance = +(pairs / (photos.length * (photos.length - 1))).toFixed(4);

    const raw = rawPixelIndex(readModelInputs(core.db, 64, ids), 64);
    const rawPixels = precisionAt5(photos, raw);
    say(`raw pixels (32×32, mean-centred): ${rawPixels.precision.toFixed(4)}   chance: ${chance.toFixed(4)}`);

    const inputSize = buildConfig(options.recipe).inputSize;
    if (inputSize !== 64) {
      const { ensureModelInputs } = await import('../library/modelInput');
      await ensureModelInputs(core, inputSize, { signal: options.signal });
    }
    const untrained = precisionAt5(photos, await untrainedIndex(ids, readModelInputs(core.db, inputSize, ids), options.recipe));
    say(`untrained encoder: ${untrained.precision.toFixed(4)}`);

    const curve: CurvePoint[] = [];
    let learned: EmbeddingIndex | null = null;
    let description = '';
    let trainMs = 0;
    for (const [i, budget] of budgets.entries()) {
      const segment = budget - (budgets[i - 1] ?? 0);
      const started = performance.now();
      const model = await trainModel(
        core,
        {
          ...options.recipe,
          ...(options.budgetUnit === 'minutes' ? { minutes: segment, maxSteps: undefined } : { maxSteps: segment, minutes: undefined }),
          epochs: undefined,
          // Each later segment continues from the version the last one made (a warm start);
          // its own seed so that it does not replay the first segment's batches.
          fromScratch: i === 0,
          seed: (options.recipe.seed ?? 1) + i,
          activate: true,
        },
        { onProgress: options.onProgress?.(`train to ${budget} ${options.budgetUnit}`), signal: options.signal },
      );
      trainMs += performance.now() - started;
      await embedLibrary(core, { modelId: model.id, signal: options.signal });
      learned = labelledIndex(readEmbeddings(core.db, model.id), new Set(ids));
      const steps = (curve.at(-1)?.steps ?? 0) + model.steps;
      const photosSeen = (curve.at(-1)?.photosSeen ?? 0) + model.photosSeen;
      const point = { budget, steps, photosSeen, trainMinutes: +(trainMs / 60000).toFixed(2), learned: precisionAt5(photos, learned) };
      curve.push(point);
      description = `trained here: ${steps} steps, ${photosSeen} images seen, dim ${model.embeddingDim}, input ${inputSize}`;
      say(`after ${budget} ${options.budgetUnit} (${steps} steps, ${point.trainMinutes} min): learned ${point.learned.precision.toFixed(4)}`);
    }

    const sheets =
      options.sheetDir && learned
        ? await writeQuerySheets(
            options.sheetDir,
            options.sheetCount ?? 3,
            options.recipe.seed ?? 1,
            photos.map((p) => ({ ...p, truth: p.label })),
            { learned, raw },
          )
        : [];
    return { photos: photos.length, categories, chance, rawPixels, untrained, budgetUnit: options.budgetUnit, curve, model: description, sheets };
  } finally {
    if (core) closeCore(core);
    if (options.keep) say(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}
