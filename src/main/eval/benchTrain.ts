// Training speed (`likeness bench train`): images/s on one core and on all cores (data-parallel
// worker threads), or on the GPU, for the default 64×64 model at batch 64, on generated images.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeCore, openCore } from '../core';
import { buildConfig, defaultWorkers, trainModel, type TrainOptions } from '../model/train';
import { describeConfig } from '../model/trainer';

/** One measurement: `workers` threads training `steps` steps. */
export interface TrainSpeed {
  workers: number;
  imagesPerSecond: number;
  /** "<backend> on <device>". */
  backend: string;
  backendName: string;
  /** A software GPU adapter (a CPU emulating a GPU). */
  software: boolean;
}

export interface TrainBenchPlan {
  /** The recipe with the benchmark's defaults filled in. */
  options: TrainOptions;
  config: string;
  batchSize: number;
  steps: number;
  /** Worker threads of the all-cores measurement. */
  allCores: number;
}

export interface TrainBenchResult {
  one: TrainSpeed;
  /** On all cores; null on a GPU, which trains on one thread (one device). */
  many: TrainSpeed | null;
}

async function measure(workers: number, steps: number, options: TrainOptions): Promise<TrainSpeed> {
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

/** The benchmark's defaults (64×64, batch 64, seed 1, 6 steps, all cores) over `recipe`. */
export function planTrainBench(recipe: TrainOptions, steps = 6): TrainBenchPlan {
  const options: TrainOptions = { ...recipe };
  options.inputSize ??= 64;
  options.overrides = { batchSize: 64, ...options.overrides };
  options.seed ??= 1;
  const config = buildConfig(options);
  return { options, config: describeConfig(config), batchSize: config.batchSize, steps, allCores: options.workers ?? defaultWorkers() };
}

/** Measures on one core, then (unless that ran on a GPU) on all cores; `onSpeed` hears each as it comes. */
export async function benchTrain(
  plan: TrainBenchPlan,
  onSpeed: (speed: TrainSpeed, measurement: 'one' | 'all') => void = () => {},
): Promise<TrainBenchResult> {
  const one = await measure(1, plan.steps, plan.options);
  onSpeed(one, 'one');
  // A GPU trains on one thread (one device): no all-cores measurement.
  if (one.backendName === 'webgpu') return { one, many: null };
  const many = plan.allCores > 1 ? await measure(plan.allCores, plan.steps, plan.options) : one;
  onSpeed(many, 'all');
  return { one, many };
}
