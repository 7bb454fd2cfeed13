// SQL for near-duplicate groups, stored with the fingerprint of the library state they were found in.
import type { Db } from './db';
import { getSetting, setSetting } from './settings';

/** The fingerprint of the library state the stored groups were found in (every stored group has it). */
const FINGERPRINT = 'search.duplicates.fingerprint' as const;

export type DuplicateKind = 'copies' | 'similar';

export interface DuplicateGroupRow {
  id: number;
  kind: DuplicateKind;
  keeperId: number;
  photoIds: number[];
}

/** The stored groups if they were computed for this fingerprint, else null. */
export function readDuplicateGroups(db: Db, fingerprint: string): DuplicateGroupRow[] | null {
  if (getSetting(db, FINGERPRINT) !== fingerprint) return null;
  const groups = db.prepare('SELECT id, kind, keeper_id FROM duplicate_groups WHERE fingerprint = ? ORDER BY id').all(fingerprint) as {
    id: number;
    kind: DuplicateKind;
    keeper_id: number;
  }[];
  const members = db.prepare('SELECT photo_id AS id FROM duplicate_members WHERE group_id = ? ORDER BY photo_id');
  return (
    groups
      .map((g) => ({ id: g.id, kind: g.kind, keeperId: g.keeper_id, photoIds: (members.all(g.id) as { id: number }[]).map((m) => m.id) }))
      // A group whose other photos were resolved away since is no group.
      .filter((g) => g.photoIds.length > 1 && decisionFor(db, g.photoIds) === null)
  );
}

/** Photo id → its stored near-duplicate group (copies or similar shots), for the photos in one. */
export function duplicateGroupOfPhoto(db: Db): Map<number, number> {
  const rows = db.prepare('SELECT photo_id AS photoId, group_id AS groupId FROM duplicate_members').all() as { photoId: number; groupId: number }[];
  return new Map(rows.map((r) => [r.photoId, r.groupId]));
}

/** The groups stored last, whatever library state they were found in (shown while newer ones are computed). */
export function storedDuplicateGroups(db: Db): DuplicateGroupRow[] {
  const stored = getSetting(db, FINGERPRINT);
  return stored === null ? [] : (readDuplicateGroups(db, stored) ?? []);
}

export function saveDuplicateGroups(
  db: Db,
  fingerprint: string,
  groups: { kind: DuplicateKind; keeperId: number; photoIds: number[] }[],
): DuplicateGroupRow[] {
  return db.transaction(() => {
    db.prepare('DELETE FROM duplicate_groups').run();
    const insertGroup = db.prepare('INSERT INTO duplicate_groups (fingerprint, kind, keeper_id) VALUES (?, ?, ?)');
    const insertMember = db.prepare('INSERT INTO duplicate_members (group_id, photo_id) VALUES (?, ?)');
    const saved = groups.map((g) => {
      const id = Number(insertGroup.run(fingerprint, g.kind, g.keeperId).lastInsertRowid);
      for (const photoId of g.photoIds) insertMember.run(id, photoId);
      return { id, kind: g.kind, keeperId: g.keeperId, photoIds: [...g.photoIds].sort((a, b) => a - b) };
    });
    setSetting(db, FINGERPRINT, fingerprint);
    return saved.filter((g) => decisionFor(db, g.photoIds) === null);
  })();
}

/** One stored group by id (whatever library state it was found in), or undefined. */
export function duplicateGroupById(db: Db, id: number): DuplicateGroupRow | undefined {
  return storedDuplicateGroups(db).find((g) => g.id === id);
}

export type DuplicateDecision = 'not-duplicates' | 'keep-all';

/**
 * The user's decision covering every one of these photos, by content hash: a group is left alone
 * while a decision holds all its pictures (a new picture joining it brings it back for review).
 */
export function decisionFor(db: Db, photoIds: readonly number[]): DuplicateDecision | null {
  if (photoIds.length === 0) return null;
  const placeholders = photoIds.map(() => '?').join(',');
  const row = db
    .prepare(
      `SELECT d.decision FROM duplicate_decisions d
       WHERE (SELECT count(*) FROM duplicate_decision_members m JOIN photos p ON p.content_hash = m.content_hash
              WHERE m.decision_id = d.id AND p.id IN (${placeholders})) = ?
       ORDER BY d.id DESC LIMIT 1`,
    )
    .get(...photoIds, new Set(photoIds).size) as { decision: DuplicateDecision } | undefined;
  return row?.decision ?? null;
}

/** Remembers a decision for these photos by their content hashes. */
export function recordDecision(db: Db, photoIds: readonly number[], decision: DuplicateDecision): void {
  db.transaction(() => {
    const id = Number(
      db.prepare('INSERT INTO duplicate_decisions (decision, at) VALUES (?, ?)').run(decision, new Date().toISOString()).lastInsertRowid,
    );
    const insert = db.prepare(
      'INSERT OR IGNORE INTO duplicate_decision_members (decision_id, content_hash) SELECT ?, content_hash FROM photos WHERE id = ?',
    );
    for (const photoId of photoIds) insert.run(id, photoId);
  })();
}

/** What the keeper choice and the kind of a pair need: resolution, capture record and when the photo was added. */
export function keeperFacts(
  db: Db,
  photoIds: readonly number[],
): { id: number; pixels: number; takenAt: string | null; camera: string | null; addedAt: string }[] {
  const statement = db.prepare(
    "SELECT id, width * height AS pixels, taken_at, nullif(trim(coalesce(camera_make, '') || ' ' || coalesce(camera_model, '')), '') AS camera, added_at FROM photos WHERE id = ?",
  );
  return photoIds.flatMap((id) => {
    const r = statement.get(id) as { id: number; pixels: number; taken_at: string | null; camera: string | null; added_at: string } | undefined;
    return r ? [{ id: r.id, pixels: r.pixels, takenAt: r.taken_at, camera: r.camera, addedAt: r.added_at }] : [];
  });
}
