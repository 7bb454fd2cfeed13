// Thumbnails and full photos, addressed by numeric photo id only. Both transports (the HTTP server's
// /thumb/<id> and /photo/<id>, Electron's likeness://thumb/<id> and likeness://photo/<id>) parse the
// request with parseMediaRequest and resolve it here, so a client can never name a file on disk:
// the file comes from the data directory layout (thumbnails, previews) or from the library database
// (originals). A photo browsers cannot show (HEIC, TIFF) is served as its cached preview rendition.
import { createReadStream, lstatSync, realpathSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Core } from '../core';
import { DecodeError, decodePhoto } from '../library/decode';
import { PreviewError, previewFile } from '../library/preview';
import { thumbnailFile } from '../library/thumbnails';
import { contentHashOf, getPhoto, indexedFiles } from '../store/photos';
import type { PhotoDetail } from '../../shared/api';

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

/** Formats every browser engine we ship to displays as they are; others are shown as a JPEG preview. */
const DISPLAYABLE: Record<string, string> = {
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
};

/** The photo exists but cannot be shown (unreadable or undecodable original): the message says why. */
export class MediaUnavailableError extends Error {}

export interface MediaBody {
  contentType: string;
  size: number | null;
  stream(): Readable;
}

/**
 * Resolves a media request to bytes, or null when there is no such photo/thumbnail. Throws
 * MediaUnavailableError when a photo's preview cannot be made.
 */
export async function resolveMedia(core: Core, request: MediaRequest): Promise<MediaBody | null> {
  if (request.kind === 'thumb') {
    const file = thumbnailFile(core, request.id);
    const size = file === null ? null : dataFileSize(file, core.dataDir.root);
    if (file === null || size === null) return null;
    return { contentType: 'image/webp', size, stream: () => createReadStream(file) };
  }
  const photo = getPhoto(core.db, request.id);
  if (!photo) return null;
  const original = await openIndexedFile(core, request.id);
  if (!original) return null;
  const type = DISPLAYABLE[photo.format.toLowerCase()];
  if (type) return { contentType: type, size: original.size, stream: () => original.handle.createReadStream() };
  // HEIC, TIFF, …: the preview rendition, made on first view and kept in the data directory.
  const hash = contentHashOf(core.db, request.id);
  if (!hash) {
    await original.handle.close();
    return null;
  }
  let preview: string;
  try {
    preview = await previewFile(core, hash, original.path, () => original.handle.readFile());
  } catch (error) {
    if (error instanceof PreviewError) throw new MediaUnavailableError(error.message);
    throw error;
  } finally {
    await original.handle.close();
  }
  const size = dataFileSize(preview, core.dataDir.root);
  if (size === null) throw new MediaUnavailableError(`the preview of photo ${request.id} is not a plain file of the data directory`);
  return { contentType: 'image/jpeg', size, stream: () => createReadStream(preview) };
}

/**
 * The photo's original, opened, when one of its paths still holds the file that was indexed (same
 * size and modification time, checked on the open file): a path swapped for something else since
 * (a link retargeted to a text file) is not served, nor made into a preview. Null when no path has a
 * file at all; MediaUnavailableError when files are there but all changed: the watcher or the next
 * scan brings the library up to date.
 */
async function openIndexedFile(core: Core, id: number): Promise<{ path: string; size: number; handle: FileHandle } | null> {
  let changed: string | null = null;
  for (const file of indexedFiles(core.db, id)) {
    let handle: FileHandle;
    try {
      handle = await open(file.path, 'r');
    } catch {
      continue;
    }
    const stat = await handle.stat().catch(() => null);
    if (stat?.isFile() && stat.size === file.bytes && Math.trunc(stat.mtimeMs) === file.mtimeMs) return { path: file.path, size: stat.size, handle };
    await handle.close();
    changed ??= file.path;
  }
  if (changed)
    throw new MediaUnavailableError(
      `${changed} has changed since it was indexed: not shown until the library is brought up to date (rescan its folder)`,
    );
  return null;
}

/**
 * Why a photo cannot be shown, in words for the viewer when its image failed to load; null when
 * nothing is wrong. Reads the original (and decodes it), so it is asked only after a failure: a
 * browser says nothing of why an image did not load.
 */
export async function photoProblem(core: Core, photo: PhotoDetail): Promise<string | null> {
  let original;
  try {
    original = await openIndexedFile(core, photo.id);
  } catch (error) {
    if (error instanceof MediaUnavailableError) return error.message;
    throw error;
  }
  if (!original) {
    return `${photo.paths[0]} is not there any more: moved, renamed or deleted, or on a drive that is not connected. Rescanning its folder updates the library.`;
  }
  if (!DISPLAYABLE[photo.format.toLowerCase()]) {
    await original.handle.close();
    // HEIC, TIFF…: making the preview reads and decodes the original, and says why it cannot.
    try {
      await resolveMedia(core, { kind: 'photo', id: photo.id }).then((body) => body?.stream().destroy());
      return null;
    } catch (error) {
      if (error instanceof MediaUnavailableError) return error.message;
      throw error;
    }
  }
  // Served as it is: the browser's decoder failed where ours may say why.
  let buffer: Buffer;
  try {
    buffer = await original.handle.readFile();
  } catch (error) {
    return `cannot read ${original.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  } finally {
    await original.handle.close();
  }
  try {
    await decodePhoto(buffer, original.path);
    return null;
  } catch (error) {
    if (error instanceof DecodeError) return `cannot show ${original.path}: ${error.message}`;
    throw error;
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
