// SQL for near-duplicate groups, stored with the fingerprint of the library state they were found in.
import type { Db } from './db';
import { getSetting, setSetting } from './settings';

/** The fingerprint of the library state the stored groups were found in (every stored group has it). */
const FINGERPRINT = 'search.duplicates.fingerprint';

export interface DuplicateGroupRow {
  id: number;
  keeperId: number;
  photoIds: number[];
}

/** The stored groups if they were computed for this fingerprint, else null. */
export function readDuplicateGroups(db: Db, fingerprint: string): DuplicateGroupRow[] | null {
  if (getSetting<string | null>(db, FINGERPRINT, null) !== fingerprint) return null;
  const groups = db.prepare('SELECT id, keeper_id FROM duplicate_groups WHERE fingerprint = ? ORDER BY id').all(fingerprint) as {
    id: number;
    keeper_id: number;
  }[];
  const members = db.prepare('SELECT photo_id AS id FROM duplicate_members WHERE group_id = ? ORDER BY photo_id');
  return groups.map((g) => ({ id: g.id, keeperId: g.keeper_id, photoIds: (members.all(g.id) as { id: number }[]).map((m) => m.id) }));
}

/** The groups stored last, whatever library state they were found in (shown while newer ones are computed). */
export function storedDuplicateGroups(db: Db): DuplicateGroupRow[] {
  const stored = getSetting<string | null>(db, FINGERPRINT, null);
  return stored === null ? [] : (readDuplicateGroups(db, stored) ?? []);
}

export function saveDuplicateGroups(db: Db, fingerprint: string, groups: { keeperId: number; photoIds: number[] }[]): DuplicateGroupRow[] {
  return db.transaction(() => {
    db.prepare('DELETE FROM duplicate_groups').run();
    const insertGroup = db.prepare('INSERT INTO duplicate_groups (fingerprint, keeper_id) VALUES (?, ?)');
    const insertMember = db.prepare('INSERT INTO duplicate_members (group_id, photo_id) VALUES (?, ?)');
    const saved = groups.map((g) => {
      const id = Number(insertGroup.run(fingerprint, g.keeperId).lastInsertRowid);
      for (const photoId of g.photoIds) insertMember.run(id, photoId);
      return { id, keeperId: g.keeperId, photoIds: [...g.photoIds].sort((a, b) => a - b) };
    });
    setSetting(db, FINGERPRINT, fingerprint);
    return saved;
  })();
}

/** What the keeper choice needs: resolution, date taken and when the photo was added. */
export function keeperFacts(db: Db, photoIds: readonly number[]): { id: number; pixels: number; takenAt: string | null; addedAt: string }[] {
  const statement = db.prepare('SELECT id, width * height AS pixels, taken_at, added_at FROM photos WHERE id = ?');
  return photoIds.flatMap((id) => {
    const r = statement.get(id) as { id: number; pixels: number; taken_at: string | null; added_at: string } | undefined;
    return r ? [{ id: r.id, pixels: r.pixels, takenAt: r.taken_at, addedAt: r.added_at }] : [];
  });
}
