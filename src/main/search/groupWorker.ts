// Entry point of a grouping worker thread: clusters or near-duplicate groups of a library's
// embeddings, computed off the main thread so `likeness serve` and the app's main process keep
// answering while a large library is regrouped (13–26 s at 100k). The worker only computes; the
// main side reads the inputs and writes the results in one transaction, as before. Cancelling
// terminates the thread, so no cancellation check is needed in here.
import { parentPort, workerData } from 'node:worker_threads';
import type { Progress } from '../util/progress';
import { clusterEmbeddings, type ClusteringResult } from './clustering';
import { EmbeddingIndex } from './knn';
import { findDuplicateGroups, type DuplicateAnalysis } from './nearDuplicates';
import { loadPixelSignatures, type PixelSignatures } from './pixelSignatures';
import { openReadOnly } from '../store/db';

/** Embeddings as they cross to the worker: row-major, L2-normalised, `photoIds.length × dim`. */
export interface EmbeddingRows {
  photoIds: number[];
  vectors: Float32Array;
  dim: number;
}

export type GroupTask =
  | { kind: 'cluster'; embeddings: EmbeddingRows; minClusterSize?: number; selection?: 'eom' | 'leaf' }
  | {
      kind: 'duplicates';
      embeddings: EmbeddingRows | null;
      /** Photo ids with a difference hash, and their 8-byte hashes packed one after another. */
      hashIds: number[];
      hashes: Uint8Array;
      /** Where the worker reads the pixel signatures itself: the library database and the model input size. */
      pixelSource: { database: string; inputSize: number };
      photoIds: number[];
    };

export type GroupReply =
  | { type: 'progress'; progress: Progress }
  | { type: 'cluster'; result: ClusteringResult }
  | { type: 'duplicates'; result: DuplicateAnalysis }
  | { type: 'error'; message: string };

/** Pixel signatures read here, off the main thread, over a read-only connection of our own. */
async function readPixelSignatures(source: { database: string; inputSize: number }, photoIds: readonly number[]): Promise<PixelSignatures> {
  const db = openReadOnly(source.database);
  try {
    return loadPixelSignatures(db, source.inputSize, photoIds);
  } finally {
    db.close();
  }
}

const port = parentPort!;
const task = workerData as GroupTask;
const onProgress = (progress: Progress) => port.postMessage({ type: 'progress', progress } satisfies GroupReply);
const indexOf = (e: EmbeddingRows) => new EmbeddingIndex(e.photoIds, e.vectors, e.dim);

try {
  if (task.kind === 'cluster') {
    const result = clusterEmbeddings(indexOf(task.embeddings), { minClusterSize: task.minClusterSize, selection: task.selection, onProgress });
    port.postMessage({ type: 'cluster', result } satisfies GroupReply);
  } else {
    const hashes = new Map(task.hashIds.map((id, i) => [id, task.hashes.subarray(i * 8, i * 8 + 8)]));
    // Reading the signatures takes ~0.25 ms a photo: say so, rather than look stuck.
    onProgress({ done: 0, total: task.photoIds.length, rate: null, etaSeconds: null, message: 'reading pixel signatures' });
    const pixels = await readPixelSignatures(task.pixelSource, task.photoIds);
    const result = findDuplicateGroups({ index: task.embeddings ? indexOf(task.embeddings) : null, hashes, pixels }, task.photoIds, { onProgress });
    port.postMessage({ type: 'duplicates', result } satisfies GroupReply);
  }
} catch (error) {
  port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies GroupReply);
}
