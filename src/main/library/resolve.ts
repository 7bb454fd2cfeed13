// Acting on duplicate groups: the rejected photos' files go to the system trash (never a
// permanent delete), recorded in a journal (store/trashJournal.ts) so that
//   - a preview says exactly which files will move and which are left, with the reason;
//   - undo brings the last resolve back while the trash still holds the files;
//   - a kill at any moment is recovered at the next start: every journal row still 'pending' is
//     looked for at its old place and in the trash, and the library is synced with the disk.
// This module and `likeness duplicates resolve|undo` are the only code that moves a user's file.
import { constants } from 'node:fs';
import { access, lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Core } from '../core';
import { ProgressTracker, type ProgressSink } from '../util/progress';
import {
  addSkippedItem,
  addTrashItem,
  filesOfPhotos,
  lastUndoableBatch,
  markBatchUndone,
  pendingTrashItems,
  recordedTrashPaths,
  setTrashItem,
  startTrashBatch,
  trashedButListed,
  trashItems,
  type LibraryFileFacts,
} from '../store/trashJournal';
import { syncPaths } from './sync';
import { findInTrash, removeOrphanTrashInfo, restoreFromTrash, restoreProblem, type TrashFunction } from './trash';

/** A group as the user decided it: keep one photo, move the others' files to the trash. */
export interface ResolveChoice {
  groupId: number;
  keeperId: number;
  photoIds: readonly number[];
}

export interface PlannedFile extends LibraryFileFacts {
  groupId: number;
  /** 'trash': will be moved to the trash; 'keep': the keeper's file; 'skip': left where it is, see reason. */
  action: 'trash' | 'keep' | 'skip';
  reason: string | null;
}

/** Why this file cannot be moved now, or null. The size and modification time must match the index. */
async function fileProblem(file: LibraryFileFacts): Promise<string | null> {
  if (file.folderStatus === 'offline') return 'its folder is offline (drive not connected)';
  const info = await lstat(file.path).catch((e: NodeJS.ErrnoException) => e);
  if (info instanceof Error)
    return info.code === 'ENOENT' ? 'the file is not there (moved, deleted, or its drive is offline)' : `cannot read it: ${info.message}`;
  if (info.size !== file.bytes || Math.trunc(info.mtimeMs) !== file.mtimeMs) return 'changed since it was grouped (index again, then review it)';
  try {
    await access(dirname(file.path), constants.W_OK);
  } catch {
    return 'its folder is read-only: it cannot be moved to the trash';
  }
  return null;
}

/** Exactly what resolving these groups will do, file by file. Reads the disk, writes nothing. */
export async function planResolve(core: Core, choices: readonly ResolveChoice[]): Promise<PlannedFile[]> {
  const planned: PlannedFile[] = [];
  for (const choice of choices) {
    if (!choice.photoIds.includes(choice.keeperId)) throw new Error(`photo ${choice.keeperId} is not in group ${choice.groupId}`);
    const keeperFiles = filesOfPhotos(core.db, [choice.keeperId]);
    const keeperProblems = await Promise.all(keeperFiles.map(fileProblem));
    // Nothing goes while no file of the photo to keep is there as it was indexed.
    const keeperMissing = keeperFiles.length === 0 || keeperProblems.every((p) => p !== null && !p.startsWith('its folder is read-only'));
    for (const [i, file] of keeperFiles.entries()) {
      planned.push({ ...file, groupId: choice.groupId, action: 'keep', reason: keeperProblems[i] ?? null });
    }
    for (const file of filesOfPhotos(
      core.db,
      choice.photoIds.filter((id) => id !== choice.keeperId),
    )) {
      const problem = keeperMissing ? 'the photo to keep is not on disk as indexed, so nothing of this group is moved' : await fileProblem(file);
      planned.push({ ...file, groupId: choice.groupId, action: problem ? 'skip' : 'trash', reason: problem });
    }
  }
  return planned;
}

export interface ResolveResult {
  batchId: number;
  trashed: string[];
  skipped: { path: string; reason: string }[];
}

/**
 * Moves the planned files to the trash, one at a time: the journal row is committed first, the
 * file moved, then the row updated with where it went. Files that fail are skipped with the reason.
 * The library then forgets the moved files (syncPaths, as the folder watcher does).
 */
export async function applyResolve(
  core: Core,
  plan: readonly PlannedFile[],
  trash: TrashFunction,
  options: { onProgress?: ProgressSink; signal?: AbortSignal } = {},
): Promise<ResolveResult> {
  const batchId = startTrashBatch(core.db);
  const result: ResolveResult = { batchId, trashed: [], skipped: [] };
  const toMove = plan.filter((f) => f.action !== 'keep');
  const progress = new ProgressTracker(options.onProgress ?? (() => {}), toMove.length);
  const claimed = recordedTrashPaths(core.db);
  for (const [done, file] of toMove.entries()) {
    if (options.signal?.aborted) break;
    // The disk may have changed since the preview: check again just before moving.
    const problem = file.action === 'skip' ? file.reason : await fileProblem(file);
    if (problem) {
      addSkippedItem(core.db, batchId, file, problem);
      result.skipped.push({ path: file.path, reason: problem });
    } else {
      const itemId = addTrashItem(core.db, batchId, file);
      try {
        const location = (await trash(file.path)) || findInTrash(file.path, claimed);
        if (location?.trashPath) claimed.add(location.trashPath);
        setTrashItem(core.db, itemId, 'trashed', { trashPath: location?.trashPath ?? null, infoPath: location?.infoPath ?? null });
        result.trashed.push(file.path);
      } catch (error) {
        const reason = `could not be moved to the trash: ${(error as Error).message}`;
        setTrashItem(core.db, itemId, 'skipped', { reason });
        result.skipped.push({ path: file.path, reason });
      }
    }
    progress.update(done + 1, file.path);
  }
  await syncPaths(core, result.trashed);
  return result;
}

export interface UndoResult {
  batchId: number | null;
  restored: string[];
  failed: { path: string; reason: string }[];
}

/** Puts the files of the last resolve back where they were, while the trash still holds them. */
export async function undoLastResolve(core: Core): Promise<UndoResult> {
  const batch = lastUndoableBatch(core.db);
  if (!batch) return { batchId: null, restored: [], failed: [] };
  const result: UndoResult = { batchId: batch.id, restored: [], failed: [] };
  for (const item of trashItems(core.db, batch.id)) {
    if (item.state !== 'trashed') continue;
    const location = item.trashPath
      ? { trashPath: item.trashPath, infoPath: item.infoPath }
      : (findInTrash(item.path) ?? { trashPath: null, infoPath: null });
    const problem = await restoreProblem(item.path, location);
    if (problem) {
      result.failed.push({ path: item.path, reason: problem });
      continue;
    }
    try {
      await restoreFromTrash(item.path, location);
      setTrashItem(core.db, item.id, 'restored');
      result.restored.push(item.path);
    } catch (error) {
      result.failed.push({ path: item.path, reason: (error as Error).message });
    }
  }
  markBatchUndone(core.db, batch.id);
  await syncPaths(core, result.restored);
  return result;
}

/**
 * After a kill: settles every journal row left 'pending' (the file is still at its place: it was
 * not moved; it is in the trash: it was) and brings the library in line with the disk for them.
 * Returns how many rows were settled. Cheap when there is nothing to do (one indexed query).
 */
export async function recoverTrashJournal(core: Core): Promise<number> {
  const pending = pendingTrashItems(core.db);
  const claimed = recordedTrashPaths(core.db);
  for (const item of pending) {
    if (await lstat(item.path).catch(() => null)) {
      setTrashItem(core.db, item.id, 'skipped', { reason: 'interrupted before it was moved; left in place' });
      await removeOrphanTrashInfo(item.path);
      continue;
    }
    const location = findInTrash(item.path, claimed);
    if (location?.trashPath) claimed.add(location.trashPath);
    setTrashItem(core.db, item.id, 'trashed', { trashPath: location?.trashPath ?? null, infoPath: location?.infoPath ?? null });
  }
  const paths = [...new Set([...pending.map((i) => i.path), ...trashedButListed(core.db)])];
  if (paths.length) await syncPaths(core, paths);
  return pending.length;
}
