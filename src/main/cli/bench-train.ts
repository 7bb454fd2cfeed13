// `likeness bench train`: training images/s on one core and on all cores (data-parallel worker
// threads), for the default 64×64 model at batch 64, on generated images.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeCore, openCore } from '../core';
import { defaultWorkers, trainModel } from '../model/train';
import { describeConfig } from '../model/trainer';
import { buildConfig } from '../model/train';
import { parse, type Command } from './command';
import { trainOptionSpec, trainOptionsFrom } from './train';

async function measure(workers: number, steps: number, options: ReturnType<typeof trainOptionsFrom>) {
  const root = mkdtempSync(join(tmpdir(), 'likeness-bench-train-'));
  const core = openCore(root);
  const times: number[] = [];
  let batch = 0;
  let backend = '';
  let backendName = '';
  let software = false;
  try {
    const config = buildConfig(options);
    await trainModel(
      core,
      {
        ...options,
        workers,
        maxSteps: steps,
        epochs: undefined,
        minutes: undefined,
        activate: false,
        recalibrationBatches: 1,
        source: { kind: 'synthetic', count: config.batchSize * steps, size: config.inputSize, seed: 7 },
      },
      {
        onEvent: (m) => {
          if (m.type === 'ready') {
            backend = `${m.backend} on ${m.device}`;
            backendName = m.backend;
            software = m.adapter?.software ?? false;
          }
          if (m.type === 'step') {
            times.push(performance.now());
            batch = m.batch;
          }
        },
      },
    );
  } finally {
    closeCore(core);
    rmSync(root, { recursive: true, force: true });
  }
  // The first step includes warm-up (kernel set-up, allocation): time from its end.
  const imagesPerSecond = (batch * (times.length - 1)) / ((times.at(-1)! - times[0]) / 1000);
  return { workers, imagesPerSecond, backend, backendName, software };
}

export const benchTrain: Command = {
  name: 'train',
  summary: 'training images/s on one core and on all cores, or on the GPU (64×64, batch 64 by default)',
  usage: 'train [--steps N] [--input-size S] [--batch-size B] [--preset fast|reference] [--workers W] [--backend auto|webgpu|wasm|cpu|tensorflow] [--json]',
  async run(args, ctx) {
    const { values } = parse(args, { ...trainOptionSpec, steps: { type: 'string' } }, false);
    const options = trainOptionsFrom(values);
    options.inputSize ??= 64;
    options.overrides = { batchSize: 64, ...options.overrides };
    options.seed ??= 1;
    const steps = values.steps ? Number(values.steps) : 6;
    const all = options.workers ?? defaultWorkers();
    const config = buildConfig(options);
    ctx.err(`model: ${describeConfig(config)}; batch ${config.batchSize}; ${steps} steps per measurement`);
    const one = await measure(1, steps, options);
    const onGpu = one.backendName === 'webgpu';
    // A GPU trains on one thread (one device): no all-cores measurement.
    const label = onGpu ? `webgpu${one.software ? ' (SOFTWARE adapter: a CPU emulating a GPU)' : ''}` : '1 core';
    ctx.err(`${label}:  ${one.imagesPerSecond.toFixed(1)} img/s`);
    if (onGpu) {
      const result = { backend: one.backend, config: describeConfig(config), batchSize: config.batchSize, software: one.software, imagesPerSecond: one.imagesPerSecond };
      if (values.json) ctx.out(JSON.stringify(result));
      else {
        ctx.out(`backend: ${result.backend}`);
        ctx.out(`model: ${result.config}, batch ${result.batchSize}`);
        ctx.out(`training, ${label}: ${result.imagesPerSecond.toFixed(1)} img/s`);
      }
      return 0;
    }
    const many = all > 1 ? await measure(all, steps, options) : one;
    ctx.err(`${all} cores: ${many.imagesPerSecond.toFixed(1)} img/s`);
    const result = {
      backend: one.backend,
      config: describeConfig(config),
      batchSize: config.batchSize,
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
