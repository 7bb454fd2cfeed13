// The active model's embeddings as one flat file beside its weights, so that a new process (every
// `likeness similar`) reads one file instead of one SQLite row per photo: at 10k photos the rows
// took ~100 ms of a ~400 ms command. The file is named by the embeddings' change generation, so a
// stale one is never read; it is only a cache: missing, damaged or unwritable, SQLite answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../core';
import { replaceCacheFile } from '../util/cacheFile';

const MAGIC = 0x4c4b4531; // "LKE1"
const HEADER = 12; // magic, dim, count (uint32 each)

const snapshotName = (generation: number) => `embeddings-${generation}.bin`;

function snapshotPath(core: Core, modelId: number, generation: number): string {
  return join(core.dataDir.modelDir(modelId), snapshotName(generation));
}

export interface EmbeddingMatrix {
  photoIds: number[];
  vectors: Float32Array;
  dim: number;
}

export function readSnapshot(core: Core, modelId: number, generation: number): EmbeddingMatrix | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(snapshotPath(core, modelId, generation));
  } catch {
    return null;
  }
  if (bytes.length < HEADER) return null;
  const [magic, dim, count] = [bytes.readUInt32LE(0), bytes.readUInt32LE(4), bytes.readUInt32LE(8)];
  if (magic !== MAGIC || bytes.length !== HEADER + count * 4 + count * dim * 4) return null;
  // A large file has a buffer of its own: views, no copy (a copy only if it is not 4-byte aligned).
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
  const photoIds = Array.from(new Uint32Array(aligned.buffer, aligned.byteOffset + HEADER, count));
  const vectors = new Float32Array(aligned.buffer, aligned.byteOffset + HEADER + count * 4, count * dim);
  return { photoIds, vectors, dim };
}

/** Writes the snapshot (whole, then renamed into place) and drops older ones of the model. */
export function writeSnapshot(core: Core, modelId: number, generation: number, matrix: EmbeddingMatrix): void {
  const { photoIds, vectors, dim } = matrix;
  const out = Buffer.alloc(HEADER + photoIds.length * 4 + vectors.byteLength);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(dim, 4);
  out.writeUInt32LE(photoIds.length, 8);
  photoIds.forEach((id, i) => out.writeUInt32LE(id, HEADER + i * 4));
  Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength).copy(out, HEADER + photoIds.length * 4);
  replaceCacheFile(core.dataDir.modelDir(modelId), snapshotName(generation), out, /^embeddings-\d+\.bin$/);
}
