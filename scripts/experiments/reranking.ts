// Experiment (issue 19, not product code): does re-ranking the nearest neighbours, with no more
// training, lift category precision@5? Standard retrieval tricks on L2-normalised embeddings:
//   - α-query expansion (αQE, Radenović et al. 2018): the query is replaced by the normalised sum of
//     itself and its top m neighbours, each weighted by its cosine^α, and searched again;
//   - database-side augmentation (DBA, same paper): every vector is replaced that way first;
//   - both.
// Reads a library kept by `likeness eval categories <folder> --keep` (its active model's embeddings
// and its stored 64×64 inputs for raw pixels); labels are the first-level subfolders of <folder>.
// Usage: node --import tsx scripts/experiments/reranking.ts <kept work dir> <labelled folder>
import { closeCore } from '../../src/main/core';
import { precisionAt5 } from '../../src/main/eval/categories';
import { EmbeddingIndex } from '../../src/main/search/knn';
import { normaliseRows } from '../../src/main/util/vectors';
import { openKept } from './keptLibrary';

const { core, photos, modelId, learned, raw } = await openKept(process.argv.slice(2), 'reranking.ts');

/** Every row replaced by the normalised cosine^α-weighted sum of itself and its m nearest others. */
function expanded(index: EmbeddingIndex, m: number, alpha: number): EmbeddingIndex {
  const n = index.photoIds.length;
  const out = new Float32Array(n * index.dim);
  for (let row = 0; row < n; row++) {
    const q = index.vector(row);
    const acc = out.subarray(row * index.dim, (row + 1) * index.dim);
    acc.set(q);
    for (const h of index.search(q, m, row)) {
      const w = Math.max(0, h.score) ** alpha;
      const v = index.vector(h.row);
      for (let d = 0; d < index.dim; d++) acc[d]! += w * v[d]!;
    }
  }
  return new EmbeddingIndex(index.photoIds, normaliseRows(out, index.dim), index.dim);
}

/** Precision@5 when each query is expanded against `db` (αQE), the database being `db` itself. */
function withQueryExpansion(db: EmbeddingIndex, m: number, alpha: number): number {
  const queries = expanded(db, m, alpha);
  // A queries index whose vectors are the expanded ones, searched in `db`.
  const labelOf = new Map(photos.map((p) => [p.id, p.label]));
  let total = 0;
  for (let row = 0; row < db.photoIds.length; row++) {
    const hits = db.search(queries.vector(row), 5, row);
    total += hits.filter((h) => labelOf.get(db.photoIds[h.row]!) === labelOf.get(db.photoIds[row]!)).length / 5;
  }
  return total / db.photoIds.length;
}

console.log(`${photos.length} photos, model ${modelId}`);
for (const [name, index] of [
  ['learned', learned],
  ['raw pixels', raw],
] as const) {
  const row: string[] = [`plain ${precisionAt5(photos, index).precision.toFixed(3)}`];
  for (const m of [1, 2, 3, 5]) {
    row.push(`QE m${m} ${withQueryExpansion(index, m, 3).toFixed(3)}`);
    row.push(`DBA m${m} ${precisionAt5(photos, expanded(index, m, 3)).precision.toFixed(3)}`);
    row.push(`DBA+QE m${m} ${withQueryExpansion(expanded(index, m, 3), m, 3).toFixed(3)}`);
  }
  console.log(`${name}: ${row.join('  ')}`);
}
closeCore(core);
