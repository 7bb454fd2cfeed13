// The evals' sheets (the seed article's figure): for a few random queries, the query and its 9
// nearest neighbours by each method (one file per method), a green frame on the neighbours the
// truth calls right and a red one on the others.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EmbeddingIndex } from '../search/knn';
import { renderSheet } from '../search/sheet';
import { Rng, shuffleInPlace } from '../util/rng';

export interface SheetPhoto {
  id: number;
  path: string;
  /** Shown under each tile: a category, an edit. */
  label: string;
  /** Neighbours with the query's truth are right (a category, a source photo). */
  truth: string;
}

export async function writeQuerySheets(
  dir: string,
  count: number,
  seed: number,
  photos: readonly SheetPhoto[],
  indexes: Record<string, EmbeddingIndex>,
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const queries = shuffleInPlace(photos.slice(), new Rng(seed + 7)).slice(0, count);
  const byId = new Map(photos.map((p) => [p.id, p]));
  const written: string[] = [];
  for (const [i, q] of queries.entries()) {
    for (const [name, index] of Object.entries(indexes)) {
      const row = index.rowOfPhoto(q.id);
      if (row === undefined) continue;
      const neighbours = index.search(index.vector(row), 9, row).flatMap((h) => {
        const p = byId.get(index.photoIds[h.row]!);
        return p ? [{ path: p.path, score: h.score, label: p.label, correct: p.truth === q.truth }] : [];
      });
      const file = join(dir, `query-${String(i + 1).padStart(2, '0')}-${name}.png`);
      writeFileSync(file, await renderSheet({ path: q.path, label: `${q.label}: ${basename(q.path)}` }, neighbours));
      written.push(file);
    }
  }
  return written;
}
