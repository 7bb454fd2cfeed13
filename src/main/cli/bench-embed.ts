// `likeness bench embed`: embedding images/s (μ(x), L2-normalised) for the default 64×64 model.
import { backendChoice, initBackend, planBackend } from '../model/backend';
import { embedSources } from '../model/encoder';
import { EmbedPool } from '../model/embedPool';
import { defaultWorkers } from '../model/workerStart';
import { Params } from '../model/params';
import { syntheticImage } from '../model/source';
import { buildConfig } from '../model/train';
import { describeConfig } from '../model/trainer';
import { parse, type Command } from './command';
import { trainOptionSpec, trainOptionsFrom } from './train';

export const benchEmbed: Command = {
  name: 'embed',
  summary: 'embedding images/s for the default 64×64 model',
  usage: 'embed [--count N] [--input-size S] [--batch-size B] [--preset fast|reference] [--backend auto|webgpu|wasm|cpu|tensorflow] [--json]',
  async run(args, ctx) {
    const { values } = parse(args, { ...trainOptionSpec, count: { type: 'string' } }, false);
    const options = trainOptionsFrom(values);
    options.inputSize ??= 64;
    const config = buildConfig(options);
    const batch = options.overrides?.batchSize ?? 128;
    const count = values.count ? Number(values.count) : 2048;
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
      const pool = await EmbedPool.start(config, await params.values(), threads, info.backend === 'wasm' || info.backend === 'cpu' ? info.backend : plan.name);
      await pool.embedAll(images.slice(0, batch * threads), batch);
      const t1 = performance.now();
      await pool.embedAll(images, batch);
      poolSeconds = (performance.now() - t1) / 1000;
      await pool.close();
    }
    const result = {
      backend: `${info.backend} on ${info.device}`,
      config: describeConfig(config),
      batchSize: batch,
      images: count,
      imagesPerSecond: count / seconds,
      threads,
      threadsImagesPerSecond: count / poolSeconds,
    };
    params.dispose();
    if (values.json) ctx.out(JSON.stringify(result));
    else {
      ctx.out(`backend: ${result.backend}`);
      ctx.out(`model: ${result.config}, batch ${batch}`);
      ctx.out(`embedding, ${gpu ? `webgpu${info.adapter?.software ? ' (SOFTWARE adapter: a CPU emulating a GPU)' : ''}` : '1 thread'}:  ${result.imagesPerSecond.toFixed(1)} img/s (${count} images in ${seconds.toFixed(1)} s)`);
      if (!gpu) ctx.out(`embedding, ${threads} threads: ${result.threadsImagesPerSecond.toFixed(1)} img/s (${count} images in ${poolSeconds.toFixed(1)} s)`);
    }
    return 0;
  },
};
