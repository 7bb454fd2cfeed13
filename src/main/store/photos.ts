// SQL for reading the library: photos, folders, problems and counts, shaped as the API contract.
import { basename, dirname, relative, sep } from 'node:path';
import type { FileProblem, Folder, ParsedRequest, PhotoDetail, PhotoSummary, Subfolder } from '../../shared/api';
import { changeGeneration, photosCounter } from './changeCounters';
import type { Db } from './db';
import { pathsUnder } from './library';
import { isWithin } from '../util/paths';
import { burstPhotoIds, shownPhoto, stackFiles } from './stacks';

interface SummaryRow {
  id: number;
  path: string;
  folder_id: number | null;
  taken_at: string | null;
  width: number;
  height: number;
}

// The first path of a photo (lowest file id) names it and places it in a folder.
const SUMMARY_COLUMNS = `p.id, f.path, f.folder_id, p.taken_at, p.width, p.height`;
const FIRST_FILE_JOIN = `JOIN files f ON f.id = (SELECT min(id) FROM files WHERE photo_id = p.id)`;

function toSummary(row: SummaryRow): PhotoSummary {
  return {
    id: row.id,
    name: basename(row.path),
    folderId: row.folder_id,
    takenAt: row.taken_at,
    width: row.width,
    height: row.height,
  };
}

// Each order matches an index (migration 5 for dates, the files path index for names), so a page
// is read in order and the first-file lookup runs only for the rows on it.
const ORDER_BY = {
  // Photos without a date sort after dated ones, then by when they were added.
  taken: (dir: string) => `(p.taken_at IS NULL), p.taken_at ${dir}, p.id ${dir}`,
  added: (dir: string) => `p.id ${dir}`,
};

export function listPhotos(db: Db, request: ParsedRequest<'listPhotos'>): { total: number; photos: PhotoSummary[] } {
  const dir = request.order === 'asc' ? 'ASC' : 'DESC';
  // A photo is in the filter when one of its files is: in the library folder, under the directory.
  const fileFilters = [
    ...(request.folderId !== undefined ? ['g.folder_id = @folderId'] : []),
    ...(request.under !== undefined ? ['g.path >= @lo AND g.path < @hi'] : []),
  ];
  const inFilter = fileFilters.length > 0;
  const filter = {
    ...(request.folderId !== undefined ? { folderId: request.folderId } : {}),
    ...(request.under !== undefined ? pathsUnder(request.under, sep) : {}),
  };
  const page = { ...filter, limit: request.limit, offset: request.offset };
  const total = (
    inFilter
      ? db.prepare(`SELECT count(DISTINCT photo_id) AS n FROM files g WHERE ${fileFilters.join(' AND ')} AND ${shownPhoto('g.photo_id')}`).get(filter)
      : db.prepare(`SELECT count(*) AS n FROM photos p WHERE ${shownPhoto('p.id')}`).get()
  ) as { n: number };
  const filterClause = inFilter ? `AND EXISTS (SELECT 1 FROM files g WHERE g.photo_id = p.id AND ${fileFilters.join(' AND ')})` : '';
  let rows: SummaryRow[];
  if (request.sort === 'name') {
    // Walk files by path, keeping each photo's first file only.
    rows = db
      .prepare(
        `SELECT p.id, f.path, f.folder_id, p.taken_at, p.width, p.height FROM files f JOIN photos p ON p.id = f.photo_id
         WHERE f.id = (SELECT min(id) FROM files WHERE photo_id = f.photo_id) AND ${shownPhoto('p.id')}
           ${filterClause}
         ORDER BY f.path ${dir} LIMIT @limit OFFSET @offset`,
      )
      .all(page) as SummaryRow[];
  } else {
    rows = db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM photos p ${FIRST_FILE_JOIN}
         WHERE ${shownPhoto('p.id')}
         ${filterClause}
         ORDER BY ${ORDER_BY[request.sort](dir)} LIMIT @limit OFFSET @offset`,
      )
      .all(page) as SummaryRow[];
  }
  return { total: total.n, photos: rows.map(toSummary) };
}

/** Summaries for the given ids, in the same order; ids not in the library are left out. */
export function photoSummaries(db: Db, ids: readonly number[]): PhotoSummary[] {
  if (ids.length === 0) return [];
  const byId = new Map<number, PhotoSummary>();
  const statement = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM photos p ${FIRST_FILE_JOIN} WHERE p.id = ?`);
  for (const id of new Set(ids)) {
    const row = statement.get(id) as SummaryRow | undefined;
    if (row) byId.set(id, toSummary(row));
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export function getPhoto(db: Db, id: number): PhotoDetail | null {
  const row = db.prepare(`SELECT ${SUMMARY_COLUMNS}, p.* FROM photos p ${FIRST_FILE_JOIN} WHERE p.id = ?`).get(id) as
    (SummaryRow & Record<string, unknown>) | undefined;
  if (!row) return null;
  return {
    ...toSummary(row),
    paths: photoPaths(db, id),
    format: row.format as string,
    bytes: row.bytes as number,
    cameraMake: row.camera_make as string | null,
    cameraModel: row.camera_model as string | null,
    gps: row.gps_lat === null ? null : { latitude: row.gps_lat as number, longitude: row.gps_lon as number },
    orientation: row.orientation as number,
    addedAt: row.added_at as string,
    lensModel: row.lens_model as string | null,
    files: stackFiles(db, id),
    burstId: burstPhotoIds(db, id)[0] ?? null,
  };
}

export function photoPaths(db: Db, id: number): string[] {
  return (db.prepare('SELECT path FROM files WHERE photo_id = ? ORDER BY id').all(id) as { path: string }[]).map((r) => r.path);
}

/** The paths of a photo with the size and modification time they had when indexed (first found first). */
export function indexedFiles(db: Db, id: number): { path: string; bytes: number; mtimeMs: number }[] {
  return db.prepare('SELECT path, bytes, mtime_ms AS mtimeMs FROM files WHERE photo_id = ? ORDER BY id').all(id) as {
    path: string;
    bytes: number;
    mtimeMs: number;
  }[];
}

export function photoIdByPath(db: Db, path: string): number | undefined {
  const row = db.prepare('SELECT photo_id AS id FROM files WHERE path = ?').get(path) as { id: number } | undefined;
  return row?.id;
}

/** Every photo id in content-hash order: a sample taken from it does not depend on scan order. */
export function photoIdsByContent(db: Db): number[] {
  return (db.prepare('SELECT id FROM photos ORDER BY content_hash').all() as { id: number }[]).map((r) => r.id);
}

export function contentHashOf(db: Db, id: number): string | undefined {
  const row = db.prepare('SELECT content_hash AS hash FROM photos WHERE id = ?').get(id) as { hash: string } | undefined;
  return row?.hash;
}

/** Perceptual hashes of every photo (8 bytes each), for near-duplicate search. */
export function differenceHashes(db: Db): { photoIds: number[]; hashes: Buffer[] } {
  const rows = db.prepare('SELECT id, dhash FROM photos WHERE dhash IS NOT NULL ORDER BY id').all() as { id: number; dhash: Buffer }[];
  return { photoIds: rows.map((r) => r.id), hashes: rows.map((r) => r.dhash) };
}

/**
 * The 8-byte difference hashes of the photos the library shows (not a stack's hidden members),
 * packed one after another in the order of `photoIds`. Read as two strings aggregated by SQLite:
 * ~15× faster than a row object a photo (4 ms against 55 ms for 10,000 photos).
 */
export function shownDifferenceHashes(db: Db): { photoIds: number[]; hashes: Uint8Array } {
  const [ids, hex] = db
    .prepare(`SELECT group_concat(id), group_concat(hex(dhash), '') FROM photos WHERE length(dhash) = 8 AND ${shownPhoto('photos.id')}`)
    .raw(true)
    .get() as [string | null, string | null];
  return { photoIds: ids ? ids.split(',').map(Number) : [], hashes: new Uint8Array(Buffer.from(hex ?? '', 'hex')) };
}

export function listFolders(db: Db): Folder[] {
  const rows = db
    .prepare(
      `SELECT d.id, d.path, d.status, d.last_scan_at,
         (SELECT count(DISTINCT photo_id) FROM files WHERE folder_id = d.id AND ${shownPhoto('files.photo_id')}) AS photo_count
       FROM folders d ORDER BY d.path`,
    )
    .all() as { id: number; path: string; status: 'online' | 'offline'; last_scan_at: string | null; photo_count: number }[];
  return rows.map((r) => ({ id: r.id, path: r.path, status: r.status, photoCount: r.photo_count, lastScanAt: r.last_scan_at }));
}

/**
 * Every directory below a library folder that holds photos, directly or further down, with the
 * number of photos under it; in path order. One pass over the files in photo order, so a photo
 * with several files under one directory (RAW+JPEG, a copy in a subfolder) counts once there.
 */
export function listSubfolders(db: Db): Subfolder[] {
  const roots = new Map((db.prepare('SELECT id, path FROM folders').all() as { id: number; path: string }[]).map((r) => [r.id, r.path]));
  const found = new Map<string, { folderId: number; root: string; photoCount: number; lastPhoto: number }>();
  const files = db.prepare(
    `SELECT folder_id AS folderId, path, photo_id AS photoId FROM files WHERE ${shownPhoto('files.photo_id')} ORDER BY photo_id`,
  );
  for (const file of files.iterate() as Iterable<{ folderId: number; path: string; photoId: number }>) {
    const root = roots.get(file.folderId);
    if (root === undefined) continue;
    for (let d = dirname(file.path); d !== root && isWithin(d, root, sep); d = dirname(d)) {
      let entry = found.get(d);
      if (!entry) found.set(d, (entry = { folderId: file.folderId, root, photoCount: 0, lastPhoto: 0 }));
      if (entry.lastPhoto !== file.photoId) {
        entry.photoCount++;
        entry.lastPhoto = file.photoId;
      }
    }
  }
  return [...found]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, e]) => ({
      folderId: e.folderId,
      path,
      name: basename(path),
      depth: relative(e.root, path).split(sep).length,
      photoCount: e.photoCount,
    }));
}

/** Changes whenever listSubfolders' answer can: photos shown or hidden, files added, removed or moved, folders added, removed or merged. */
export function subfoldersKey(db: Db): string {
  const files = db.prepare('SELECT count(*) AS n, max(id) AS last FROM files').get() as { n: number; last: number | null };
  const folders = db.prepare('SELECT count(*) AS n, max(id) AS last, total(length(path)) AS chars FROM folders').get() as {
    n: number;
    last: number | null;
    chars: number;
  };
  return [changeGeneration(db, photosCounter), files.n, files.last, folders.n, folders.last, folders.chars].join(':');
}

export function listProblems(db: Db, limit: number): FileProblem[] {
  return db.prepare('SELECT path, reason, at FROM file_problems ORDER BY at DESC, path LIMIT ?').all(limit) as FileProblem[];
}

export interface LibraryCounts {
  photos: number;
  files: number;
  folders: number;
  offlineFolders: number;
  problems: number;
}

export function libraryCounts(db: Db): LibraryCounts {
  const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    // A RAW+JPEG stack is one photo to the user.
    photos: one(`SELECT count(*) AS n FROM photos p WHERE ${shownPhoto('p.id')}`),
    files: one('SELECT count(*) AS n FROM files'),
    folders: one('SELECT count(*) AS n FROM folders'),
    offlineFolders: one("SELECT count(*) AS n FROM folders WHERE status = 'offline'"),
    problems: one('SELECT count(*) AS n FROM file_problems'),
  };
}
