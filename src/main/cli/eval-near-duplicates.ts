// `likeness eval near-duplicates <photo folder>`: recall@5 on generated near-duplicate groups for
// the learned embeddings, raw pixels, the perceptual hash, the pixel signal of `likeness duplicates`
// and the combination it uses; the duplicate groups and kinds scored pair by pair. `--scenes N`
// evaluates on N generated scenes instead of a folder (src/main/eval/nearDuplicates.ts does the
// work and says what is measured; this file parses and prints).
import { resolve } from 'node:path';
import { EvalInputError } from '../eval/common';
import { evalNearDuplicates } from '../eval/nearDuplicates';
import type { RecallResult } from '../search/recall';
import { parse, progressPrinter, UsageError, type Command } from './command';
import { trainOptionSpec, trainOptionsFrom } from './train';

export const evalNearDuplicatesCommand: Command = {
  name: 'near-duplicates',
  summary:
    'recall@5 on generated near-duplicate groups: learned embeddings, raw pixels, perceptual hash, the pixel signal and the duplicate rule; pairs found',
  usage:
    'near-duplicates <photo folder> | --scenes N [--hard] [--model <id in this library>] [--minutes 3] [--limit N] [--sheets <folder> [--sheet-count 3]] [--keep] [--json] [train options: --preset, --pooling, --crop-min-scale…]',
  async run(args, ctx) {
    const { values, positionals } = parse(args, {
      ...trainOptionSpec,
      model: { type: 'string' },
      minutes: { type: 'string', default: '3' },
      scenes: { type: 'string' },
      limit: { type: 'string' },
      keep: { type: 'boolean', default: false },
      sheets: { type: 'string' },
      'sheet-count': { type: 'string', default: '3' },
      hard: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    const scenes = values.scenes === undefined ? undefined : Number(values.scenes);
    if (scenes !== undefined && !(Number.isInteger(scenes) && scenes >= 2))
      throw new UsageError('--scenes takes a number of generated scenes (at least 2)');
    if (positionals.length !== (scenes === undefined ? 1 : 0)) throw new UsageError('give one folder of photos, or --scenes N');
    const minutes = Number(values.minutes);
    if (!(minutes > 0)) throw new UsageError('--minutes must be positive');
    const modelId = values.model === undefined ? undefined : Number(values.model);
    if (modelId !== undefined && !(Number.isInteger(modelId) && modelId > 0)) throw new UsageError('--model takes a model id (likeness models)');
    const sheetCount = Number(values['sheet-count']);
    if (!(Number.isInteger(sheetCount) && sheetCount >= 1)) throw new UsageError('--sheet-count must be a positive whole number');
    const say = (line: string) => (values.json ? ctx.err(line) : ctx.out(line));

    let result;
    try {
      result = await evalNearDuplicates({
        source: scenes !== undefined ? { scenes } : { folder: resolve(positionals[0]!) },
        hard: values.hard,
        limit: values.limit === undefined ? undefined : Number(values.limit),
        model: modelId === undefined ? undefined : { core: ctx.core(), id: modelId },
        minutes,
        recipe: trainOptionsFrom(values),
        keep: values.keep,
        sheetDir: values.sheets === undefined ? undefined : resolve(values.sheets),
        sheetCount,
        signal: ctx.signal,
        say,
        progress: (stage) => progressPrinter(stage),
      });
    } catch (e) {
      if (e instanceof EvalInputError) throw new UsageError(e.message);
      throw e;
    }
    const { recall: results, learnedConfusions, sameShot: sameShotNamed, recallAt5SameShotAsOne: asOneShot, duplicates, duplicateKinds } = result;
    if (values.json) {
      ctx.out(
        JSON.stringify({
          recallAt5: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, +r.recall.toFixed(4)])),
          sameShot: sameShotNamed,
          recallAt5SameShotAsOne: asOneShot,
          byVariant: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, r.byVariant])),
          learnedConfusions,
          duplicates,
          duplicateKinds,
          photos: result.photos,
          variants: result.variants,
          model: result.model,
          sheets: result.sheets,
        }),
      );
    } else {
      ctx.out(`recall@5 over ${result.variants} photos in ${result.photos} groups (model: ${result.model}):`);
      for (const [name, r] of Object.entries(results)) {
        ctx.out(
          `  ${name.padEnd(15)} ${r.recall.toFixed(4)}   by query variant: ${Object.entries(r.byVariant)
            .map(([v, x]) => `${v} ${x.toFixed(3)}`)
            .join(', ')}`,
        );
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
      if (asOneShot) {
        ctx.out(
          `  recall@5 counting each such pair as one shot: learned ${asOneShot.learned.toFixed(4)}, combined ${asOneShot.combined.toFixed(4)}, find similar ${asOneShot.findSimilar.toFixed(4)}`,
        );
        ctx.out(
          `    find similar by edit: ${Object.entries(asOneShot.findSimilarByVariant)
            .map(([v, r]) => `${v} ${r.toFixed(3)}`)
            .join(', ')}`,
        );
      }
      ctx.out(
        `likeness duplicates on this library: ${duplicates.groups} groups (true ${result.photos}); pair precision ${duplicates.pairPrecision ?? '—'}, ` +
          `pair recall ${duplicates.pairRecall ?? '—'} (evidence threshold z* = ${duplicates.threshold})`,
      );
      ctx.out(
        `  original↔variant pairs called duplicates: ${Object.entries(duplicates.originalPairsPassing)
          .map(([v, x]) => `${v} ${x.passed} (median evidence ${x.medianEvidence})`)
          .join(', ')}; strongest pair of different pictures: ${duplicates.strongestUnrelatedEvidence}`,
      );
      const fmt = (k: { precision: number | null; recall: number | null; foundPairs: number; truePairs: number }) =>
        `precision ${k.precision ?? '—'}, recall ${k.recall ?? '—'} (${k.foundPairs} pairs called, ${k.truePairs} true)`;
      ctx.out(
        `duplicate kinds with ${duplicateKinds.burstFrames} generated burst frames: copies ${fmt(duplicateKinds.copies)}; similar shots ${fmt(duplicateKinds.similar)}`,
      );
      if (duplicateKinds.similarAcrossSources.length)
        ctx.out(`  different photos called similar shots: ${duplicateKinds.similarAcrossSources.join(', ')}`);
      if (duplicateKinds.copiesAcrossSources.length) ctx.out(`  different photos called copies: ${duplicateKinds.copiesAcrossSources.join(', ')}`);
    }
    if (!values.json) for (const file of result.sheets) ctx.out(`  sheet: ${file}`);
    if (result.keptFolder) say(`kept ${result.keptFolder}`);
    return 0;
  },
};

/** Recall@5 edit by edit (queries of each variant kind), one row per edit and one column per method. */
function editTable(results: Record<string, RecallResult>): string {
  const methods = Object.keys(results);
  const edits = Object.keys(results[methods[0]!]!.byVariant);
  const lines = [`  recall@5 by edit (query variant): ${'edit'.padEnd(10)} ${methods.map((m) => m.padStart(14)).join(' ')}`];
  for (const e of edits)
    lines.push(`  ${' '.repeat(33)} ${e.padEnd(10)} ${methods.map((m) => (results[m]!.byVariant[e] ?? 0).toFixed(3).padStart(14)).join(' ')}`);
  return lines.join('\n');
}
