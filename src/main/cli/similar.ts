// `likeness similar`: the photos most like a given one (by path or id, or an image outside the library).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Core } from '../core';
import { findSimilarToImage } from '../search/queryImage';
import { findSimilar, type SimilarResult } from '../search/service';
import { writeSimilarSheet } from '../search/sheet';
import { getPhoto, photoIdByPath, photoPaths } from '../store/photos';
import { parse, UsageError, type Command } from './command';

/** A photo id, or the path of one of the library's files. */
export function resolvePhoto(core: Core, reference: string): number {
  const asPath = resolve(reference);
  const byPath = photoIdByPath(core.db, asPath);
  if (byPath !== undefined) return byPath;
  if (/^\d+$/.test(reference) && getPhoto(core.db, Number(reference))) return Number(reference);
  if (existsSync(asPath)) throw new UsageError(`${asPath} is not in the library (to search with it anyway: --image ${reference})`);
  throw new UsageError(`no photo with id or path '${reference}'`);
}

export const similarCommand: Command = {
  name: 'similar',
  summary: 'the photos most similar to one, best first (cosine of the active model’s embeddings)',
  usage: 'similar <photo path | photo id> | --image <file>  [--k 20] [--json] [--sheet out.png]',
  async run(args, ctx) {
    const { values, positionals } = parse(args, {
      k: { type: 'string', default: '20' },
      image: { type: 'string' },
      json: { type: 'boolean', default: false },
      sheet: { type: 'string' },
    });
    const k = Number(values.k);
    if (!Number.isInteger(k) || k < 1) throw new UsageError('--k must be a positive whole number');
    if ((values.image === undefined) === (positionals.length !== 1)) throw new UsageError('give one photo, or --image <file>');
    const core = ctx.core();
    let results: SimilarResult[];
    let queryPath: string | undefined;
    if (values.image !== undefined) {
      const file = resolve(values.image);
      if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
      results = await findSimilarToImage(core, file, k);
      queryPath = file;
    } else {
      const id = resolvePhoto(core, positionals[0]!);
      results = findSimilar(core, id, k);
      queryPath = photoPaths(core.db, id)[0];
    }
    const rows = results.map((r) => ({ id: r.photoId, path: photoPaths(core.db, r.photoId)[0] ?? null, score: +r.score.toFixed(6) }));
    // The seed article's figure: the query and its 9 nearest, with scores, in one picture.
    if (values.sheet !== undefined && queryPath) await writeSimilarSheet(resolve(values.sheet), queryPath, rows);
    if (values.json) ctx.out(JSON.stringify(rows));
    else for (const r of rows) ctx.out(`${r.score.toFixed(4)}  ${String(r.id).padStart(6)}  ${r.path}`);
    return 0;
  },
};
