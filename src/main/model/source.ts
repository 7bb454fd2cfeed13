// Where training images come from, described as plain data so each worker thread opens its own:
// the library's model-input cache in SQLite (read a batch at a time, never all photos in memory), or
// an IDX file (Fashion-MNIST) for the quality evaluation.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { openReadOnly } from '../store/db';
import { readModelInputs } from '../store/modelInputs';
import type { SourceImage } from './augment';
import { Rng } from '../util/rng';

export type SourceSpec =
  | { kind: 'library'; database: string; size: number; photoIds: number[] }
  | { kind: 'idx'; imagesFile: string; limit?: number }
  /** Generated images (benchmarks): blobs and stripes of random colours, deterministic per index. */
  | { kind: 'synthetic'; count: number; size: number; seed: number };

export interface ImageSource {
  count: number;
  /** Images at these positions (0..count-1). */
  read(positions: readonly number[]): SourceImage[];
  close(): void;
}

/** Parses an IDX image file (gzipped or not): magic 0x00000803, count, rows, cols, then uint8 pixels. */
export function readIdxImages(file: string): { count: number; rows: number; cols: number; pixels: Uint8Array } {
  let buf = readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  const magic = buf.readUInt32BE(0);
  if (magic !== 0x803) throw new Error(`${file}: not an IDX image file (magic 0x${magic.toString(16)})`);
  const count = buf.readUInt32BE(4);
  const rows = buf.readUInt32BE(8);
  const cols = buf.readUInt32BE(12);
  if (buf.length < 16 + count * rows * cols) throw new Error(`${file}: truncated`);
  return { count, rows, cols, pixels: new Uint8Array(buf.buffer, buf.byteOffset + 16, count * rows * cols) };
}

export function readIdxLabels(file: string): Uint8Array {
  let buf = readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  if (buf.readUInt32BE(0) !== 0x801) throw new Error(`${file}: not an IDX label file`);
  const count = buf.readUInt32BE(4);
  return new Uint8Array(buf.buffer, buf.byteOffset + 8, count);
}

export function syntheticImage(index: number, size: number, seed: number): Uint8Array {
  const rng = new Rng((seed * 2654435761 + index * 40503) >>> 0);
  const out = new Uint8Array(size * size * 3);
  const a = [rng.int(256), rng.int(256), rng.int(256)];
  const b = [rng.int(256), rng.int(256), rng.int(256)];
  const period = 2 + rng.int(size / 4);
  const cx = rng.uniform(0, size);
  const cy = rng.uniform(0, size);
  const r = rng.uniform(size / 8, size / 2);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inBlob = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
      const stripe = Math.floor((index % 2 ? x : y) / period) % 2 === 0;
      const c = inBlob !== stripe ? a : b;
      for (let k = 0; k < 3; k++) out[(y * size + x) * 3 + k] = c[k];
    }
  }
  return out;
}

export function openSource(spec: SourceSpec): ImageSource {
  if (spec.kind === 'synthetic') {
    return {
      count: spec.count,
      read: (positions) =>
        positions.map((p) => ({ data: syntheticImage(p, spec.size, spec.seed), width: spec.size, height: spec.size, channels: 3 })),
      close: () => {},
    };
  }
  if (spec.kind === 'idx') {
    const idx = readIdxImages(spec.imagesFile);
    const count = Math.min(idx.count, spec.limit ?? Infinity);
    const n = idx.rows * idx.cols;
    return {
      count,
      read: (positions) => positions.map((p) => ({ data: idx.pixels.subarray(p * n, (p + 1) * n), width: idx.cols, height: idx.rows, channels: 1 })),
      close: () => {},
    };
  }
  const db = openReadOnly(spec.database);
  return {
    count: spec.photoIds.length,
    read: (positions) => {
      const ids = positions.map((p) => spec.photoIds[p]);
      const inputs = readModelInputs(db, spec.size, ids);
      return ids.map((id) => {
        const data = inputs.get(id);
        // A photo removed since training started: use a blank image rather than stop (rare, harmless).
        return { data: data ? new Uint8Array(data) : new Uint8Array(spec.size * spec.size * 3), width: spec.size, height: spec.size, channels: 3 };
      });
    },
    close: () => db.close(),
  };
}
