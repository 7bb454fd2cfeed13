// SQL for retraining bookkeeping: what the quality gate said about a version, and what changed
// in the library since the active model was trained.
import type { Db } from './db';

export function recordGateResult(db: Db, modelId: number, note: string, quality: unknown): void {
  db.prepare('UPDATE model_versions SET note = ?, quality = ? WHERE id = ?').run(note, JSON.stringify(quality), modelId);
}

/** Photos added to the library after the given model version was created (all photos with no model). */
export function photosAddedSince(db: Db, modelId: number | null): number {
  if (modelId === null) return (db.prepare('SELECT count(*) AS n FROM photos').get() as { n: number }).n;
  return (
    db.prepare('SELECT count(*) AS n FROM photos WHERE added_at > (SELECT created_at FROM model_versions WHERE id = ?)').get(modelId) as { n: number }
  ).n;
}
