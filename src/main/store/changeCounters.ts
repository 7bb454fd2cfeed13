// Change counters kept by triggers (schema v3): one lookup tells whether photos or a model's
// embeddings changed since something was computed from them.
import type { Db } from './db';

export function changeGeneration(db: Db, name: string): number {
  const row = db.prepare('SELECT generation FROM change_counters WHERE name = ?').get(name) as { generation: number } | undefined;
  return row?.generation ?? 0;
}

export const photosCounter = 'photos';

/** Counts a change the triggers do not see (which photos are shown). */
export function countChange(db: Db, name: string): void {
  db.prepare('INSERT INTO change_counters VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET generation = generation + 1').run(name);
}
export const embeddingsCounter = (modelId: number) => `embeddings:${modelId}`;
