// SQL for the journal of files moved to the trash by "resolve duplicates" (migration 7): a batch
// per resolve, a row per file written before it is moved, so a kill at any moment leaves a record.
import type { Db } from './db';

export type TrashItemState = 'pending' | 'trashed' | 'skipped' | 'restored';

export interface TrashItem {
  id: number;
  batchId: number;
  path: string;
  contentHash: string;
  bytes: number;
  state: TrashItemState;
  trashPath: string | null;
  infoPath: string | null;
  reason: string | null;
}

const COLUMNS = `id, batch_id AS batchId, path, content_hash AS contentHash, bytes, state, trash_path AS trashPath, info_path AS infoPath, reason`;

export function startTrashBatch(db: Db): number {
  return Number(db.prepare('INSERT INTO trash_batches (at) VALUES (?)').run(new Date().toISOString()).lastInsertRowid);
}

/** Records a file about to be moved (committed before the move). */
export function addTrashItem(db: Db, batchId: number, file: { path: string; contentHash: string; bytes: number }): number {
  return Number(
    db
      .prepare("INSERT INTO trash_items (batch_id, path, content_hash, bytes, state) VALUES (?, ?, ?, ?, 'pending')")
      .run(batchId, file.path, file.contentHash, file.bytes).lastInsertRowid,
  );
}

/** Records a file that was not moved, with the reason. */
export function addSkippedItem(db: Db, batchId: number, file: { path: string; contentHash: string; bytes: number }, reason: string): void {
  db.prepare("INSERT INTO trash_items (batch_id, path, content_hash, bytes, state, reason) VALUES (?, ?, ?, ?, 'skipped', ?)").run(
    batchId,
    file.path,
    file.contentHash,
    file.bytes,
    reason,
  );
}

export function setTrashItem(
  db: Db,
  id: number,
  state: TrashItemState,
  fields: { trashPath?: string | null; infoPath?: string | null; reason?: string | null } = {},
): void {
  db.prepare(
    'UPDATE trash_items SET state = ?, trash_path = coalesce(?, trash_path), info_path = coalesce(?, info_path), reason = ? WHERE id = ?',
  ).run(state, fields.trashPath ?? null, fields.infoPath ?? null, fields.reason ?? null, id);
}

export function trashItems(db: Db, batchId: number): TrashItem[] {
  return db.prepare(`SELECT ${COLUMNS} FROM trash_items WHERE batch_id = ? ORDER BY id`).all(batchId) as TrashItem[];
}

/** Items a kill left unfinished: moved or not, nobody recorded which. */
export function pendingTrashItems(db: Db): TrashItem[] {
  return db.prepare(`SELECT ${COLUMNS} FROM trash_items WHERE state = 'pending' ORDER BY id`).all() as TrashItem[];
}

/** Trash locations already recorded (so one trashing is not claimed for two items). */
export function recordedTrashPaths(db: Db): Set<string> {
  return new Set((db.prepare('SELECT trash_path AS p FROM trash_items WHERE trash_path IS NOT NULL').all() as { p: string }[]).map((r) => r.p));
}

/** Paths recorded as trashed that the library still lists (a kill between the move and forgetting the file). */
export function trashedButListed(db: Db): string[] {
  return (
    db
      .prepare(
        "SELECT t.path AS p FROM trash_items t JOIN trash_batches b ON b.id = t.batch_id WHERE t.state = 'trashed' AND b.undone_at IS NULL AND EXISTS (SELECT 1 FROM files f WHERE f.path = t.path)",
      )
      .all() as { p: string }[]
  ).map((r) => r.p);
}

/** The newest batch not yet undone that moved at least one file, or undefined. */
export function lastUndoableBatch(db: Db): { id: number; at: string } | undefined {
  return db
    .prepare(
      "SELECT id, at FROM trash_batches b WHERE undone_at IS NULL AND EXISTS (SELECT 1 FROM trash_items t WHERE t.batch_id = b.id AND t.state = 'trashed') ORDER BY id DESC LIMIT 1",
    )
    .get() as { id: number; at: string } | undefined;
}

export function markBatchUndone(db: Db, batchId: number): void {
  db.prepare('UPDATE trash_batches SET undone_at = ? WHERE id = ?').run(new Date().toISOString(), batchId);
}

/** Everything a resolve needs to know of one library file before moving it. */
export interface LibraryFileFacts {
  photoId: number;
  path: string;
  contentHash: string;
  bytes: number;
  mtimeMs: number;
  folderStatus: 'online' | 'offline';
}

export function filesOfPhotos(db: Db, photoIds: readonly number[]): LibraryFileFacts[] {
  const statement = db.prepare(
    `SELECT f.photo_id AS photoId, f.path, p.content_hash AS contentHash, f.bytes, f.mtime_ms AS mtimeMs, d.status AS folderStatus
     FROM files f JOIN photos p ON p.id = f.photo_id JOIN folders d ON d.id = f.folder_id WHERE f.photo_id = ? ORDER BY f.id`,
  );
  return photoIds.flatMap((id) => statement.all(id) as LibraryFileFacts[]);
}
