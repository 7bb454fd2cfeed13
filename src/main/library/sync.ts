// Bringing individual paths in line with the disk, for the folder watcher: new or changed files
// are ingested, deleted files and folders leave the library. Same rules as a full scan: content
// identity, per-file problems, and nothing removed while its folder is out of reach.
import { lstat } from 'node:fs/promises';
import { basename, sep } from 'node:path';
import type { Core } from '../core';
import { filesAtOrUnder, folderRows, knownFile, removeMissing, setFolderStatus, type FolderRow } from '../store/library';
import { looksLikePhoto } from './formats';
import { removeRenditions } from './thumbnails';
import { modelInputSizes } from './inputSizes';
import { regroupAfterScan } from './stacks';
import { ingestOne, isReachable, type ScanSummary } from './scan';
import { isWithin } from '../util/paths';

function folderOf(folders: FolderRow[], path: string): FolderRow | undefined {
  return folders.find((f) => isWithin(path, f.path, sep));
}

export async function syncPaths(core: Core, paths: readonly string[]): Promise<ScanSummary> {
  const summary: ScanSummary = { added: 0, updated: 0, moved: 0, removed: 0, unchanged: 0, failed: 0, offline: [] };
  const folders = folderRows(core.db);
  const inputSizes = modelInputSizes(core.db);
  const gone: string[] = [];
  for (const path of new Set(paths)) {
    const folder = folderOf(folders, path);
    if (!folder) continue;
    const info = await lstat(path).catch(() => null);
    if (!info) {
      gone.push(path);
      continue;
    }
    if (!info.isFile() && !info.isSymbolicLink()) continue;
    if (!looksLikePhoto(basename(path))) continue;
    const known = knownFile(core.db, path);
    if (known && known.bytes === info.size && known.mtimeMs === Math.trunc(info.mtimeMs)) {
      summary.unchanged++;
      continue;
    }
    const outcome = await ingestOne(core, folder, { path, bytes: info.size, mtimeMs: Math.trunc(info.mtimeMs) }, known?.photoId, inputSizes);
    if (outcome === 'vanished') gone.push(path);
    else summary[outcome]++;
  }
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
  return summary;
}
