// `likeness eval near-duplicates <photo folder>`: builds groups of near-duplicates from each photo
// (original, 25 % size, 80 % centre crop, JPEG q20, rotated pixels + EXIF orientation 6,
// brightness ×1.15; with --hard also a 50 % crop, greyscale, a letterbox, a caption and a 90°
// turn without EXIF, search/variants.ts) in a temporary library, and prints recall@5 for the learned embeddings, raw
// 32×32 pixels, the perceptual hash, the pixel signal of `likeness duplicates` and the combination
// it uses, in one run. `--scenes N` evaluates on N generated scenes (search/scenes.ts) instead of a
// folder: a second picture set that is not the development photos.
// Raw pixels follow the issue's protocol: the whole picture, orientation applied, at 32×32,
// mean-centred over the library, cosine. (Centring each picture on its own mean instead gives the
// same 0.916 on the development photos: their shortfall from "about 0.98" is the 80 % crops, 0.82,
// and the set's own near-duplicate pairs — aloeL/aloeR and the like — taking top-5 places.)
// Source photos as alike as a photo and its own same-frame edit (two frames of a burst) are named,
// and recall is also given with each such pair counted as one shot.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { closeCore, openCore, type Core } from '../core';
import { indexFolders } from '../library/scan';
import { walkPhotos } from '../library/walk';
import { EmbeddingIndex } from '../search/knn';
import { combineEvidence, findDuplicateGroups, isDuplicatePair, nullStats, pairSignals } from '../search/nearDuplicates';
import { combinedScorer, hashScorer, mergeGroups, rawPixelIndex, sameShotPairs } from '../eval/retrieval';
import { cosineScorer, recallAt5, type EvalPhoto, type RecallResult } from '../search/recall';
import { HARD_EDITS, SAME_FRAME_EDITS, VARIANTS, writeBurstFrames, writeVariants } from '../search/variants';
import { kindedGroups } from '../search/service';
import { calledPairs, kindScores, type KindTruthPhoto } from '../eval/duplicateKinds';
import { pixelRows, pixelSignatures, pixelSimilarity } from '../search/pixelSignatures';
import { sceneJpeg } from '../search/scenes';
import { embedImages, embedLibrary } from '../model/embed';
import { trainModel, type TrainOptions } from '../model/train';
import { readEmbeddings } from '../store/embeddings';
import { readModelInputs } from '../store/modelInputs';
import { getModel } from '../store/models';
import { differenceHashes, photoIdByPath } from '../store/photos';
import { setSetting } from '../store/settings';
import { parse, progressPrinter, UsageError, type Command, type CommandContext } from './command';
import { trainOptionSpec, trainOptionsFrom } from './train';

/**
 * The learned embeddings of the evaluation library's photos: from a model of the user's library
 * (--model: its weights embed the temporary library's inputs; nothing is written to the user's
 * library), or from a model trained briefly on the temporary library itself.
 */
async function learnedIndex(
  ctx: CommandContext,
  evalCore: Core,
  ids: number[],
  options: { modelId?: number; inputSize: number; minutes: number; recipe: TrainOptions; say: (line: string) => void },
): Promise<{ index: EmbeddingIndex; description: string }> {
  if (options.modelId !== undefined) {
    const inputs = readModelInputs(evalCore.db, options.inputSize, ids);
    const present = ids.filter((id) => inputs.has(id));
    const vectors = await embedImages(ctx.core(), options.modelId, present.map((id) => inputs.get(id)!), options.inputSize);
    const dim = vectors[0]?.length ?? 0;
    const flat = new Float32Array(present.length * dim);
    vectors.forEach((v, i) => flat.set(v, i * dim));
    return { index: new EmbeddingIndex(present, flat, dim), description: `model ${options.modelId} of ${ctx.core().dataDir.root}` };
  }
  options.say(`training a model on the evaluation library for ${options.minutes} min…`);
  const printer = progressPrinter('train');
  const model = await trainModel(evalCore, { ...options.recipe, minutes: options.minutes, activate: true }, { onProgress: (p) => printer.show(p), signal: ctx.signal });
  printer.end();
  await embedLibrary(evalCore, { modelId: model.id, signal: ctx.signal });
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

export const evalNearDuplicatesCommand: Command = {
  name: 'near-duplicates',
  summary: 'recall@5 on generated near-duplicate groups: learned embeddings, raw pixels, perceptual hash, the pixel signal and the duplicate rule; pairs found',
  usage: 'near-duplicates <photo folder> | --scenes N [--hard] [--model <id in this library>] [--minutes 3] [--limit N] [--keep] [--json] [train options: --preset, --pooling, --crop-min-scale…]',
  async run(args, ctx) {
    const { values, positionals } = parse(args, {
      ...trainOptionSpec,
      model: { type: 'string' },
      minutes: { type: 'string', default: '3' },
      scenes: { type: 'string' },
      limit: { type: 'string' },
      keep: { type: 'boolean', default: false },
      hard: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    const scenes = values.scenes === undefined ? undefined : Number(values.scenes);
    if (scenes !== undefined && !(Number.isInteger(scenes) && scenes >= 2)) throw new UsageError('--scenes takes a number of generated scenes (at least 2)');
    if (positionals.length !== (scenes === undefined ? 1 : 0)) throw new UsageError('give one folder of photos, or --scenes N');
    const minutes = Number(values.minutes);
    if (!(minutes > 0)) throw new UsageError('--minutes must be positive');
    const modelId = values.model === undefined ? undefined : Number(values.model);
    if (modelId !== undefined && !(Number.isInteger(modelId) && modelId > 0)) throw new UsageError('--model takes a model id (likeness models)');
    const say = (line: string) => (values.json ? ctx.err(line) : ctx.out(line));

    const work = mkdtempSync(join(tmpdir(), 'likeness-eval-near-duplicates-'));
    // A second picture set that is not the development photos: generated scenes (search/scenes.ts).
    let source: string;
    if (scenes !== undefined) {
      source = join(work, 'scenes');
      mkdirSync(source, { recursive: true });
      for (let seed = 1; seed <= scenes; seed++) writeFileSync(join(source, `scene-${String(seed).padStart(4, '0')}.jpg`), await sceneJpeg(seed, 960, 640));
    } else source = resolve(positionals[0]!);
    let files = (await walkPhotos(source, ctx.signal)).files.map((f) => f.path);
    if (values.limit !== undefined) files = files.slice(0, Number(values.limit));
    if (files.length < 2) throw new UsageError(`${source} has fewer than 2 photos`);

    const variantsDir = join(work, 'photos');
    let evalCore: Core | null = null;
    try {
      // The source photos are only read; variants go to the temporary folder.
      const groups: { source: string; paths: Map<string, string>; bursts: string[] }[] = [];
      let unreadable = 0;
      for (const [i, file] of files.entries()) {
        if (ctx.signal.aborted) return 130;
        try {
          const stem = `${String(i).padStart(4, '0')}-${basename(file, extname(file)).replace(/[^\w.-]+/g, '_')}`;
          const folder = join(variantsDir, String(i).padStart(4, '0'));
          // Burst frames of each photo (variants.ts) for the per-kind figures; not in recall@5.
          groups.push({ source: file, paths: await writeVariants(file, folder, stem, values.hard ? HARD_EDITS : []), bursts: await writeBurstFrames(file, folder, stem) });
        } catch {
          unreadable++;
        }
      }
      say(`${groups.length} photos × ${VARIANTS.length + (values.hard ? HARD_EDITS.length : 0)} variants written to ${variantsDir}${unreadable ? ` (${unreadable} unreadable photos skipped)` : ''}`);

      evalCore = openCore(join(work, 'home'));
      let inputSize = 64;
      if (modelId !== undefined) {
        const model = getModel(ctx.core().db, modelId);
        if (!model) throw new UsageError(`no model ${modelId} in ${ctx.core().dataDir.root}`);
        inputSize = model.inputSize;
        setSetting(evalCore.db, 'model.inputSize', inputSize);
      }
      const printer = progressPrinter('index');
      const scan = await indexFolders(evalCore, [variantsDir], { onProgress: (p) => printer.show(p), signal: ctx.signal });
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

      const learned = await learnedIndex(ctx, evalCore, allIds, { modelId, inputSize, minutes, recipe: trainOptionsFrom(values), say });
      // The recall@5 and duplicate figures are on the variants alone, as before the burst frames:
      // the burst frames' embeddings are only for the per-kind figures.
      const learnedAll = learned.index;
      const learnedIdx = subsetIndex(learnedAll, ids);

      const learnedScore = cosineScorer(learnedIdx);
      const combinedScore = combinedScorer({ index: learnedIdx, hashes, pixels }, ids);
      const results: Record<string, RecallResult> = {
        learned: recallAt5(photos, learnedScore),
        rawPixels: recallAt5(photos, cosineScorer(raw)),
        perceptualHash: recallAt5(photos, hashScorer(hashes)),
        pixelViews: recallAt5(photos, pixelScorer),
        combined: recallAt5(photos, combinedScore),
      };
      // Source photos that the pixel signal (each channel centred, so indifferent to a brightness
      // change itself) puts as close together as a photo and its own edit: the ground truth calls
      // them different, and an edit-invariant embedding cannot. Recall is also given with each such
      // pair counted as one shot, beside (never instead of) the figures above.
      const sameShot = sameShotPairs(photos, pixelScorer, SAME_FRAME_EDITS);
      const merged = mergeGroups(photos, sameShot);
      const asOneShot = sameShot.length
        ? { learned: +recallAt5(merged, learnedScore).recall.toFixed(4), combined: +recallAt5(merged, combinedScore).recall.toFixed(4) }
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
      const duplicates = {
        groups: analysis.groups.length,
        pairPrecision: foundPairs ? +(correctPairs / foundPairs).toFixed(4) : null,
        pairRecall: truePairs ? +(correctPairs / truePairs).toFixed(4) : null,
        threshold: +analysis.threshold.toFixed(3),
        originalPairsPassing: Object.fromEntries(Object.entries(byVariant).map(([k, v]) => [k, { passed: +(v.passed / v.n).toFixed(3), medianEvidence: v.medianEvidence }])),
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
      const crossSource = acrossSources(called.similar);
      const copiesAcrossSources = acrossSources(called.copies);
      const duplicateKinds = { ...kinds, burstFrames: bursts.length, similarAcrossSources: crossSource, copiesAcrossSources };

      const recallAt5Figures = Object.fromEntries(Object.entries(results).map(([k, r]) => [k, +r.recall.toFixed(4)]));
      // What the learned embedding's misses are: which source photos take which others' places.
      const nameOf = (group: number) => basename(groups[group]!.source);
      const learnedConfusions = results.learned!.confusions
        .slice(0, 10)
        .map((c) => ({ photo: nameOf(c.group), intruder: nameOf(c.intruder), places: +c.places.toFixed(2) }));
      const sameShotNamed = sameShot
        .filter((p) => p.group < p.other || !sameShot.some((q) => q.group === p.other && q.other === p.group))
        .map((p) => ({ photo: nameOf(p.group), other: nameOf(p.other), similarity: +p.similarity.toFixed(4), weakestEdit: { variant: p.edit, similarity: +p.weakestEdit.toFixed(4) } }));
      if (values.json) {
        ctx.out(
          JSON.stringify({
            recallAt5: recallAt5Figures,
            sameShot: sameShotNamed,
            recallAt5SameShotAsOne: asOneShot,
            byVariant: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, r.byVariant])),
            learnedConfusions,
            duplicates,
            duplicateKinds,
            photos: groups.length,
            variants: photos.length,
            model: learned.description,
          }),
        );
      } else {
        ctx.out(`recall@5 over ${photos.length} photos in ${groups.length} groups (model: ${learned.description}):`);
        for (const [name, r] of Object.entries(results)) {
          ctx.out(`  ${name.padEnd(15)} ${r.recall.toFixed(4)}   by query variant: ${Object.entries(r.byVariant).map(([v, x]) => `${v} ${x.toFixed(3)}`).join(', ')}`);
        }
        ctx.out(editTable(results));
        if (learnedConfusions.length) {
          ctx.out(`  learned misses, most first (top-5 places taken from a photo's copies by another photo's):`);
          for (const c of learnedConfusions.slice(0, 5)) ctx.out(`    ${c.photo} ← ${c.intruder}: ${c.places}`);
        }
        for (const p of sameShotNamed) {
          ctx.out(
            `  ${p.photo} and ${p.other} are as alike in the pixel signal (${p.similarity}) as a photo and its own ${p.weakestEdit.variant} copy (${p.weakestEdit.similarity}): the truth calls them different shots`,
          );
        }
        if (asOneShot) ctx.out(`  recall@5 counting each such pair as one shot: learned ${asOneShot.learned.toFixed(4)}, combined ${asOneShot.combined.toFixed(4)}`);
        ctx.out(
          `likeness duplicates on this library: ${duplicates.groups} groups (true ${groups.length}); pair precision ${duplicates.pairPrecision ?? '—'}, ` +
            `pair recall ${duplicates.pairRecall ?? '—'} (evidence threshold z* = ${duplicates.threshold})`,
        );
        ctx.out(
          `  original↔variant pairs called duplicates: ${Object.entries(duplicates.originalPairsPassing)
            .map(([v, x]) => `${v} ${x.passed} (median evidence ${x.medianEvidence})`)
            .join(', ')}; strongest pair of different pictures: ${duplicates.strongestUnrelatedEvidence}`,
        );
        const fmt = (k: { precision: number | null; recall: number | null; foundPairs: number; truePairs: number }) =>
          `precision ${k.precision ?? '—'}, recall ${k.recall ?? '—'} (${k.foundPairs} pairs called, ${k.truePairs} true)`;
        ctx.out(`duplicate kinds with ${bursts.length} generated burst frames: copies ${fmt(kinds.copies)}; similar shots ${fmt(kinds.similar)}`);
        if (crossSource.length) ctx.out(`  different photos called similar shots: ${crossSource.join(', ')}`);
        if (copiesAcrossSources.length) ctx.out(`  different photos called copies: ${copiesAcrossSources.join(', ')}`);
      }
      return 0;
    } finally {
      if (evalCore) closeCore(evalCore);
      if (values.keep) say(`kept ${work}`);
      else rmSync(work, { recursive: true, force: true });
    }
  },
};

/** Recall@5 edit by edit (queries of each variant kind), one row per edit and one column per method. */
function editTable(results: Record<string, RecallResult>): string {
  const methods = Object.keys(results);
  const edits = Object.keys(results[methods[0]!]!.byVariant);
  const lines = [`  recall@5 by edit (query variant): ${'edit'.padEnd(10)} ${methods.map((m) => m.padStart(14)).join(' ')}`];
  for (const e of edits) lines.push(`  ${' '.repeat(33)} ${e.padEnd(10)} ${methods.map((m) => (results[m]!.byVariant[e] ?? 0).toFixed(3).padStart(14)).join(' ')}`);
  return lines.join('\n');
}
