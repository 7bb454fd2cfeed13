// Embedding: μ(x), L2-normalised, for library photos (every photo lacking an embedding for the
// model) and for query images that are not in the library.
import * as tf from '@tensorflow/tfjs';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../core';
import { CancelledError, ProgressTracker, type ProgressSink } from '../jobs/progress';
import { countMissingEmbeddings, photosMissingEmbedding, writeEmbeddings } from '../store/embeddings';
import { readModelInputs } from '../store/modelInputs';
import { activeModel, getModelRecord } from '../store/models';
import { plainInto, type SourceImage } from './augment';
import { initBackend } from './backend';
import { embedBatch } from './encoder';
import { loadWeights, Params } from './params';

const loaded = new Map<string, Params>();

/** The model's parameters, loaded once per process (keyed by weights file and its mtime). */
export async function loadModelParams(core: Core, modelId: number): Promise<Params> {
  await initBackend();
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

/** Embeddings of already-prepared images (each size×size×3 or size×size×1) with loaded parameters. */
export function embedSources(params: Params, images: SourceImage[], batchSize = 128): Float32Array[] {
  const s = params.config.inputSize;
  const per = s * s * 3;
  const out: Float32Array[] = [];
  for (let start = 0; start < images.length; start += batchSize) {
    const chunk = images.slice(start, start + batchSize);
    const x = new Float32Array(chunk.length * per);
    chunk.forEach((img, i) => plainInto(img, s, x, i * per));
    const flat = tf.tidy(() => embedBatch(params, tf.tensor4d(x, [chunk.length, s, s, 3])).dataSync() as Float32Array);
    const dim = flat.length / chunk.length;
    for (let i = 0; i < chunk.length; i++) out.push(flat.slice(i * dim, (i + 1) * dim));
  }
  return out;
}

/** Embeds query images (square RGB uint8 HWC, size×size×3), resized to the model's input when needed. */
export async function embedImages(core: Core, modelId: number, rgbInputs: Uint8Array[], size: number): Promise<Float32Array[]> {
  const params = await loadModelParams(core, modelId);
  for (const rgb of rgbInputs) {
    if (rgb.length !== size * size * 3) throw new Error(`query image has ${rgb.length} bytes, expected ${size}×${size}×3`);
  }
  return embedSources(params, rgbInputs.map((data) => ({ data, width: size, height: size, channels: 3 })));
}

export interface EmbedOptions {
  modelId?: number;
  onProgress?: ProgressSink;
  signal?: AbortSignal;
  batchSize?: number;
}

/** Embeds every photo that has a model input but no embedding for the model (the active one by default). */
export async function embedLibrary(core: Core, options: EmbedOptions = {}): Promise<{ modelId: number; embedded: number }> {
  const modelId = options.modelId ?? activeModel(core.db)?.id;
  if (modelId === undefined) throw new Error('no active model: train one first (likeness train)');
  const params = await loadModelParams(core, modelId);
  const size = params.config.inputSize;
  const batch = options.batchSize ?? 128;
  const tracker = new ProgressTracker(options.onProgress ?? (() => {}), countMissingEmbeddings(core.db, modelId));
  let embedded = 0;
  tracker.update(0, 'embedding', true);
  for (;;) {
    if (options.signal?.aborted) throw new CancelledError();
    const ids = photosMissingEmbedding(core.db, modelId, batch);
    if (ids.length === 0) break;
    const inputs = readModelInputs(core.db, size, ids);
    const present = ids.filter((id) => inputs.has(id));
    const vectors = embedSources(params, present.map((id) => ({ data: inputs.get(id)!, width: size, height: size, channels: 3 })), batch);
    writeEmbeddings(core.db, modelId, present.map((photoId, i) => ({ photoId, vector: vectors[i] })));
    embedded += present.length;
    tracker.update(embedded, 'embedding');
    // Let the event loop breathe between batches (progress, cancellation).
    await new Promise((r) => setImmediate(r));
  }
  tracker.update(embedded, 'done', true);
  return { modelId, embedded };
}
