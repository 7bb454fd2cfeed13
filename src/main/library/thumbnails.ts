// Where a photo's thumbnail lives, by photo id (the only handle the renderer ever has).
import type { Core } from '../core';
import { contentHashOf } from '../store/photos';

export function thumbnailFile(core: Core, photoId: number): string | null {
  const hash = contentHashOf(core.db, photoId);
  return hash ? core.dataDir.thumbnailPath(hash) : null;
}
