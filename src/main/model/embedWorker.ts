// Entry point of an embedding worker thread: loads the model once, then embeds the batches of
// images it is sent and posts the vectors back (transferred, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import type { SourceImage } from './augment';
import { initBackend, type BackendName } from './backend';
import type { ModelConfig } from './config';
import { embedSources } from './encoder';
import { Params } from './params';

export interface EmbedWorkerInit {
  config: ModelConfig;
  values: Map<string, Float32Array>;
  backend?: BackendName;
}

export type EmbedRequest = { id: number; images: SourceImage[] };
export type EmbedReply =
  { id: number; vectors: Float32Array; dim: number } | { id: number; error: string } | { ready: true; backend: string; device: string };

const init = workerData as EmbedWorkerInit;
const port = parentPort!;
try {
  const info = await initBackend(init.backend);
  const params = Params.fromValues(init.config, init.values);
  port.on('message', async (req: EmbedRequest) => {
    try {
      const vectors = await embedSources(params, req.images, 128);
      const dim = vectors[0]?.length ?? init.config.zDim;
      const flat = new Float32Array(vectors.length * dim);
      vectors.forEach((v, i) => flat.set(v, i * dim));
      port.postMessage({ id: req.id, vectors: flat, dim } satisfies EmbedReply, [flat.buffer]);
    } catch (error) {
      port.postMessage({ id: req.id, error: (error as Error).message } satisfies EmbedReply);
    }
  });
  port.postMessage({ ready: true, backend: info.backend, device: info.device } satisfies EmbedReply);
} catch (error) {
  port.postMessage({ id: -1, error: (error as Error).message } satisfies EmbedReply);
}
