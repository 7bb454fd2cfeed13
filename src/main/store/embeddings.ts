// SQL for embeddings: μ(x), L2-normalised, float32 little-endian, one row per (model version, photo).
import type { Db } from './db';

export interface EmbeddingRow {
  photoId: number;
  vector: Float32Array;
}

function toBlob(v: Float32Array): Buffer {
  const b = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) b.writeFloatLE(v[i], i * 4);
  return b;
}

export function writeEmbeddings(db: Db, modelId: number, rows: readonly EmbeddingRow[]): void {
  const insert = db.prepare('INSERT OR REPLACE INTO embeddings (model_id, photo_id, vector) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const r of rows) insert.run(modelId, r.photoId, toBlob(r.vector));
  })();
}

/** Every embedding of a model version, row-major in one array, ordered by photo id. */
export function readEmbeddings(db: Db, modelId: number): { photoIds: number[]; vectors: Float32Array; dim: number } {
  const rows = db.prepare('SELECT photo_id AS id, vector FROM embeddings WHERE model_id = ? ORDER BY photo_id').all(modelId) as {
    id: number;
    vector: Buffer;
  }[];
  const dim = rows.length ? rows[0].vector.byteLength / 4 : 0;
  const vectors = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    if (r.vector.byteLength !== dim * 4) throw new Error(`embedding of photo ${r.id} has ${r.vector.byteLength / 4} dimensions, expected ${dim}`);
    for (let k = 0; k < dim; k++) vectors[i * dim + k] = r.vector.readFloatLE(k * 4);
  });
  return { photoIds: rows.map((r) => r.id), vectors, dim };
}

/** Photos that have a model input at the model's input size but no embedding from that model yet. */
export function photosMissingEmbedding(db: Db, modelId: number, limit: number): number[] {
  return (
    db
      .prepare(
        `SELECT mi.photo_id AS id FROM model_inputs mi
         JOIN model_versions mv ON mv.id = ? AND mi.size = mv.input_size
         WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = mv.id AND e.photo_id = mi.photo_id)
         ORDER BY mi.photo_id LIMIT ?`,
      )
      .all(modelId, limit) as { id: number }[]
  ).map((r) => r.id);
}

export function countMissingEmbeddings(db: Db, modelId: number): number {
  return (
    db
      .prepare(
        `SELECT count(*) AS n FROM model_inputs mi
         JOIN model_versions mv ON mv.id = ? AND mi.size = mv.input_size
         WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = mv.id AND e.photo_id = mi.photo_id)`,
      )
      .get(modelId) as { n: number }
  ).n;
}

export function countEmbeddings(db: Db, modelId: number): number {
  return (db.prepare('SELECT count(*) AS n FROM embeddings WHERE model_id = ?').get(modelId) as { n: number }).n;
}
