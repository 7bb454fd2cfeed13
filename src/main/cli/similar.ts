// `likeness similar`: the photos most like a given one (by path or id, or an image outside the library).
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Core } from '../core';
import { similarPhotos } from '../search/quickSimilar';
import type { SimilarResult } from '../search/service';
import type { SimilarSignal } from '../../shared/api';
import { getPhoto, photoIdByPath, photoPaths } from '../store/photos';
import { parse, UsageError, type CommandRun } from './command';

/** A photo id, or the path of one of the library's files. */
export function resolvePhoto(core: Core, reference: string): number {
  const asPath = resolve(reference);
  const byPath = photoIdByPath(core.db, asPath);
  if (byPath !== undefined) return byPath;
  if (/^\d+$/.test(reference) && getPhoto(core.db, Number(reference))) return Number(reference);
  if (existsSync(asPath)) throw new UsageError(`${asPath} is not in the library (to search with it anyway: --image ${reference})`);
  throw new UsageError(`no photo with id or path '${reference}'`);
}

/** The queries: the arguments, then (with --stdin) each non-blank line of the standard input as it comes. */
async function* queriesOf(positionals: string[], fromStdin: boolean): AsyncGenerator<string> {
  yield* positionals;
  if (!fromStdin) return;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) if (line.trim()) yield line.trim();
}

export const similarCommand: CommandRun = {
  async run(args, ctx) {
    const { values, positionals } = parse(args, {
      k: { type: 'string', default: '20' },
      image: { type: 'string' },
      stdin: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      sheet: { type: 'string' },
    });
    const k = Number(values.k);
    if (!Number.isInteger(k) || k < 1) throw new UsageError('--k must be a positive whole number');
    const queried = positionals.length > 0 || values.stdin;
    if ((values.image === undefined) !== queried) throw new UsageError('give photos (paths or ids, or --stdin), or one --image <file>');
    const core = ctx.core();
    // Each row says which signal answered: before the first model, quick matches from the pixels.
    const print = (results: SimilarResult[], signal: SimilarSignal) => {
      const rows = results.map((r) => ({
        id: r.photoId,
        path: photoPaths(core.db, r.photoId)[0] ?? null,
        score: +r.score.toFixed(6),
        signal,
        copy: r.copy === true,
        uncropped: r.uncropped === true,
      }));
      if (values.json) ctx.out(JSON.stringify(rows));
      else {
        if (signal === 'pixels') ctx.err('Quick matches from the pixels: no trained model answers for this photo yet.');
        for (const r of rows)
          ctx.out(`${r.score.toFixed(4)}  ${String(r.id).padStart(6)}  ${r.path}${r.copy ? '  (copy)' : r.uncropped ? '  (uncropped)' : ''}`);
      }
    };
    // The seed article's figure: the query and its 9 nearest, with scores, in one picture (sharp: loaded only for it).
    const sheet = async (query: number | string, results: SimilarResult[]) => {
      if (values.sheet === undefined) return;
      const { similarSheet } = await import('../search/sheet');
      await writeFile(resolve(values.sheet), await similarSheet(core, query, results));
    };
    const answer = async (reference: string) => {
      const id = resolvePhoto(core, reference);
      const { signal, results } = similarPhotos(core, id, k);
      print(results, signal);
      await sheet(id, results);
    };
    if (values.sheet !== undefined && (positionals.length > 1 || values.stdin)) throw new UsageError('--sheet takes one query');
    if (values.image !== undefined) {
      const file = resolve(values.image);
      if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
      // Decoding and embedding an image loads sharp and TensorFlow.js: only for --image.
      const { findSimilarToImage } = await import('../search/queryImage');
      const { signal, results } = await findSimilarToImage(core, file, k);
      print(results, signal);
      await sheet(file, results);
      return 0;
    }
    if (positionals.length === 1 && !values.stdin) {
      await answer(positionals[0]!);
      return 0;
    }
    // A batch: one answer per query, in order, from one index. A query that fails says why on
    // stderr (and prints `null` in its place with --json) without stopping the others.
    let failed = 0;
    for await (const query of queriesOf(positionals, values.stdin)) {
      if (ctx.signal.aborted) return 130;
      if (!values.json) ctx.out(`# ${query}`);
      try {
        await answer(query);
      } catch (error) {
        failed++;
        ctx.err(`likeness similar: ${query}: ${(error as Error).message}`);
        if (values.json) ctx.out('null');
      }
    }
    return failed > 0 ? 1 : 0;
  },
};
