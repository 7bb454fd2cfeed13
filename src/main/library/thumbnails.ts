// Where a photo's thumbnail lives, by photo id (the only handle the renderer ever has), and the
// removal of a forgotten photo's rendition files.
import { rm } from 'node:fs/promises';
import type { Core } from '../core';
import { contentHashOf } from '../store/photos';

export function thumbnailFile(core: Core, photoId: number): string | null {
  const hash = contentHashOf(core.db, photoId);
  return hash ? core.dataDir.thumbnailPath(hash) : null;
}

/** Deletes the thumbnails and previews of photos the library forgot (by content hash). */
export async function removeRenditions(core: Core, contentHashes: string[]): Promise<void> {
  await Promise.all(
    contentHashes.flatMap((hash) => [rm(core.dataDir.thumbnailPath(hash), { force: true }), rm(core.dataDir.previewPath(hash), { force: true })]),
  );
}
