// Embedding: μ(x), L2-normalised, for library photos (every photo lacking an embedding for the
// model) and for query images that are not in the library.
import * as tf from '@tensorflow/tfjs';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../core';
import { CancelledError, ProgressTracker, type ProgressSink } from '../util/progress';
import { countMissingEmbeddings, photosMissingEmbedding, writeEmbeddings } from '../store/embeddings';
import { readModelInputs } from '../store/modelInputs';
import { activeModel, getModelRecord } from '../store/models';
import {
  BACKEND_SETTING,
  backendChoice,
  currentBackend,
  initBackend,
  planBackend,
  type BackendChoice,
  type BackendInfo,
  type BackendName,
} from './backend';
import { getSetting } from '../store/settings';
import { embedSources } from './encoder';
import { EmbedPool } from './embedPool';
import { Params } from './params';
import { loadWeights } from './weightsFile';
import { defaultWorkers } from './workerStart';

const loaded = new Map<string, Params>();

/** The model's parameters, loaded once per process (keyed by weights file and its mtime). */
export async function loadModelParams(core: Core, modelId: number): Promise<Params> {
  // Not initBackend(): that would choose again from LIKENESS_BACKEND, undoing initEmbedBackend's fallback.
  await currentBackend();
  const record = getModelRecord(core.db, modelId);
  if (!record) throw new Error(`no model version ${modelId}`);
  if (!record.weightsPath) throw new Error(`model version ${modelId} has no saved weights (status ${record.model.status})`);
  const dir = join(core.dataDir.root, record.weightsPath);
  const key = `${dir}:${statSync(join(dir, 'weights.bin')).mtimeMs}`;
  let params = loaded.get(key);
  if (!params) {
    const { config, values } = loadWeights(dir);
    params = Params.fromValues(config, values);
    loaded.set(key, params);
  }
  return params;
}

/** Embeds query images (square RGB uint8 HWC, size×size×3), resized to the model's input when needed. */
export async function embedImages(core: Core, modelId: number, rgbInputs: Uint8Array[], size: number): Promise<Float32Array[]> {
  const params = await loadModelParams(core, modelId);
  for (const rgb of rgbInputs) {
    if (rgb.length !== size * size * 3) throw new Error(`query image has ${rgb.length} bytes, expected ${size}×${size}×3`);
  }
  return embedSources(
    params,
    rgbInputs.map((data) => ({ data, width: size, height: size, channels: 3 })),
  );
}

export interface EmbedOptions {
  modelId?: number;
  onProgress?: ProgressSink;
  signal?: AbortSignal;
  batchSize?: number;
  /** Worker threads to embed on (default: all cores); small jobs run in-process. */
  workers?: number;
  /** Fewest photos worth starting worker threads for (default 512). */
  poolThreshold?: number;
  /** A backend by name, or 'auto'; default: LIKENESS_BACKEND, else the saved setting, else 'auto'. */
  backend?: BackendChoice;
  /** Told which backend embeds, and on what. */
  onBackend?: (info: BackendInfo) => void;
}

/**
 * Sets up this thread's backend for embedding as chosen: a GPU embeds on this thread (one device),
 * a CPU backend also on worker threads.
 */
export async function initEmbedBackend(core: Core, choice?: BackendChoice): Promise<BackendInfo & { gpu: boolean }> {
  const resolved = backendChoice(choice, getSetting(core.db, BACKEND_SETTING));
  const plan = await planBackend(resolved);
  // In the desktop app Dawn cannot load (its GPU window trains only): embedding falls back to wasm.
  const info = await initBackend(plan.name, resolved === 'auto' || Boolean(process.versions.electron));
  return { ...info, gpu: info.backend === 'webgpu' || info.backend === 'tensorflow (tfjs-node-gpu)' };
}

/** Below this many photos, starting worker threads costs more than it saves. */
const POOL_THRESHOLD = 512;

/**
 * Embeds every photo that has a model input but no embedding for the model (the active one by
 * default), on worker threads when there are many; results are written as each batch completes, so
 * an interrupted run loses at most the batches in flight.
 */
export async function embedLibrary(core: Core, options: EmbedOptions = {}): Promise<{ modelId: number; embedded: number; threads: number }> {
  const modelId = options.modelId ?? activeModel(core.db)?.id;
  if (modelId === undefined) throw new Error('no active model: train one first (likeness train)');
  const info = await initEmbedBackend(core, options.backend);
  options.onBackend?.(info);
  const params = await loadModelParams(core, modelId);
  const size = params.config.inputSize;
  const batch = options.batchSize ?? 128;
  const total = countMissingEmbeddings(core.db, modelId);
  const tracker = new ProgressTracker(options.onProgress ?? (() => {}), total);
  tracker.update(0, 'embedding', true);
  const workers = info.gpu ? 1 : (options.workers ?? defaultWorkers());
  let pool: EmbedPool | null = null;
  if (workers > 1 && total >= (options.poolThreshold ?? POOL_THRESHOLD)) {
    try {
      pool = await EmbedPool.start(params.config, await params.values(), workers, tf.getBackend() as BackendName);
    } catch {
      pool = null; // no worker script (e.g. a build without it): embed in-process
    }
  }
  let embedded = 0;
  try {
    // Photo ids already handed out, so the next query skips batches still in flight.
    const inFlight = new Set<number>();
    // Ids whose input vanished between the query and the read (removed meanwhile): never retried.
    const skipped = new Set<number>();
    const running = new Set<Promise<void>>();
    for (;;) {
      if (options.signal?.aborted) throw new CancelledError();
      const ids = photosMissingEmbedding(core.db, modelId, batch + inFlight.size + skipped.size)
        .filter((id) => !inFlight.has(id) && !skipped.has(id))
        .slice(0, batch);
      if (ids.length === 0) break;
      const inputs = readModelInputs(core.db, size, ids);
      const present = ids.filter((id) => inputs.has(id));
      for (const id of ids) if (!inputs.has(id)) skipped.add(id);
      const images = present.map((id) => ({ data: inputs.get(id)!, width: size, height: size, channels: 3 }));
      const write = (vectors: Float32Array[]) => {
        writeEmbeddings(
          core.db,
          modelId,
          present.map((photoId, i) => ({ photoId, vector: vectors[i] })),
        );
        embedded += present.length;
        tracker.update(embedded, 'embedding');
      };
      if (!pool) {
        write(await embedSources(params, images, batch));
        // Let the event loop breathe between batches (progress, cancellation).
        await new Promise((r) => setImmediate(r));
        continue;
      }
      present.forEach((id) => inFlight.add(id));
      const job: Promise<void> = pool.embed(images).then((vectors) => {
        write(vectors);
        present.forEach((id) => inFlight.delete(id));
        running.delete(job);
      });
      running.add(job);
      if (running.size >= pool.size * 2) await Promise.race(running);
    }
    await Promise.all(running);
  } finally {
    await pool?.close();
  }
  tracker.update(embedded, 'done', true);
  return { modelId, embedded, threads: pool?.size ?? 1 };
}
