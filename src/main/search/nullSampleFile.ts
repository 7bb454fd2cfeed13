// Find similar's copies test compares each query with a fixed sample of random library photos
// (copies.ts). Their grey pixel signatures are kept as one file in the data directory's cache
// folder, so a new process (every `likeness similar`) reads one file instead of ~145 model inputs
// and computing their signatures: about 100 ms of a cold start at 10,000 photos. The file is named
// by the input size and the photos' change generation, so a stale one is never read; it is only a
// cache: missing, damaged or unwritable, the sample is computed again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceCacheFile } from '../util/cacheFile';
import type { PixelSignatures } from './pixelSignatures';

const MAGIC = 0x4c4b4e31; // "LKN1"
const HEADER = 24; // magic, count, views, dim, side, coarseDim (uint32 each)

const fileName = (size: number, generation: number) => `copies-null-${size}-${generation}.bin`;

export function readNullSample(dir: string, size: number, generation: number): PixelSignatures | null {
  let bytes: Uint8Array;
  try {
    // A copy into a buffer of its own, so every section below is aligned for its typed array.
    bytes = new Uint8Array(readFileSync(join(dir, fileName(size, generation))));
  } catch {
    return null;
  }
  if (bytes.length < HEADER) return null;
  const [magic, count, views, dim, side, coarseDim] = Array.from(new Uint32Array(bytes.buffer, 0, 6)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (magic !== MAGIC || bytes.length !== HEADER + count * 4 * (2 + views + coarseDim) + count * views * dim) return null;
  let at = HEADER;
  const take = <T>(make: (offset: number, length: number) => T, length: number, width: number): T => {
    const out = make(at, length);
    at += length * width;
    return out;
  };
  const photoIds = Array.from(take((o, n) => new Uint32Array(bytes.buffer, o, n), count, 4));
  const inverseNorms = take((o, n) => new Float32Array(bytes.buffer, o, n), count * views, 4);
  const coarse = take((o, n) => new Float32Array(bytes.buffer, o, n), count * coarseDim, 4);
  const shiftReference = take((o, n) => new Float32Array(bytes.buffer, o, n), count, 4);
  const codes = take((o, n) => new Int8Array(bytes.buffer, o, n), count * views * dim, 1);
  return { photoIds, side, dim, views, codes, inverseNorms, coarse, coarseDim, shiftReference };
}

/** Writes the sample (whole, then renamed into place) and drops older ones. */
export function writeNullSample(dir: string, size: number, generation: number, s: PixelSignatures): void {
  const count = s.photoIds.length;
  const out = new Uint8Array(HEADER + count * 4 * (2 + s.views + s.coarseDim) + s.codes.length);
  new Uint32Array(out.buffer, 0, 6).set([MAGIC, count, s.views, s.dim, s.side, s.coarseDim]);
  let at = HEADER;
  for (const part of [Uint32Array.from(s.photoIds), s.inverseNorms, s.coarse, s.shiftReference, s.codes]) {
    out.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), at);
    at += part.byteLength;
  }
  replaceCacheFile(dir, fileName(size, generation), out, /^copies-null-\d+-\d+\.bin$/);
}
