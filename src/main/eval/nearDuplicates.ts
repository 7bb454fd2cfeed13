// Near-duplicate quality (`likeness eval near-duplicates`): builds groups of near-duplicates from
// each photo (original, 25 % size, 80 % centre crop, JPEG q20, rotated pixels + EXIF orientation 6,
// brightness ×1.15; with `hard` also a 50 % crop, greyscale, a letterbox, a caption and a 90° turn
// without EXIF, search/variants.ts) in a temporary library, and measures recall@5 for the learned
// embeddings, raw 32×32 pixels, the perceptual hash, the pixel signal of `likeness duplicates` and
// the combination it uses, in one run. Generated scenes (eval/scenes.ts) can stand in for a
// folder: a second picture set that is not the development photos.
// Raw pixels follow the issue's protocol: the whole picture, orientation applied, at 32×32,
// mean-centred over the library, cosine. (Centring each picture on its own mean instead gives the
// same 0.916 on the development photos: their shortfall from "about 0.98" is the 80 % crops, 0.82,
// and the set's own near-duplicate pairs — aloeL/aloeR and the like — taking top-5 places.)
// Source photos as alike as a photo and its own same-frame edit (two frames of a burst) are named,
// and recall is also given with each such pair counted as one shot.
// Evaluation code: it reads the photos only, and writes only to its own temporary data directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { closeCore, openCore, type Core } from '../core';
import { indexFolders } from '../library/scan';
import { walkPhotos } from '../library/walk';
import { embedImages, embedLibrary } from '../model/embed';
import { trainModel, type TrainOptions } from '../model/train';
import { EmbeddingIndex } from '../search/knn';
import { combineEvidence, findDuplicateGroups, isDuplicatePair, nullStats, pairSignals, type NullStats } from '../search/nearDuplicates';
import { pixelRows, pixelSignatures, pixelSimilarity } from '../search/pixelSignatures';
import { cosineScorer, recallAt5, type EvalPhoto, type RecallResult } from '../search/recall';
import { sceneJpeg } from './scenes';
import { kindedGroups } from '../search/service';
import { HARD_EDITS, SAME_FRAME_EDITS, VARIANTS, writeBurstFrames, writeVariants } from '../search/variants';
import { readEmbeddings } from '../store/embeddings';
import { readModelInputs } from '../store/modelInputs';
import { getModel } from '../store/models';
import { differenceHashes, photoIdByPath } from '../store/photos';
import { setSetting } from '../store/settings';
import { CancelledError } from '../util/progress';
import { EvalInputError, quietStage, type EvalRunOptions, type StageProgress } from './common';
import { calledPairs, kindScores, type KindScore, type KindTruthPhoto } from './duplicateKinds';
import { writeQuerySheets } from './sheets';
import { combinedScorer, copiesFirstScorer, hashScorer, mergeGroups, rawPixelIndex, sameShotPairs } from './retrieval';

export interface NearDuplicateEvalOptions extends EvalRunOptions {
  /** A folder of photos (only read), or this many generated scenes instead. */
  source: { folder: string } | { scenes: number };
  /** Add the hard edits (50 % crop, greyscale, letterbox, caption, 90° turn without EXIF). */
  hard?: boolean;
  /** Use only the first N photos of the folder. */
  limit?: number;
  /**
   * A model of the user's library whose weights embed the evaluation library's inputs (nothing is
   * written to the user's library); without one, a model is trained here for `minutes`.
   */
  model?: { core: Core; id: number };
  minutes: number;
  progress?: (stage: string) => StageProgress;
}

/** One source photo whose top-5 places another source photo's copies took, summed over its queries. */
export interface NamedConfusion {
  photo: string;
  intruder: string;
  places: number;
}

/** Two source photos as alike in the pixel signal as one of them is to its own edit. */
export interface NamedSameShot {
  photo: string;
  other: string;
  similarity: number;
  weakestEdit: { variant: string; similarity: number };
}

/** The groups `likeness duplicates` would report on the evaluation library, scored pair by pair. */
export interface DuplicateFigures {
  groups: number;
  pairPrecision: number | null;
  pairRecall: number | null;
  threshold: number;
  /** Per variant: the share of original↔variant pairs called duplicates, and their median evidence. */
  originalPairsPassing: Record<string, { passed: number; medianEvidence: number }>;
  strongestUnrelatedEvidence: number;
  nullStats: Pick<NullStats, 'embedding' | 'hash' | 'pixels'>;
}

/** The two kinds of duplicate (copies, similar shots) with generated burst frames, pair by pair. */
export interface DuplicateKindFigures {
  copies: KindScore;
  similar: KindScore;
  burstFrames: number;
  /** Pictures of different source photos called similar shots: the data set's own same-scene pairs, or mistakes. */
  similarAcrossSources: string[];
  copiesAcrossSources: string[];
}

export interface NearDuplicateEvalResult {
  /** Recall@5 of each method, in the order learned, rawPixels, perceptualHash, pixelViews, combined, findSimilar (the product's ranking: copies, then learned). */
  recall: Record<string, RecallResult>;
  sameShot: NamedSameShot[];
  /** Recall@5 with each same-shot pair counted as one shot, when there are any. */
  recallAt5SameShotAsOne: { learned: number; combined: number; findSimilar: number; findSimilarByVariant: Record<string, number> } | null;
  /** What the learned embedding's misses are, most places first (at most 10). */
  learnedConfusions: NamedConfusion[];
  duplicates: DuplicateFigures;
  duplicateKinds: DuplicateKindFigures;
  /** Source photos (one group each) and the variants indexed from them. */
  photos: number;
  variants: number;
  model: string;
  /** With `keep`: the temporary folder (variants and library), left for the caller to look at. */
  keptFolder: string | null;
  /** The sheets written (with `sheetDir`). */
  sheets: string[];
}

/**
 * The learned embeddings of the evaluation library's photos: from a model of the user's library
 * (its weights embed the temporary library's inputs; nothing is written to the user's library),
 * or from a model trained briefly on the temporary library itself.
 */
async function learnedIndex(
  evalCore: Core,
  ids: number[],
  options: {
    model?: { core: Core; id: number };
    inputSize: number;
    minutes: number;
    recipe: TrainOptions;
    signal?: AbortSignal;
    say: (line: string) => void;
    progress: (stage: string) => StageProgress;
  },
): Promise<{ index: EmbeddingIndex; description: string }> {
  if (options.model !== undefined) {
    const inputs = readModelInputs(evalCore.db, options.inputSize, ids);
    const present = ids.filter((id) => inputs.has(id));
    const vectors = await embedImages(
      options.model.core,
      options.model.id,
      present.map((id) => inputs.get(id)!),
      options.inputSize,
    );
    const dim = vectors[0]?.length ?? 0;
    const flat = new Float32Array(present.length * dim);
    vectors.forEach((v, i) => flat.set(v, i * dim));
    return { index: new EmbeddingIndex(present, flat, dim), description: `model ${options.model.id} of ${options.model.core.dataDir.root}` };
  }
  options.say(`training a model on the evaluation library for ${options.minutes} min…`);
  const printer = options.progress('train');
  const model = await trainModel(
    evalCore,
    { ...options.recipe, minutes: options.minutes, activate: true },
    { onProgress: (p) => printer.show(p), signal: options.signal },
  );
  printer.end();
  await embedLibrary(evalCore, { modelId: model.id, signal: options.signal });
  const embedded = readEmbeddings(evalCore.db, model.id);
  return {
    index: new EmbeddingIndex(embedded.photoIds, embedded.vectors, embedded.dim),
    description: `trained here for ${options.minutes} min (${model.steps} steps, ${model.photosSeen} images seen, dim ${model.embeddingDim})`,
  };
}

/** The rows of `index` for these photos only. */
function subsetIndex(index: EmbeddingIndex, photoIds: readonly number[]): EmbeddingIndex {
  const present = photoIds.filter((id) => index.rowOfPhoto(id) !== undefined);
  const flat = new Float32Array(present.length * index.dim);
  present.forEach((id, i) => {
    const row = index.rowOfPhoto(id)!;
    flat.set(index.matrix.data.subarray(row * index.matrix.stride, row * index.matrix.stride + index.dim), i * index.dim);
  });
  return new EmbeddingIndex(present, flat, index.dim);
}

export async function evalNearDuplicates(options: NearDuplicateEvalOptions): Promise<NearDuplicateEvalResult> {
  const say = options.say ?? (() => {});
  const progress = options.progress ?? (() => quietStage);
  const { signal, hard = false, model } = options;
  const work = mkdtempSync(join(tmpdir(), 'likeness-eval-near-duplicates-'));
  // A second picture set that is not the development photos: generated scenes (eval/scenes.ts).
  let source: string;
  if ('scenes' in options.source) {
    source = join(work, 'scenes');
    mkdirSync(source, { recursive: true });
    for (let seed = 1; seed <= options.source.scenes; seed++)
      writeFileSync(join(source, `scene-${String(seed).padStart(4, '0')}.jpg`), await sceneJpeg(seed, 960, 640));
  } else source = options.source.folder;
  let files = (await walkPhotos(source, signal)).files.map((f) => f.path);
  if (options.limit !== undefined) files = files.slice(0, options.limit);
  if (files.length < 2) throw new EvalInputError(`${source} has fewer than 2 photos`);

  const variantsDir = join(work, 'photos');
  let evalCore: Core | null = null;
  let finished = false;
  try {
    // The source photos are only read; variants go to the temporary folder.
    const groups: { source: string; paths: Map<string, string>; bursts: string[] }[] = [];
    let unreadable = 0;
    for (const [i, file] of files.entries()) {
      if (signal?.aborted) throw new CancelledError();
      try {
        const stem = `${String(i).padStart(4, '0')}-${basename(file, extname(file)).replace(/[^\w.-]+/g, '_')}`;
        const folder = join(variantsDir, String(i).padStart(4, '0'));
        // Burst frames of each photo (variants.ts) for the per-kind figures; not in recall@5.
        groups.push({
          source: file,
          paths: await writeVariants(file, folder, stem, hard ? HARD_EDITS : []),
          bursts: await writeBurstFrames(file, folder, stem),
        });
      } catch {
        unreadable++;
      }
    }
    say(
      `${groups.length} photos × ${VARIANTS.length + (hard ? HARD_EDITS.length : 0)} variants written to ${variantsDir}${unreadable ? ` (${unreadable} unreadable photos skipped)` : ''}`,
    );

    evalCore = openCore(join(work, 'home'));
    let inputSize = 64;
    if (model !== undefined) {
      const record = getModel(model.core.db, model.id);
      if (!record) throw new EvalInputError(`no model ${model.id} in ${model.core.dataDir.root}`);
      inputSize = record.inputSize;
      setSetting(evalCore.db, 'model.inputSize', inputSize);
    }
    const printer = progress('index');
    const scan = await indexFolders(evalCore, [variantsDir], { onProgress: (p) => printer.show(p), signal });
    printer.end();
    say(`indexed: ${scan.added} photos added, ${scan.failed} failed`);

    const photos: EvalPhoto[] = [];
    const seen = new Set<number>();
    groups.forEach((g, group) => {
      for (const [variant, path] of g.paths) {
        const id = photoIdByPath(evalCore!.db, path);
        if (id === undefined || seen.has(id)) continue; // undecodable, or byte-identical to another variant
        seen.add(id);
        photos.push({ id, group, variant });
      }
    });
    const ids = photos.map((p) => p.id);
    const bursts: KindTruthPhoto[] = groups.flatMap((g, group) =>
      g.bursts.flatMap((path, k) => {
        const id = photoIdByPath(evalCore!.db, path);
        return id === undefined || seen.has(id) ? [] : [{ id, source: group, frame: k + 1 }];
      }),
    );
    const allIds = [...ids, ...bursts.map((b) => b.id)];
    const hashRows = differenceHashes(evalCore.db);
    const hashes = new Map(hashRows.photoIds.map((id, i) => [id, new Uint8Array(hashRows.hashes[i]!)]));
    const inputs = readModelInputs(evalCore.db, 64, ids);
    const raw = rawPixelIndex(inputs, 64);
    const pixels = pixelSignatures(inputs, 64);
    const rowOfPixels = pixelRows(pixels);
    const pixelScorer = (a: number, b: number) => pixelSimilarity(pixels, rowOfPixels.get(a)!, rowOfPixels.get(b)!);

    const learned = await learnedIndex(evalCore, allIds, {
      model,
      inputSize,
      minutes: options.minutes,
      recipe: options.recipe,
      signal,
      say,
      progress,
    });
    // The recall@5 and duplicate figures are on the variants alone, as before the burst frames:
    // the burst frames' embeddings are only for the per-kind figures.
    const learnedAll = learned.index;
    const learnedIdx = subsetIndex(learnedAll, ids);

    const learnedScore = cosineScorer(learnedIdx);
    const combinedScore = combinedScorer({ index: learnedIdx, hashes, pixels }, ids);
    const findSimilarScore = copiesFirstScorer(evalCore, ids, learnedScore);
    const results: Record<string, RecallResult> = {
      learned: recallAt5(photos, learnedScore),
      rawPixels: recallAt5(photos, cosineScorer(raw)),
      perceptualHash: recallAt5(photos, hashScorer(hashes)),
      pixelViews: recallAt5(photos, pixelScorer),
      combined: recallAt5(photos, combinedScore),
      findSimilar: recallAt5(photos, findSimilarScore),
    };
    // Source photos that the pixel signal (each channel centred, so indifferent to a brightness
    // change itself) puts as close together as a photo and its own edit: the ground truth calls
    // them different, and an edit-invariant embedding cannot. Recall is also given with each such
    // pair counted as one shot, beside (never instead of) the figures above.
    const sameShot = sameShotPairs(photos, pixelScorer, SAME_FRAME_EDITS);
    const merged = mergeGroups(photos, sameShot);
    const findSimilarAsOne = sameShot.length ? recallAt5(merged, findSimilarScore) : null;
    const asOneShot = findSimilarAsOne
      ? {
          learned: +recallAt5(merged, learnedScore).recall.toFixed(4),
          combined: +recallAt5(merged, combinedScore).recall.toFixed(4),
          findSimilar: +findSimilarAsOne.recall.toFixed(4),
          findSimilarByVariant: findSimilarAsOne.byVariant,
        }
      : null;

    // The groups `likeness duplicates` would report here, scored pair by pair against the truth.
    const analysis = findDuplicateGroups({ index: learnedIdx, hashes, pixels }, ids);
    const groupOf = new Map(photos.map((p) => [p.id, p.group]));
    let truePairs = 0;
    let foundPairs = 0;
    let correctPairs = 0;
    const sizes = new Map<number, number>();
    for (const p of photos) sizes.set(p.group, (sizes.get(p.group) ?? 0) + 1);
    for (const n of sizes.values()) truePairs += (n * (n - 1)) / 2;
    for (const g of analysis.groups) {
      for (let i = 0; i < g.length; i++) {
        for (let j = i + 1; j < g.length; j++) {
          foundPairs++;
          if (groupOf.get(g[i]!) === groupOf.get(g[j]!)) correctPairs++;
        }
      }
    }
    // Where the rule's evidence falls: each variant paired with its original, and the strongest
    // pair of different pictures (diagnostics: the threshold is not tuned on them).
    const stats = nullStats({ index: learnedIdx, hashes, pixels }, ids);
    const originals = new Map(photos.filter((p) => p.variant === 'original').map((p) => [p.group, p.id]));
    const byVariant: Record<string, { passed: number; n: number; medianEvidence: number; evidence: number[] }> = {};
    let strongestUnrelated = -Infinity;
    for (let i = 0; i < photos.length; i++) {
      for (let j = i + 1; j < photos.length; j++) {
        const a = photos[i]!;
        const b = photos[j]!;
        const z = pairSignals({ index: learnedIdx, hashes, pixels }, stats, a.id, b.id);
        const evidence = combineEvidence(z) ?? -Infinity;
        if (a.group !== b.group) {
          strongestUnrelated = Math.max(strongestUnrelated, evidence);
          continue;
        }
        const original = originals.get(a.group);
        const variant = a.id === original ? b.variant : b.id === original ? a.variant : null;
        if (!variant) continue;
        const v = (byVariant[variant] ??= { passed: 0, n: 0, medianEvidence: 0, evidence: [] });
        v.n++;
        v.evidence.push(evidence);
        if (isDuplicatePair(z, analysis.threshold)) v.passed++;
      }
    }
    for (const v of Object.values(byVariant)) {
      v.evidence.sort((x, y) => x - y);
      v.medianEvidence = +v.evidence[v.evidence.length >> 1]!.toFixed(2);
    }
    const duplicates: DuplicateFigures = {
      groups: analysis.groups.length,
      pairPrecision: foundPairs ? +(correctPairs / foundPairs).toFixed(4) : null,
      pairRecall: truePairs ? +(correctPairs / truePairs).toFixed(4) : null,
      threshold: +analysis.threshold.toFixed(3),
      originalPairsPassing: Object.fromEntries(
        Object.entries(byVariant).map(([k, v]) => [k, { passed: +(v.passed / v.n).toFixed(3), medianEvidence: v.medianEvidence }]),
      ),
      strongestUnrelatedEvidence: +strongestUnrelated.toFixed(2),
      nullStats: { embedding: stats.embedding, hash: stats.hash, pixels: stats.pixels },
    };

    // The two kinds (duplicateKinds.ts) on the library with the burst frames, pair by pair: the
    // source's own frame (original and edits) are copies; burst frames are similar shots.
    const allPixels = pixelSignatures(readModelInputs(evalCore.db, 64, allIds), 64);
    const kindAnalysis = findDuplicateGroups({ index: learnedAll, hashes, pixels: allPixels }, allIds);
    const kinded = kindedGroups(evalCore, kindAnalysis.groups, 64, new Map());
    const kindTruth: KindTruthPhoto[] = [...photos.map((p) => ({ id: p.id, source: p.group, frame: 0 })), ...bursts];
    const kinds = kindScores(kinded, kindTruth);
    // Pictures of different source photos called similar shots: the data set's own same-scene pairs, or mistakes.
    const sourceOf = new Map(kindTruth.map((t) => [t.id, t.source]));
    const called = calledPairs(kinded);
    const acrossSources = (pairs: Set<string>) => {
      const named = new Set<string>();
      for (const pair of pairs) {
        const [a, b] = pair.split(',').map((x) => sourceOf.get(Number(x))!);
        if (a !== b) named.add([basename(groups[Math.min(a!, b!)]!.source), basename(groups[Math.max(a!, b!)]!.source)].join(' ~ '));
      }
      return [...named];
    };
    const duplicateKinds: DuplicateKindFigures = {
      ...kinds,
      burstFrames: bursts.length,
      similarAcrossSources: acrossSources(called.similar),
      copiesAcrossSources: acrossSources(called.copies),
    };

    // What the learned embedding's misses are: which source photos take which others' places.
    const nameOf = (group: number) => basename(groups[group]!.source);
    const learnedConfusions = results
      .learned!.confusions.slice(0, 10)
      .map((c) => ({ photo: nameOf(c.group), intruder: nameOf(c.intruder), places: +c.places.toFixed(2) }));
    const sameShotNamed = sameShot
      .filter((p) => p.group < p.other || !sameShot.some((q) => q.group === p.other && q.other === p.group))
      .map((p) => ({
        photo: nameOf(p.group),
        other: nameOf(p.other),
        similarity: +p.similarity.toFixed(4),
        weakestEdit: { variant: p.edit, similarity: +p.weakestEdit.toFixed(4) },
      }));
    finished = true;
    // Sheets: random queries among the variants; a neighbour is right when it comes from the same photo.
    const sheets = options.sheetDir
      ? await writeQuerySheets(
          options.sheetDir,
          options.sheetCount ?? 3,
          options.recipe.seed ?? 1,
          photos.map((p) => ({ id: p.id, path: groups[p.group]!.paths.get(p.variant)!, label: p.variant, truth: String(p.group) })),
          { learned: learnedIdx, raw },
        )
      : [];
    return {
      sheets,
      recall: results,
      sameShot: sameShotNamed,
      recallAt5SameShotAsOne: asOneShot,
      learnedConfusions,
      duplicates,
      duplicateKinds,
      photos: groups.length,
      variants: photos.length,
      model: learned.description,
      keptFolder: options.keep ? work : null,
    };
  } finally {
    if (evalCore) closeCore(evalCore);
    // A finished run's caller says where the kept folder is, after its figures.
    if (options.keep) {
      if (!finished) say(`kept ${work}`);
    } else rmSync(work, { recursive: true, force: true });
  }
}
