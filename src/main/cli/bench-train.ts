// `likeness bench train`: training images/s on one core and on all cores (data-parallel worker
// threads), for the default 64×64 model at batch 64, on generated images
// (src/main/eval/benchTrain.ts measures; this file parses and prints).
import { benchTrain as measureTraining, planTrainBench, type TrainSpeed } from '../eval/benchTrain';
import { parse, type Command } from './command';
import { trainOptionSpec, trainOptionsFrom } from './train';

export const benchTrain: Command = {
  name: 'train',
  summary: 'training images/s on one core and on all cores, or on the GPU (64×64, batch 64 by default)',
  usage:
    'train [--steps N] [--input-size S] [--batch-size B] [--preset fast|reference] [--workers W] [--backend auto|webgpu|wasm|cpu|tensorflow] [--json]',
  async run(args, ctx) {
    const { values } = parse(args, { ...trainOptionSpec, steps: { type: 'string' } }, false);
    const plan = planTrainBench(trainOptionsFrom(values), values.steps ? Number(values.steps) : 6);
    const all = plan.allCores;
    ctx.err(`model: ${plan.config}; batch ${plan.batchSize}; ${plan.steps} steps per measurement`);
    const labelOf = (one: TrainSpeed) =>
      one.backendName === 'webgpu' ? `webgpu${one.software ? ' (SOFTWARE adapter: a CPU emulating a GPU)' : ''}` : '1 core';
    const { one, many } = await measureTraining(plan, (speed, measurement) =>
      ctx.err(
        measurement === 'one'
          ? `${labelOf(speed)}:  ${speed.imagesPerSecond.toFixed(1)} img/s`
          : `${all} cores: ${speed.imagesPerSecond.toFixed(1)} img/s`,
      ),
    );
    const label = labelOf(one);
    if (!many) {
      const result = {
        backend: one.backend,
        config: plan.config,
        batchSize: plan.batchSize,
        software: one.software,
        imagesPerSecond: one.imagesPerSecond,
      };
      if (values.json) ctx.out(JSON.stringify(result));
      else {
        ctx.out(`backend: ${result.backend}`);
        ctx.out(`model: ${result.config}, batch ${result.batchSize}`);
        ctx.out(`training, ${label}: ${result.imagesPerSecond.toFixed(1)} img/s`);
      }
      return 0;
    }
    const result = {
      backend: one.backend,
      config: plan.config,
      batchSize: plan.batchSize,
      oneCoreImagesPerSecond: one.imagesPerSecond,
      allCores: all,
      allCoresImagesPerSecond: many.imagesPerSecond,
      speedup: many.imagesPerSecond / one.imagesPerSecond,
    };
    if (values.json) ctx.out(JSON.stringify(result));
    else {
      ctx.out(`backend: ${result.backend}`);
      ctx.out(`model: ${result.config}, batch ${result.batchSize}`);
      ctx.out(`training, 1 core:  ${result.oneCoreImagesPerSecond.toFixed(1)} img/s`);
      ctx.out(`training, ${all} cores: ${result.allCoresImagesPerSecond.toFixed(1)} img/s  (×${result.speedup.toFixed(2)})`);
    }
    return 0;
  },
};
