// SQL for the square RGB model inputs (uint8 HWC, size×size×3) written at ingest.
import type { Db } from './db';

export function readModelInputs(db: Db, size: number, photoIds: readonly number[]): Map<number, Uint8Array> {
  const statement = db.prepare('SELECT rgb FROM model_inputs WHERE photo_id = ? AND size = ?');
  const result = new Map<number, Uint8Array>();
  for (const id of photoIds) {
    const row = statement.get(id, size) as { rgb: Buffer } | undefined;
    if (row) result.set(id, new Uint8Array(row.rgb.buffer, row.rgb.byteOffset, row.rgb.byteLength));
  }
  return result;
}

export function photoIdsWithInputs(db: Db, size: number): number[] {
  return (db.prepare('SELECT photo_id AS id FROM model_inputs WHERE size = ? ORDER BY photo_id').all(size) as { id: number }[]).map(
    (r) => r.id,
  );
}

export function countModelInputs(db: Db, size: number): number {
  return (db.prepare('SELECT count(*) AS n FROM model_inputs WHERE size = ?').get(size) as { n: number }).n;
}
