// `likeness bench embed`: embedding images/s (μ(x), L2-normalised) for the default 64×64 model
// (src/main/eval/benchEmbed.ts measures; this file parses and prints).
import { benchEmbed as measureEmbedding } from '../eval/benchEmbed';
import { parse, type Command } from './command';
import { trainOptionSpec, trainOptionsFrom } from './train';

export const benchEmbed: Command = {
  name: 'embed',
  summary: 'embedding images/s for the default 64×64 model',
  usage: 'embed [--count N] [--input-size S] [--batch-size B] [--preset fast|reference] [--backend auto|webgpu|wasm|cpu|tensorflow] [--json]',
  async run(args, ctx) {
    const { values } = parse(args, { ...trainOptionSpec, count: { type: 'string' } }, false);
    const count = values.count ? Number(values.count) : 2048;
    const r = await measureEmbedding(trainOptionsFrom(values), count);
    const result = {
      backend: r.backend,
      config: r.config,
      batchSize: r.batchSize,
      images: r.images,
      imagesPerSecond: r.imagesPerSecond,
      threads: r.threads,
      threadsImagesPerSecond: r.threadsImagesPerSecond,
    };
    if (values.json) ctx.out(JSON.stringify(result));
    else {
      ctx.out(`backend: ${result.backend}`);
      ctx.out(`model: ${result.config}, batch ${r.batchSize}`);
      ctx.out(
        `embedding, ${r.gpu ? `webgpu${r.softwareAdapter ? ' (SOFTWARE adapter: a CPU emulating a GPU)' : ''}` : '1 thread'}:  ${result.imagesPerSecond.toFixed(1)} img/s (${count} images in ${r.seconds.toFixed(1)} s)`,
      );
      if (!r.gpu)
        ctx.out(
          `embedding, ${r.threads} threads: ${result.threadsImagesPerSecond.toFixed(1)} img/s (${count} images in ${r.threadsSeconds.toFixed(1)} s)`,
        );
    }
    return 0;
  },
};
