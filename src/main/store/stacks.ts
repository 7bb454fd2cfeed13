// SQL for RAW+JPEG stacks and bursts: the facts they are found from, storing them, and asking a
// photo's stack and burst. A stack's id is its face's photo id; a burst's id is its lowest photo id.
import { countChange, photosCounter } from './changeCounters';
import type { Db } from './db';

export interface GroupingFacts {
  id: number;
  paths: string[];
  format: string;
  cameraMake: string | null;
  cameraModel: string | null;
  takenAt: string | null;
  pixels: number;
  dhash: Buffer | null;
}

export function groupingFacts(db: Db): GroupingFacts[] {
  const photos = db
    .prepare(
      `SELECT id, format, camera_make AS cameraMake, camera_model AS cameraModel, taken_at AS takenAt,
         width * height AS pixels, dhash FROM photos ORDER BY id`,
    )
    .all() as Omit<GroupingFacts, 'paths'>[];
  const byId = new Map<number, GroupingFacts>(photos.map((p) => [p.id, { ...p, paths: [] }]));
  for (const file of db.prepare('SELECT photo_id AS id, path FROM files ORDER BY id').iterate() as IterableIterator<{ id: number; path: string }>) {
    byId.get(file.id)?.paths.push(file.path);
  }
  return [...byId.values()];
}

/** Replaces every stack and burst with these, in one transaction. */
export function replaceStacksAndBursts(
  db: Db,
  stacks: readonly { photoId: number; faceId: number }[],
  bursts: readonly { photoId: number; burstId: number }[],
): void {
  const members = db
    .prepare("SELECT group_concat(photo_id || ':' || face_id) FROM (SELECT photo_id, face_id FROM stack_members ORDER BY photo_id)")
    .pluck();
  db.transaction(() => {
    const before = members.get();
    db.prepare('DELETE FROM stack_members').run();
    db.prepare('DELETE FROM burst_members').run();
    const stack = db.prepare('INSERT INTO stack_members (photo_id, face_id) VALUES (?, ?)');
    for (const m of stacks) stack.run(m.photoId, m.faceId);
    const burst = db.prepare('INSERT INTO burst_members (photo_id, burst_id) VALUES (?, ?)');
    for (const m of bursts) burst.run(m.photoId, m.burstId);
    // A stack is embedded once, through its face: a RAW that joined one since it was embedded
    // leaves search. Should the stack come apart, the RAW is embedded again like any new photo.
    db.prepare(`DELETE FROM embeddings WHERE NOT ${shownPhoto('embeddings.photo_id')}`).run();
    // A stack's other members are not shown: what was computed from the shown photos is stale.
    if (members.get() !== before) countChange(db, photosCounter);
  }).immediate();
}

/** SQL condition on a photo id column, true for photos the grid shows: all but a stack's RAW files. */
export function shownPhoto(idColumn: string): string {
  return `NOT EXISTS (SELECT 1 FROM stack_members sm WHERE sm.photo_id = ${idColumn} AND sm.face_id != sm.photo_id)`;
}

export interface PhotoGrouping {
  /** The stack's id (its face's photo id), or null when the photo is in no stack. */
  stackId: number | null;
  /** The burst's id, or null when the photo is in no burst. */
  burstId: number | null;
}

/**
 * The stack and burst of each of these photos. For the duplicates code: members of one stack are
 * never duplicates of each other, and members of one burst are similar shots, not copies.
 */
export function stacksAndBursts(db: Db, photoIds: readonly number[]): Map<number, PhotoGrouping> {
  const stack = db.prepare('SELECT face_id AS id FROM stack_members WHERE photo_id = ?');
  const burst = db.prepare('SELECT burst_id AS id FROM burst_members WHERE photo_id = ?');
  const result = new Map<number, PhotoGrouping>();
  for (const id of photoIds) {
    const s = stack.get(id) as { id: number } | undefined;
    const b = burst.get(id) as { id: number } | undefined;
    result.set(id, { stackId: s?.id ?? null, burstId: b?.id ?? null });
  }
  return result;
}

/** Every file of the photo's stack, face first (the photo alone when it is in no stack). */
export function stackFiles(db: Db, photoId: number): { photoId: number; path: string; format: string }[] {
  return db
    .prepare(
      `WITH face AS (SELECT coalesce((SELECT face_id FROM stack_members WHERE photo_id = ?), ?) AS id),
            members AS (SELECT id AS photo_id FROM face UNION SELECT photo_id FROM stack_members WHERE face_id = (SELECT id FROM face))
       SELECT f.photo_id AS photoId, f.path, p.format FROM members m JOIN files f ON f.photo_id = m.photo_id JOIN photos p ON p.id = m.photo_id
       ORDER BY m.photo_id != (SELECT id FROM face), f.photo_id, f.id`,
    )
    .all(photoId, photoId) as { photoId: number; path: string; format: string }[];
}

/** The photos in the burst of this photo, in id order (empty when it is in none). */
export function burstPhotoIds(db: Db, photoId: number): number[] {
  return (
    db
      .prepare('SELECT photo_id AS id FROM burst_members WHERE burst_id = (SELECT burst_id FROM burst_members WHERE photo_id = ?) ORDER BY photo_id')
      .all(photoId) as { id: number }[]
  ).map((r) => r.id);
}
