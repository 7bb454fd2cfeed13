// The "preview" rendition: an upright JPEG, long side up to PREVIEW_LONG_SIDE, of a photo whose
// format browsers cannot show (HEIC, TIFF, …), so the viewer shows it at full size instead of the
// thumbnail. Made from the original the first time it is viewed, then kept in the data directory by
// content hash, like thumbnails: never written beside the photos.
import { lstatSync, mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Core } from '../core';
import { DecodeError, displayJpeg } from './decode';

/** Sharp on a large screen and a fraction of a 48 MP original's decode cost to show again. */
export const PREVIEW_LONG_SIDE = 2048;

export class PreviewError extends Error {}

const making = new Map<string, Promise<string>>();

/**
 * The preview file of the photo with this content hash, made from `original` if it is not there
 * yet. Throws PreviewError, saying why, when the original cannot be read or decoded.
 */
export function previewFile(
  core: Core,
  contentHash: string,
  original: string,
  read: () => Promise<Buffer> = () => readFile(original),
): Promise<string> {
  const path = core.dataDir.previewPath(contentHash);
  if (isPlainFile(path)) return Promise.resolve(path);
  // Two requests for the same photo (the viewer and its prefetch) decode it once.
  let made = making.get(path);
  if (!made) {
    made = makePreview(core, path, original, read).finally(() => making.delete(path));
    making.set(path, made);
  }
  return made;
}

async function makePreview(core: Core, path: string, original: string, read: () => Promise<Buffer>): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await read();
  } catch (error) {
    throw new PreviewError(`cannot read ${original}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let jpeg: Buffer;
  try {
    jpeg = await displayJpeg(bytes, PREVIEW_LONG_SIDE, undefined, original);
  } catch (error) {
    if (error instanceof DecodeError) throw new PreviewError(`cannot show ${original}: ${error.message}`);
    throw error;
  }
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true });
  mkdirSync(core.dataDir.tmp, { recursive: true });
  // A folder on the way that is a link out of the data directory would have us write elsewhere.
  const root = realpathSync(core.dataDir.root) + sep;
  if (!realpathSync(folder).startsWith(root) || !realpathSync(core.dataDir.tmp).startsWith(root)) {
    throw new PreviewError('the previews folder leads out of the data directory: not writing there');
  }
  // Written whole, then renamed into place: a reader never sees half a file, and a link planted at
  // the path is replaced, not followed.
  const temporary = join(core.dataDir.tmp, `preview-${process.pid}-${Math.random().toString(36).slice(2)}.jpg`);
  try {
    writeFileSync(temporary, jpeg, { flag: 'wx' });
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
  return path;
}

function isPlainFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}
