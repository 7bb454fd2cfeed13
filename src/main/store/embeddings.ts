// SQL for embeddings: μ(x), L2-normalised, float32 little-endian, one row per (model version, photo).
import type { Db } from './db';
import { shownPhoto } from './stacks';

export interface EmbeddingRow {
  photoId: number;
  vector: Float32Array;
}

function toBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}

export function writeEmbeddings(db: Db, modelId: number, rows: readonly EmbeddingRow[]): void {
  const insert = db.prepare('INSERT OR REPLACE INTO embeddings (model_id, photo_id, vector) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const r of rows) insert.run(modelId, r.photoId, toBlob(r.vector));
  })();
}

/**
 * Every embedding of a model version, row-major in one array, ordered by photo id. Rows are
 * streamed and their bytes copied whole (float32 little-endian, as every platform we run on is),
 * so a million embeddings load without a million intermediate objects.
 */
export function readEmbeddings(db: Db, modelId: number): { photoIds: number[]; vectors: Float32Array; dim: number } {
  const first = db.prepare('SELECT length(vector) AS bytes, count(*) AS n FROM embeddings WHERE model_id = ?').get(modelId) as {
    bytes: number | null;
    n: number;
  };
  const dim = (first.bytes ?? 0) / 4;
  const vectors = new Float32Array(first.n * dim);
  const bytes = new Uint8Array(vectors.buffer);
  const photoIds: number[] = [];
  const rows = db.prepare('SELECT photo_id AS id, vector FROM embeddings WHERE model_id = ? ORDER BY photo_id').iterate(modelId) as Iterable<{
    id: number;
    vector: Buffer;
  }>;
  for (const r of rows) {
    if (r.vector.byteLength !== dim * 4) throw new Error(`embedding of photo ${r.id} has ${r.vector.byteLength / 4} dimensions, expected ${dim}`);
    bytes.set(r.vector, photoIds.length * dim * 4);
    photoIds.push(r.id);
  }
  return { photoIds, vectors, dim };
}

/** Photos that have a model input at the model's input size but no embedding from that model yet. */
export function photosMissingEmbedding(db: Db, modelId: number, limit: number): number[] {
  return (
    db
      .prepare(
        `SELECT mi.photo_id AS id FROM model_inputs mi
         JOIN model_versions mv ON mv.id = ? AND mi.size = mv.input_size
         WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = mv.id AND e.photo_id = mi.photo_id)
           AND ${shownPhoto('mi.photo_id')}
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
         WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = mv.id AND e.photo_id = mi.photo_id)
           AND ${shownPhoto('mi.photo_id')}`,
      )
      .get(modelId) as { n: number }
  ).n;
}

export function countEmbeddings(db: Db, modelId: number): number {
  return (db.prepare('SELECT count(*) AS n FROM embeddings WHERE model_id = ?').get(modelId) as { n: number }).n;
}
