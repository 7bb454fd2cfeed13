// Removing a folder from the library: its files and the photos only it held are forgotten,
// with their thumbnails. The folder itself is never touched.
import { rm } from 'node:fs/promises';
import type { Core } from '../core';
import { deleteFolderAndOrphans } from '../store/library';

export async function removeFolder(core: Core, folderId: number): Promise<number> {
  const removedHashes = deleteFolderAndOrphans(core.db, folderId);
  await Promise.all(removedHashes.map((hash) => rm(core.dataDir.thumbnailPath(hash), { force: true })));
  return removedHashes.length;
}
