// Reading one photo file: its bytes once, its content hash, and (for content new to the
// library) everything derived from its pixels. Never writes anywhere near the photo.
import { readFile, stat } from 'node:fs/promises';
import { decodePhoto } from './decode';
import { readExif } from './exif';
import { differenceHash, modelInput, thumbnail } from './renditions';
import type { NewPhoto } from '../store/library';
import { sha256 } from '../util/hash';

export interface ReadFile {
  path: string;
  buffer: Buffer;
  bytes: number;
  mtimeMs: number;
  contentHash: string;
}

/** A file that keeps changing while we read it (still being copied in) is reported, not imported half-written. */
export class UnstableFileError extends Error {}

export async function readPhotoFile(path: string): Promise<ReadFile> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await stat(path);
    const buffer = await readFile(path);
    const after = await stat(path);
    if (before.size === after.size && before.mtimeMs === after.mtimeMs && buffer.length === after.size) {
      return { path, buffer, bytes: after.size, mtimeMs: Math.trunc(after.mtimeMs), contentHash: await sha256(buffer) };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new UnstableFileError('the file kept changing while it was being read');
}

export interface Analysed {
  photo: NewPhoto;
  thumbnail: Buffer;
}

/** Decodes once and derives the thumbnail, the model inputs of each size, the hash and EXIF facts. */
export async function analysePhoto(file: ReadFile, inputSizes: readonly number[]): Promise<Analysed> {
  const [decoded, exif] = await Promise.all([decodePhoto(file.buffer, file.path), readExif(file.buffer)]);
  const [thumb, ...inputs] = await Promise.all([thumbnail(decoded.working), ...inputSizes.map((size) => modelInput(decoded.working, size))]);
  return {
    thumbnail: thumb,
    photo: {
      contentHash: file.contentHash,
      bytes: file.bytes,
      format: decoded.format,
      width: decoded.width,
      height: decoded.height,
      orientation: exif.orientation,
      takenAt: exif.takenAt,
      cameraMake: exif.cameraMake,
      cameraModel: exif.cameraModel,
      lensModel: exif.lensModel,
      latitude: exif.latitude,
      longitude: exif.longitude,
      dhash: differenceHash(decoded.working),
      modelInputs: inputSizes.map((size, i) => ({ size, rgb: inputs[i] })),
    },
  };
}
