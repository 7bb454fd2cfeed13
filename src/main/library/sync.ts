// Bringing individual paths in line with the disk, for the folder watcher: new or changed files
// are ingested, deleted files and folders leave the library. Same rules as a full scan: content
// identity, per-file problems, and nothing removed while its folder is out of reach.
import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { basename, sep } from 'node:path';
import type { Core } from '../core';
import { filesAtOrUnder, folderRows, knownFile, removeMissing, setFolderStatus, type FolderRow, type KnownFile } from '../store/library';
import { looksLikePhoto } from './formats';
import { removeRenditions } from './thumbnails';
import { modelInputSizes } from './inputSizes';
import { regroupAfterScan } from './stacks';
import { ingestOne, isReachable, readConcurrency, type Outcome, type ScanOptions, type ScanSummary } from './scan';
import { isWithin } from '../util/paths';
import { eachConcurrently } from '../util/concurrently';
import { ProgressTracker, throwIfCancelled } from '../util/progress';

function folderOf(folders: FolderRow[], path: string): FolderRow | undefined {
  return folders.find((f) => isWithin(path, f.path, sep));
}

/**
 * Brings these paths in line with the disk: each file is read as a scan reads it (several at once),
 * with progress; cancelled, what was read so far stays and the rest waits for the next scan.
 */
export async function syncPaths(core: Core, paths: readonly string[], options: ScanOptions = {}): Promise<ScanSummary> {
  const summary: ScanSummary = { added: 0, updated: 0, moved: 0, removed: 0, unchanged: 0, failed: 0, offline: [] };
  const { signal } = options;
  const folders = folderRows(core.db);
  const inputSizes = modelInputSizes(core.db);
  const unique = [...new Set(paths)];
  const progress = new ProgressTracker(options.onProgress ?? (() => {}), unique.length);
  const gone: string[] = [];
  let done = 0;
  await eachConcurrently(
    unique,
    readConcurrency(options),
    async (path) => {
      const outcome = await syncOne(core, folderOf(folders, path), path, inputSizes);
      if (outcome === 'vanished') gone.push(path);
      else if (outcome) summary[outcome]++;
      progress.update(++done);
    },
    signal,
  );
  throwIfCancelled(signal);
  // Deletions only count while the folder itself is still there: an unplugged drive deletes nothing.
  const removable: string[] = [];
  for (const path of gone) {
    const folder = folderOf(folders, path)!;
    if (await isReachable(folder.path)) removable.push(path);
    else if (!summary.offline.includes(folder.path)) {
      setFolderStatus(core.db, folder.id, 'offline');
      summary.offline.push(folder.path);
    }
  }
  if (removable.length > 0) {
    const fileIds = filesAtOrUnder(core.db, removable, sep).map((f) => f.id);
    const removedHashes = removeMissing(core.db, fileIds, removable);
    summary.removed += removedHashes.length;
    await removeRenditions(core, removedHashes);
  }
  regroupAfterScan(core.db, summary.added + summary.updated + summary.moved + summary.removed);
  progress.update(done, 'done', true);
  return summary;
}

/** The paths a sync would act on: those gone, and photos not yet read as they are now. */
export async function changedPaths(core: Core, paths: readonly string[]): Promise<string[]> {
  const changed: string[] = [];
  for (const path of new Set(paths)) {
    const info = await lstat(path).catch(() => null);
    if (!info || !readAsIs(knownFile(core.db, path), info)) changed.push(path);
  }
  return changed;
}

/** One path: read if new or changed; 'vanished' if it is gone; null if it is not a library photo. */
async function syncOne(core: Core, folder: FolderRow | undefined, path: string, inputSizes: readonly number[]): Promise<Outcome | null> {
  if (!folder) return null;
  const info = await lstat(path).catch(() => null);
  if (!info) return 'vanished';
  if ((!info.isFile() && !info.isSymbolicLink()) || !looksLikePhoto(basename(path))) return null;
  const known = knownFile(core.db, path);
  if (readAsIs(known, info)) return 'unchanged';
  return ingestOne(core, folder, { path, bytes: info.size, mtimeMs: Math.trunc(info.mtimeMs) }, known?.photoId, inputSizes);
}

/** True when the library read this file as it is now: the same size and modification time. */
function readAsIs(known: KnownFile | undefined, info: Stats): boolean {
  return known !== undefined && known.bytes === info.size && known.mtimeMs === Math.trunc(info.mtimeMs);
}
