// What Find similar's copies test (copies.ts) needs of the whole library for every query: each
// shown photo's difference hash (to find candidates), the bound on a candidate's distance, the grey
// view codes of a fixed sample of random photos (the null), and the crop test's null (crops.ts: the
// grey and the planes' codes of the first of them). All of it depends only on the
// shown photos, so it is kept as one file in the data directory's cache folder, named by the input
// size and the photos' change generation, so a stale one is never read. A new process (every
// `likeness similar`) reads one file instead of the hash column, 4,000 random pairs and ~150 model
// inputs. Only a cache: missing, damaged or unwritable, it is computed again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceCacheFile } from '../util/cacheFile';
import type { ViewCodes } from './pixelSignatures';

export interface CopiesLibrary {
  photoIds: number[];
  /** 8 bytes a photo, in the order of photoIds. */
  hashes: Uint8Array;
  /** The largest hash distance a candidate may have. */
  candidateBits: number;
  /** Grey view codes of random library photos. */
  nulls: ViewCodes;
  /** The crop test's null photos: each one's grey (size² bytes) and planes' codes (`codeLength` bytes), one photo after another. */
  cropNulls: { photoIds: number[]; grey: Uint8Array; codes: Int8Array; codeLength: number };
}

const MAGIC = 0x4c4b4e33; // "LKN3"
const HEADER = 32; // magic, photos, candidateBits (float32), null photos, views, dim, crop null photos, their codes' length
const HASH_BYTES = 8;

const fileName = (size: number, generation: number) => `copies-${size}-${generation}.bin`;
/** This file's other versions, and the null-sample-only files of earlier releases. */
const VERSIONS = /^copies-(null-)?\d+-\d+\.bin$/;

const byteLength = (size: number, photos: number, nulls: number, views: number, dim: number, cropNulls: number, codeLength: number) =>
  HEADER + photos * (4 + HASH_BYTES) + nulls * 4 + nulls * views * 4 + nulls * views * dim + cropNulls * (4 + size * size + codeLength);

export function readCopiesLibrary(dir: string, size: number, generation: number): CopiesLibrary | null {
  let bytes: Uint8Array;
  try {
    // A copy into a buffer of its own, so every section below is aligned for its typed array.
    bytes = new Uint8Array(readFileSync(join(dir, fileName(size, generation))));
  } catch {
    return null;
  }
  if (bytes.length < HEADER) return null;
  const header = new Uint32Array(bytes.buffer, 0, HEADER / 4);
  const [magic, photos, , nullCount, views, dim, cropCount, codeLength] = Array.from(header) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (magic !== MAGIC || bytes.length !== byteLength(size, photos, nullCount, views, dim, cropCount, codeLength)) return null;
  let at = HEADER;
  const take = <T>(make: (offset: number, length: number) => T, length: number, width: number): T => {
    const out = make(at, length);
    at += length * width;
    return out;
  };
  const photoIds = Array.from(take((o, n) => new Uint32Array(bytes.buffer, o, n), photos, 4));
  const hashes = take((o, n) => new Uint8Array(bytes.buffer, o, n), photos * HASH_BYTES, 1);
  const nullIds = Array.from(take((o, n) => new Uint32Array(bytes.buffer, o, n), nullCount, 4));
  const inverseNorms = take((o, n) => new Float32Array(bytes.buffer, o, n), nullCount * views, 4);
  const codes = take((o, n) => new Int8Array(bytes.buffer, o, n), nullCount * views * dim, 1);
  const cropIds = Array.from(take((o, n) => new Uint32Array(bytes.buffer, o, n), cropCount, 4));
  const grey = take((o, n) => new Uint8Array(bytes.buffer, o, n), cropCount * size * size, 1);
  const cropCodes = take((o, n) => new Int8Array(bytes.buffer, o, n), cropCount * codeLength, 1);
  const candidateBits = new Float32Array(bytes.buffer, 8, 1)[0]!;
  return {
    photoIds,
    hashes,
    candidateBits,
    nulls: { photoIds: nullIds, views, dim, codes, inverseNorms },
    cropNulls: { photoIds: cropIds, grey, codes: cropCodes, codeLength },
  };
}

/** Writes the file (whole, then renamed into place) and drops older ones. */
export function writeCopiesLibrary(dir: string, size: number, generation: number, library: CopiesLibrary): void {
  const { photoIds, hashes, nulls, cropNulls } = library;
  const crops = cropNulls.photoIds.length;
  const out = new Uint8Array(byteLength(size, photoIds.length, nulls.photoIds.length, nulls.views, nulls.dim, crops, cropNulls.codeLength));
  new Uint32Array(out.buffer, 0, HEADER / 4).set([
    MAGIC,
    photoIds.length,
    0,
    nulls.photoIds.length,
    nulls.views,
    nulls.dim,
    crops,
    cropNulls.codeLength,
  ]);
  new Float32Array(out.buffer, 8, 1)[0] = library.candidateBits;
  let at = HEADER;
  const parts = [Uint32Array.from(photoIds), hashes, Uint32Array.from(nulls.photoIds), nulls.inverseNorms, nulls.codes];
  for (const part of [...parts, Uint32Array.from(cropNulls.photoIds), cropNulls.grey, cropNulls.codes]) {
    out.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), at);
    at += part.byteLength;
  }
  replaceCacheFile(dir, fileName(size, generation), out, VERSIONS);
}
