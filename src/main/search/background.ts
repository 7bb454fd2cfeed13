// Clusters and near-duplicate groups computed in a worker thread (search/groupWorker.ts), so the
// process that serves the API keeps answering while a large library is regrouped. The main side
// decides what needs computing and saves the results in one transaction (planClustering,
// planDuplicates); only the computation moves. Progress comes back as messages; cancelling
// terminates the thread at once.
import { startWorkerScript } from '../model/workerStart';
import { CancelledError, type ProgressSink } from '../util/progress';
import type { Core } from '../core';
import type { ClusteringRow } from '../store/clusters';
import type { DuplicateGroupRow } from '../store/duplicates';
import type { ClusteringResult } from './clustering';
import type { EmbeddingRows, GroupReply, GroupTask } from './groupWorker';
import type { EmbeddingIndex } from './knn';
import type { DuplicateAnalysis } from './nearDuplicates';
import { planClustering, planDuplicates, type ClusterOptions } from './service';

interface RunOptions {
  onProgress?: ProgressSink;
  signal?: AbortSignal;
}

/** The index's rows as one compact buffer (the wasm matrix pads rows to its stride), to be transferred. */
function embeddingRows(index: EmbeddingIndex): EmbeddingRows {
  const { dim } = index;
  const { data, stride } = index.matrix;
  const vectors = new Float32Array(index.size * dim);
  for (let r = 0; r < index.size; r++) vectors.set(data.subarray(r * stride, r * stride + dim), r * dim);
  return { photoIds: [...index.photoIds], vectors, dim };
}

/** Runs one task in a fresh worker thread. */
export function runGroupTask(task: GroupTask, options: RunOptions = {}): Promise<ClusteringResult | DuplicateAnalysis> {
  if (options.signal?.aborted) return Promise.reject(new CancelledError());
  const transfer = [task.embeddings?.vectors.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  return new Promise((resolve, reject) => {
    let settled = false;
    // The vectors (100 MB at 100k photos) are moved to the worker, not copied.
    const worker = startWorkerScript(import.meta.url, 'groupWorker', task, transfer);
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      outcome();
    };
    const onAbort = () => finish(() => reject(new CancelledError()));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (reply: GroupReply) => {
      if (reply.type === 'progress') options.onProgress?.(reply.progress);
      else if (reply.type === 'error') finish(() => reject(new Error(reply.message)));
      else finish(() => resolve(reply.result));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the grouping worker stopped (exit code ${code})`))));
  });
}

/** Like currentClustering, with the computation in a worker thread. */
export async function currentClusteringInWorker(core: Core, options: ClusterOptions = {}): Promise<ClusteringRow> {
  const plan = planClustering(core, options);
  if (plan.current) return plan.current;
  const task: GroupTask = { kind: 'cluster', embeddings: embeddingRows(plan.index), ...plan.compute };
  return plan.save((await runGroupTask(task, options)) as ClusteringResult);
}

/** Near-duplicate groups as listDuplicateGroups finds them, with the computation in a worker thread. */
export async function duplicateGroupsInWorker(core: Core, options: RunOptions = {}): Promise<DuplicateGroupRow[]> {
  const plan = planDuplicates(core);
  if (plan.current) return plan.current;
  const hashIds = [...plan.signals.hashes.keys()];
  const hashes = new Uint8Array(hashIds.length * 8);
  hashIds.forEach((id, i) => {
    const h = plan.signals.hashes.get(id)!;
    if (h.length !== 8) throw new Error(`photo ${id}: difference hash of ${h.length} bytes, expected 8`);
    hashes.set(h, i * 8);
  });
  const task: GroupTask = {
    kind: 'duplicates',
    embeddings: plan.signals.index ? embeddingRows(plan.signals.index) : null,
    hashIds,
    hashes,
    // The worker reads the pixel signatures from the database itself (a read-only connection).
    pixelSource: { database: core.dataDir.database, inputSize: plan.pixelInputSize },
    photoIds: plan.photoIds,
  };
  return plan.save((await runGroupTask(task, options)) as DuplicateAnalysis);
}
