// Removing a folder from the library: its files and the photos only it held are forgotten,
// with their thumbnails and previews. The folder itself is never touched.
import type { Core } from '../core';
import { deleteFolderAndOrphans } from '../store/library';
import { removeRenditions } from './thumbnails';

export async function removeFolder(core: Core, folderId: number): Promise<number> {
  const removedHashes = deleteFolderAndOrphans(core.db, folderId);
  await removeRenditions(core, removedHashes);
  return removedHashes.length;
}
