// Thumbnails and full photos, addressed by numeric photo id only. Both transports (the HTTP server's
// /thumb/<id> and /photo/<id>, Electron's likeness://thumb/<id> and likeness://photo/<id>) parse the
// request with parseMediaRequest and resolve it here, so a client can never name a file on disk:
// the file comes from the data directory layout (thumbnails) or from the library database (originals).
import { createReadStream, lstatSync, realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { Core } from '../core';
import { thumbnailFile } from '../library/thumbnails';
import { getPhoto } from '../store/photos';

export type MediaKind = 'thumb' | 'photo';

export interface MediaRequest {
  kind: MediaKind;
  id: number;
}

const MEDIA_PATH = /^\/(thumb|photo)\/([1-9][0-9]{0,14})$/;

/** `/thumb/12` or `/photo/12` (an HTTP path without query) → request; anything else → null. */
export function parseMediaPath(pathname: string): MediaRequest | null {
  const match = MEDIA_PATH.exec(pathname);
  if (!match) return null;
  const id = Number(match[2]);
  if (!Number.isSafeInteger(id)) return null;
  return { kind: match[1] as MediaKind, id };
}

/** `likeness://thumb/12` or `likeness://photo/12` → request; anything else (other hosts, paths, queries) → null. */
export function parseMediaUrl(url: string): MediaRequest | null {
  // The URL parser resolves dot segments, encoded ones too (likeness://thumb/%2e%2e/1 is thumb/1):
  // harmless with ids only, but odd input is refused, not normalised, as on the HTTP routes.
  if (!/^likeness:\/\/(thumb|photo)\/[1-9][0-9]{0,14}$/.test(url)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'likeness:' || parsed.search || parsed.hash || parsed.username || parsed.password || parsed.port) return null;
  return parseMediaPath(`/${parsed.hostname}${parsed.pathname}`);
}

/** Formats every browser engine we ship to displays as they are; others are converted to JPEG. */
const DISPLAYABLE: Record<string, string> = {
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
};

export interface MediaBody {
  contentType: string;
  size: number | null;
  stream(): Readable;
}

/** Resolves a media request to bytes, or null when there is no such photo/thumbnail. */
export async function resolveMedia(core: Core, request: MediaRequest): Promise<MediaBody | null> {
  if (request.kind === 'thumb') {
    const file = thumbnailFile(core, request.id);
    const size = file === null ? null : dataFileSize(file, core.dataDir.root);
    if (file === null || size === null) return null;
    return { contentType: 'image/webp', size, stream: () => createReadStream(file) };
  }
  const photo = getPhoto(core.db, request.id);
  if (!photo) return null;
  const file = photo.paths.find((p) => fileSize(p) !== null);
  if (!file) return null;
  const type = DISPLAYABLE[photo.format.toLowerCase()];
  if (type) return { contentType: type, size: fileSize(file), stream: () => createReadStream(file) };
  // TIFF, HEIC, …: render an upright JPEG for display; fall back to the thumbnail if we cannot decode it.
  try {
    const jpeg = await sharp(file).rotate().resize(2560, 2560, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 88 }).toBuffer();
    return { contentType: 'image/jpeg', size: jpeg.length, stream: () => Readable.from([jpeg]) };
  } catch {
    return resolveMedia(core, { kind: 'thumb', id: request.id });
  }
}

/**
 * Size of a file of our data directory, or null. A symbolic link — the file itself, or a folder on
 * its way that leads out of the data directory — is refused: someone who planted one would have
 * the server hand out whatever it points at.
 */
function dataFileSize(file: string, root: string): number | null {
  try {
    const stat = lstatSync(file);
    if (!stat.isFile()) return null;
    const realRoot = realpathSync(root);
    return realpathSync(file).startsWith(realRoot + sep) ? stat.size : null;
  } catch {
    return null;
  }
}

function fileSize(file: string): number | null {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : null;
  } catch {
    return null;
  }
}
