// SQL for building the library: folders, files, photos, per-file problems and model inputs.
// Writes that belong together (a photo, its path and its model inputs) happen in one transaction.
import type { Db } from './db';
import { nowIso } from './db';

export interface FolderRow {
  id: number;
  path: string;
  status: 'online' | 'offline';
  added_at: string;
  last_scan_at: string | null;
}

export interface KnownFile {
  id: number;
  photoId: number;
  bytes: number;
  mtimeMs: number;
}

export interface NewPhoto {
  contentHash: string;
  bytes: number;
  format: string;
  width: number;
  height: number;
  orientation: number;
  takenAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  lensModel: string | null;
  latitude: number | null;
  longitude: number | null;
  dhash: Buffer;
  modelInputs: { size: number; rgb: Uint8Array }[];
}

export interface FileLocation {
  path: string;
  folderId: number;
  bytes: number;
  mtimeMs: number;
}

export function folderRows(db: Db): FolderRow[] {
  return db.prepare('SELECT * FROM folders ORDER BY path').all() as FolderRow[];
}

export function folderByPath(db: Db, path: string): FolderRow | undefined {
  return db.prepare('SELECT * FROM folders WHERE path = ?').get(path) as FolderRow | undefined;
}

export function folderById(db: Db, id: number): FolderRow | undefined {
  return db.prepare('SELECT * FROM folders WHERE id = ?').get(id) as FolderRow | undefined;
}

/** Adds a folder; folders already in the library that lie inside it are merged into it. */
export function insertFolder(db: Db, path: string, separator: string): FolderRow {
  return db
    .transaction(() => {
      const id = Number(db.prepare('INSERT INTO folders (path, added_at) VALUES (?, ?)').run(path, nowIso()).lastInsertRowid);
      const prefix = path.endsWith(separator) ? path : path + separator;
      const inside = db.prepare('SELECT id FROM folders WHERE id != ? AND substr(path, 1, length(?)) = ?').all(id, prefix, prefix) as {
        id: number;
      }[];
      for (const child of inside) {
        db.prepare('UPDATE files SET folder_id = ? WHERE folder_id = ?').run(id, child.id);
        db.prepare('UPDATE file_problems SET folder_id = ? WHERE folder_id = ?').run(id, child.id);
        db.prepare('DELETE FROM folders WHERE id = ?').run(child.id);
      }
      return folderById(db, id)!;
    })
    .immediate();
}

/** Forgets a folder, its files and the photos that had no other path; returns their content hashes. */
export function deleteFolderAndOrphans(db: Db, id: number): string[] {
  return db
    .transaction(() => {
      db.prepare('DELETE FROM folders WHERE id = ?').run(id);
      return removeOrphanPhotos(db);
    })
    .immediate();
}

export function setFolderStatus(db: Db, id: number, status: 'online' | 'offline'): void {
  db.prepare('UPDATE folders SET status = ? WHERE id = ?').run(status, id);
}

export function markFolderScanned(db: Db, id: number): void {
  db.prepare("UPDATE folders SET status = 'online', last_scan_at = ? WHERE id = ?").run(nowIso(), id);
}

export function knownFiles(db: Db, folderId: number): Map<string, KnownFile> {
  const rows = db
    .prepare('SELECT id, path, photo_id AS photoId, bytes, mtime_ms AS mtimeMs FROM files WHERE folder_id = ?')
    .all(folderId) as (KnownFile & { path: string })[];
  return new Map(rows.map(({ path, ...row }) => [path, row]));
}

/** Problems recorded by this decoder version or later (older ones are worth another try). */
export function knownProblems(db: Db, folderId: number, decoderVersion: number): Map<string, { bytes: number; mtimeMs: number }> {
  const rows = db
    .prepare('SELECT path, bytes, mtime_ms AS mtimeMs FROM file_problems WHERE folder_id = ? AND decoder_version >= ?')
    .all(folderId, decoderVersion) as { path: string; bytes: number; mtimeMs: number }[];
  return new Map(rows.map(({ path, ...row }) => [path, row]));
}

export function photoIdByHash(db: Db, contentHash: string): number | undefined {
  const row = db.prepare('SELECT id FROM photos WHERE content_hash = ?').get(contentHash) as { id: number } | undefined;
  return row?.id;
}

function upsertFile(db: Db, photoId: number, file: FileLocation): void {
  db.prepare(
    `INSERT INTO files (path, folder_id, photo_id, bytes, mtime_ms) VALUES (@path, @folderId, @photoId, @bytes, @mtimeMs)
     ON CONFLICT (path) DO UPDATE SET folder_id = excluded.folder_id, photo_id = excluded.photo_id,
       bytes = excluded.bytes, mtime_ms = excluded.mtime_ms`,
  ).run({ ...file, photoId });
  db.prepare('DELETE FROM file_problems WHERE path = ?').run(file.path);
}

/** Points a path at content already in the library (a moved, renamed, copied or touched file). */
export function linkFile(db: Db, photoId: number, file: FileLocation): void {
  db.transaction(() => upsertFile(db, photoId, file)).immediate();
}

function photoColumns({ modelInputs: _inputs, ...columns }: NewPhoto) {
  return columns;
}

/** A new photo with its first path and its model inputs, all or nothing. */
export function insertPhoto(db: Db, photo: NewPhoto, file: FileLocation): number {
  return db
    .transaction(() => {
      const id = Number(
        db
          .prepare(
            `INSERT INTO photos (content_hash, bytes, format, width, height, orientation, taken_at, camera_make,
             camera_model, lens_model, gps_lat, gps_lon, dhash, added_at)
           VALUES (@contentHash, @bytes, @format, @width, @height, @orientation, @takenAt, @cameraMake,
             @cameraModel, @lensModel, @latitude, @longitude, @dhash, @addedAt)`,
          )
          .run({ ...photoColumns(photo), addedAt: nowIso() }).lastInsertRowid,
      );
      const insertInput = db.prepare('INSERT INTO model_inputs (photo_id, size, rgb) VALUES (?, ?, ?)');
      for (const input of photo.modelInputs) insertInput.run(id, input.size, input.rgb);
      upsertFile(db, id, file);
      return id;
    })
    .immediate();
}

export function recordProblem(db: Db, file: FileLocation, reason: string, decoderVersion: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM files WHERE path = ?').run(file.path);
    db.prepare(
      `INSERT INTO file_problems (path, folder_id, bytes, mtime_ms, reason, at, decoder_version) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET folder_id = excluded.folder_id, bytes = excluded.bytes,
         mtime_ms = excluded.mtime_ms, reason = excluded.reason, at = excluded.at, decoder_version = excluded.decoder_version`,
    ).run(file.path, file.folderId, file.bytes, file.mtimeMs, reason, nowIso(), decoderVersion);
  }).immediate();
}

/**
 * Forgets paths that were not found in a scan, then every photo left with no path at all
 * (its embeddings, inputs and cluster memberships go with it through ON DELETE CASCADE).
 * Returns the content hashes of the removed photos, so their thumbnails can be deleted.
 */
export function removeMissing(db: Db, fileIds: number[], problemPaths: string[]): string[] {
  return db
    .transaction(() => {
      const deleteFile = db.prepare('DELETE FROM files WHERE id = ?');
      for (const id of fileIds) deleteFile.run(id);
      const deleteProblem = db.prepare('DELETE FROM file_problems WHERE path = ?');
      for (const path of problemPaths) deleteProblem.run(path);
      return removeOrphanPhotos(db);
    })
    .immediate();
}

export function removeOrphanPhotos(db: Db): string[] {
  const orphans = db
    .prepare('SELECT id, content_hash AS hash FROM photos WHERE NOT EXISTS (SELECT 1 FROM files WHERE files.photo_id = photos.id)')
    .all() as { id: number; hash: string }[];
  const deletePhoto = db.prepare('DELETE FROM photos WHERE id = ?');
  for (const orphan of orphans) deletePhoto.run(orphan.id);
  return orphans.map((o) => o.hash);
}

/** Photos that have no model input of this size yet (e.g. after the input size setting changed). */
export function photosMissingInput(db: Db, size: number, limit: number): { id: number; paths: string[] }[] {
  const rows = db
    .prepare(
      `SELECT p.id, (SELECT group_concat(path, char(0)) FROM files f WHERE f.photo_id = p.id) AS paths
       FROM photos p WHERE NOT EXISTS (SELECT 1 FROM model_inputs m WHERE m.photo_id = p.id AND m.size = ?)
       ORDER BY p.id LIMIT ?`,
    )
    .all(size, limit) as { id: number; paths: string | null }[];
  return rows.map((r) => ({ id: r.id, paths: r.paths ? r.paths.split('\0') : [] }));
}

export function insertModelInput(db: Db, photoId: number, size: number, rgb: Uint8Array): void {
  db.prepare('INSERT OR REPLACE INTO model_inputs (photo_id, size, rgb) VALUES (?, ?, ?)').run(photoId, size, rgb);
}

export function activeModelInputSize(db: Db): number | undefined {
  const row = db.prepare("SELECT input_size AS size FROM model_versions WHERE status = 'active' ORDER BY id DESC LIMIT 1").get() as
    { size: number } | undefined;
  return row?.size;
}

/**
 * The paths below a directory as a range, [dir + separator, dir + the next character), so that the
 * files' path index answers `path >= lo AND path < hi` (a prefix test would read every file).
 */
export function pathsUnder(directory: string, separator: string): { lo: string; hi: string } {
  const base = directory.endsWith(separator) ? directory.slice(0, -1) : directory;
  return { lo: base + separator, hi: base + String.fromCharCode(separator.charCodeAt(0) + 1) };
}

/** The library file rows at these paths, or anywhere under these folders. */
export function filesAtOrUnder(db: Db, paths: readonly string[], separator: string): KnownFile[] {
  const exact = db.prepare('SELECT id, photo_id AS photoId, bytes, mtime_ms AS mtimeMs FROM files WHERE path = ?');
  const under = db.prepare('SELECT id, photo_id AS photoId, bytes, mtime_ms AS mtimeMs FROM files WHERE path >= @lo AND path < @hi');
  const rows = new Map<number, KnownFile>();
  for (const path of paths) {
    for (const row of [exact.get(path), ...under.all(pathsUnder(path, separator))] as (KnownFile | undefined)[]) {
      if (row) rows.set(row.id, row);
    }
  }
  return [...rows.values()];
}

export function knownFile(db: Db, path: string): KnownFile | undefined {
  return db.prepare('SELECT id, photo_id AS photoId, bytes, mtime_ms AS mtimeMs FROM files WHERE path = ?').get(path) as KnownFile | undefined;
}
