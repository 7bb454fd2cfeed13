// SQL for the square RGB model inputs (uint8 HWC, size×size×3) written at ingest.
import type { Db } from './db';
import { shownPhoto } from './stacks';

export function readModelInputs(db: Db, size: number, photoIds: readonly number[]): Map<number, Uint8Array> {
  const statement = db.prepare('SELECT rgb FROM model_inputs WHERE photo_id = ? AND size = ?');
  const result = new Map<number, Uint8Array>();
  for (const id of photoIds) {
    const row = statement.get(id, size) as { rgb: Buffer } | undefined;
    if (row) result.set(id, new Uint8Array(row.rgb.buffer, row.rgb.byteOffset, row.rgb.byteLength));
  }
  return result;
}

/**
 * The photos with inputs of this size, in content-hash order: a photo's place in training depends on
 * what the library holds, not on the order a scan happened to finish decoding its files in, so
 * training on the same photos with the same seed sees the same batches.
 */
export function photoIdsWithInputs(db: Db, size: number): number[] {
  const rows = db
    .prepare(
      `SELECT m.photo_id AS id FROM model_inputs m JOIN photos p ON p.id = m.photo_id WHERE m.size = ? AND ${shownPhoto('p.id')} ORDER BY p.content_hash`,
    )
    .all(size) as { id: number }[];
  return rows.map((r) => r.id);
}

export function countModelInputs(db: Db, size: number): number {
  return (db.prepare('SELECT count(*) AS n FROM model_inputs WHERE size = ?').get(size) as { n: number }).n;
}
