// Embedding speed (`likeness bench embed`): images/s of μ(x), L2-normalised, on one thread and on
// worker threads (what `likeness embed` uses for large jobs), on generated images.
import { backendChoice, initBackend, planBackend } from '../model/backend';
import { embedSources } from '../model/encoder';
import { EmbedPool } from '../model/embedPool';
import { defaultWorkers } from '../model/workerStart';
import { Params } from '../model/params';
import { syntheticImage } from '../model/source';
import { buildConfig, type TrainOptions } from '../model/train';
import { describeConfig } from '../model/trainer';

export interface EmbedBenchResult {
  /** "<backend> on <device>". */
  backend: string;
  config: string;
  batchSize: number;
  images: number;
  /** One thread (or the GPU). */
  imagesPerSecond: number;
  seconds: number;
  /** Worker threads; on a GPU, 1 and the same figure as one thread. */
  threads: number;
  threadsImagesPerSecond: number;
  threadsSeconds: number;
  /** Embedded on the GPU (WebGPU); `softwareAdapter`: a CPU emulating one. */
  gpu: boolean;
  softwareAdapter: boolean;
}

/** The model of `recipe` (64×64 unless it says otherwise) with random weights, over `count` images. */
export async function benchEmbed(recipe: TrainOptions, count: number): Promise<EmbedBenchResult> {
  const options: TrainOptions = { ...recipe };
  options.inputSize ??= 64;
  const config = buildConfig(options);
  const batch = options.overrides?.batchSize ?? 128;
  // The flag, else LIKENESS_BACKEND, else auto (a benchmark has no library, so no saved setting).
  const choice = backendChoice(options.backend);
  const plan = await planBackend(choice);
  const info = await initBackend(plan.name, choice === 'auto');
  const gpu = info.backend === 'webgpu';
  const params = Params.init(config, 1);
  const s = config.inputSize;
  const images = Array.from({ length: count }, (_, i) => ({ data: syntheticImage(i, s, 3), width: s, height: s, channels: 3 }));
  await embedSources(params, images.slice(0, batch), batch);
  const t0 = performance.now();
  await embedSources(params, images, batch);
  const seconds = (performance.now() - t0) / 1000;
  // The same on worker threads (what `likeness embed` uses for large jobs); start-up excluded.
  // A GPU embeds on one thread only.
  const threads = gpu ? 1 : defaultWorkers();
  let poolSeconds = seconds;
  if (!gpu) {
    const pool = await EmbedPool.start(
      config,
      await params.values(),
      threads,
      info.backend === 'wasm' || info.backend === 'cpu' ? info.backend : plan.name,
    );
    await pool.embedAll(images.slice(0, batch * threads), batch);
    const t1 = performance.now();
    await pool.embedAll(images, batch);
    poolSeconds = (performance.now() - t1) / 1000;
    await pool.close();
  }
  params.dispose();
  return {
    backend: `${info.backend} on ${info.device}`,
    config: describeConfig(config),
    batchSize: batch,
    images: count,
    imagesPerSecond: count / seconds,
    seconds,
    threads,
    threadsImagesPerSecond: count / poolSeconds,
    threadsSeconds: poolSeconds,
    gpu,
    softwareAdapter: info.adapter?.software ?? false,
  };
}
