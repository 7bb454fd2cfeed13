// The training loop that runs inside each worker thread. With W workers, each takes 1/W of every
// batch, computes its gradient, and the gradients are averaged through shared memory; every worker
// then applies the same Adam update, so their weights stay bit-identical without being sent around.
// Worker 0 decides when to stop (time, epochs, or a stop request), reports progress, checkpoints,
// and at the end recalibrates batch norm and saves the weights.
import { join } from 'node:path';
import { initBackend, webgpuDevice, type BackendName } from './backend';
import { augmentInto, augmentOptionsOf, plainInto } from './augment';
import { loadCheckpoint, saveCheckpoint, type TrainPosition } from './checkpoint';
import { effectiveBatch, type ModelConfig } from './config';
import type { MessagePort } from 'node:worker_threads';
import type { RemoteEngine } from './engineRelay';
import { GpuDeviceLostError } from './gpuEngine';
import { LocalEngine, type GradientEngine } from './gradientEngine';
import { initialValues, Params, paramSpecs, type ParamSpec } from './params';
import { loadWeights, saveWeights } from './weightsFile';
import { Rng, shuffleInPlace } from '../util/rng';
import { openSource, type ImageSource, type SourceSpec } from './source';
import { adamUpdate, newAdamState, stepNoise, type AdamState, type HostBatch, type StepLosses } from './trainer';
import type { GpuAdapterInfo } from '../../gpu/protocol';

export type StartFrom = { kind: 'scratch' } | { kind: 'checkpoint' } | { kind: 'weights'; dir: string };

export interface Budget {
  epochs?: number;
  /** Date.now() after which no new step starts. */
  deadline?: number;
  maxSteps?: number;
}

export interface WorkerInit {
  workerIndex: number;
  workerCount: number;
  config: ModelConfig;
  source: SourceSpec;
  seed: number;
  modelDir: string;
  start: StartFrom;
  budget: Budget;
  checkpointEveryMs: number;
  recalibrationBatches: number;
  backend?: BackendName;
  /** When the backend asked for cannot start, use wasm (then cpu) instead of failing. */
  backendFallback?: boolean;
  /** Tests only: GPUDevice.destroy() after this step, a real device loss mid-run. */
  loseGpuAfterStep?: number;
  shared: { grads: SharedArrayBuffer; losses: SharedArrayBuffer; control: SharedArrayBuffer };
  /** The desktop app's GPU window: the port to the main process's relay (engineRelay.ts). */
  gpuPort?: MessagePort;
}

export type WorkerMessage =
  | { type: 'ready'; backend: string; device: string; adapter?: GpuAdapterInfo; params: number; position: TrainPosition }
  | { type: 'step'; position: TrainPosition; losses: StepLosses; batch: number; stepMs: number }
  | { type: 'checkpoint'; position: TrainPosition }
  | { type: 'done'; position: TrainPosition; weightsDir: string | null; interrupted: boolean }
  | { type: 'error'; message: string; stack?: string }
  /** The GPU went away (reset, driver crash, unplugged): a checkpoint of the last completed step was written. */
  | { type: 'deviceLost'; message: string; position: TrainPosition };

// control: [barrier count, barrier generation, stop request, decision (parity 0), decision (parity 1)]
export const CONTROL_INTS = 5;
const STOP = 2;
const DECISION = 3;
const CONTINUE = 0;
const FINISH = 1;
const INTERRUPT = 2;

export function sharedBuffers(workerCount: number, trainableCount: number) {
  return {
    grads: new SharedArrayBuffer(2 * workerCount * trainableCount * 4),
    // Four loss terms per worker and parity, then worker 0's learning rate for each parity.
    losses: new SharedArrayBuffer((2 * workerCount * 4 + 2) * 8),
    control: new SharedArrayBuffer(CONTROL_INTS * 4),
  };
}

/**
 * How far this run is through its budget, 0..1: the furthest of the budgets given (an epoch budget
 * counts from the run's first step, so it survives a resume; time and step budgets count from this start).
 */
export function budgetFraction(budget: Budget, seen: number, photos: number, stepsThisRun: number, runStart: number, now: number): number {
  let f = 0;
  if (budget.epochs !== undefined) f = Math.max(f, seen / (budget.epochs * photos));
  if (budget.deadline !== undefined && budget.deadline > runStart) f = Math.max(f, (now - runStart) / (budget.deadline - runStart));
  if (budget.maxSteps !== undefined) f = Math.max(f, stepsThisRun / budget.maxSteps);
  return Math.min(1, f);
}

/**
 * The images seen when this run's budget ends, for its progress bar: the nearest of the budgets
 * given, since training stops at whichever comes first (a first model aims for ten passes but stops
 * at its minutes). A deadline's figure is projected from this run's speed so far; with no budget,
 * or none yet measurable, the images seen so far.
 */
export function budgetImages(
  budget: Budget,
  run: { seen: number; seenAtStart: number; photos: number; batch: number; elapsedMs: number; now: number },
): number {
  let end = Infinity;
  if (budget.epochs !== undefined && Number.isFinite(run.photos)) end = Math.min(end, budget.epochs * run.photos);
  if (budget.deadline !== undefined && run.elapsedMs > 0)
    end = Math.min(end, run.seen + ((budget.deadline - run.now) / run.elapsedMs) * (run.seen - run.seenAtStart));
  if (budget.maxSteps !== undefined) end = Math.min(end, run.seenAtStart + budget.maxSteps * run.batch);
  return Number.isFinite(end) ? Math.max(run.seen, Math.round(end)) : run.seen;
}

/** The learning rate at a fraction of the budget: constant, or a half cosine down to 0. */
export function learningRateAt(config: Pick<ModelConfig, 'learningRate' | 'lrSchedule'>, fraction: number): number {
  return config.lrSchedule === 'cosine' ? config.learningRate * 0.5 * (1 + Math.cos(Math.PI * fraction)) : config.learningRate;
}

export function requestStop(control: SharedArrayBuffer): void {
  Atomics.store(new Int32Array(control), STOP, 1);
}

function barrier(ctl: Int32Array, n: number): void {
  if (n === 1) return;
  const generation = Atomics.load(ctl, 1);
  if (Atomics.add(ctl, 0, 1) === n - 1) {
    Atomics.store(ctl, 0, 0);
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  } else {
    while (Atomics.load(ctl, 1) === generation) Atomics.wait(ctl, 1, generation, 1000);
  }
}

function epochOrder(count: number, seed: number, epoch: number): number[] {
  return shuffleInPlace(
    Array.from({ length: count }, (_, i) => i),
    new Rng((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0),
  );
}

function buildBatch(source: ImageSource, positions: number[], config: ModelConfig, rng: Rng): HostBatch {
  const s = config.inputSize;
  const per = s * s * 3;
  const images = source.read(positions);
  const x1 = new Float32Array(images.length * per);
  const x2 = config.views === 2 ? new Float32Array(images.length * per) : undefined;
  const augment = augmentOptionsOf(config);
  images.forEach((img, i) => {
    if (config.views === 2 || config.augment) augmentInto(img, s, rng, x1, i * per, augment);
    else plainInto(img, s, x1, i * per);
    if (x2) augmentInto(img, s, rng, x2, i * per, augment);
  });
  return { x1, x2, size: s, count: images.length };
}

/**
 * The loop of one worker. With `remote` (the desktop app's GPU window, reached through a relay
 * to the main process: engineRelay.ts), the steps run there; otherwise on this thread's tfjs backend.
 */
export async function runTrainingWorker(init: WorkerInit, post: (m: WorkerMessage) => void, remote?: RemoteEngine): Promise<void> {
  const { workerIndex: k, workerCount: W, config, seed } = init;
  const info = remote ? null : await initBackend(init.backend, init.backendFallback);
  // A lost GPU device makes every later operation fail (or read zeros): note it, and stop cleanly.
  let deviceLost: string | null = null;
  const device = remote ? null : webgpuDevice();
  void device?.lost.then((l) => (deviceLost = `the GPU device was lost (${l.reason}${l.message ? `: ${l.message}` : ''})`));
  const source = openSource(init.source);
  try {
    const n = source.count;
    const batch = effectiveBatch(config, n, W);
    const per = batch / W;
    if (per < 2) throw new Error(`not enough photos to train: ${n} (need at least ${2 * W})`);

    let position: TrainPosition = { step: 0, epoch: 0, cursor: 0, photosSeen: 0, elapsedMs: 0 };
    const checkpoint = init.start.kind === 'checkpoint' ? loadCheckpoint(init.modelDir) : null;
    const initial = checkpoint ? checkpoint.values : init.start.kind === 'weights' ? loadWeights(init.start.dir).values : initialValues(config, seed);
    if (checkpoint) position = checkpoint.position;
    const specs = paramSpecs(config);
    // The host keeps the trainable weights (every worker applies the same update); batch-norm
    // statistics are not trained, so with `initial` they make a checkpoint without reading the GPU.
    const weights = flatTrainable(specs, initial);
    const P = weights.length;
    const adam = checkpoint ? checkpoint.adam : newAdamState(P);
    let engine: GradientEngine;
    if (remote) {
      await remote.load(config, initial);
      engine = remote;
    } else engine = new LocalEngine(Params.fromValues(config, initial));
    const backend = remote ? remote.info : info!;
    if (init.shared.grads.byteLength !== 2 * W * P * 4) throw new Error('shared gradient buffer has the wrong size');
    const grads = new Float32Array(init.shared.grads);
    const losses = new Float64Array(init.shared.losses);
    const ctl = new Int32Array(init.shared.control);
    const average = new Float32Array(P);
    post({ type: 'ready', backend: backend.backend, device: backend.device, adapter: backend.adapter, params: P, position });

    let order = epochOrder(n, seed, position.epoch);
    const runStart = Date.now();
    const startedAt = runStart - position.elapsedMs;
    const rateSlot = 2 * W * 4;
    let lastCheckpoint = Date.now();
    const epochs = init.budget.epochs;
    const startStep = position.step;
    for (;;) {
      const t0 = performance.now();
      if (position.cursor + batch > n) {
        position = { ...position, epoch: position.epoch + 1, cursor: 0 };
        order = epochOrder(n, seed, position.epoch);
      }
      const parity = position.step % 2;
      const rng = new Rng((seed * 31 + position.step * 7919 + k * 104729) >>> 0);
      const mine = order.slice(position.cursor + k * per, position.cursor + (k + 1) * per);
      const slot = grads.subarray((parity * W + k) * P, (parity * W + k + 1) * P);
      let l: StepLosses;
      try {
        const step = stepNoise(config, buildBatch(source, mine, config, rng), rng);
        l = await engine.gradients(step.batch, step.eps, step.perm, slot);
        if (device && init.loseGpuAfterStep === position.step + 1) device.destroy();
        if (device) await Promise.race([device.lost, new Promise((r) => setImmediate(r))]);
        if (deviceLost) throw new Error(deviceLost);
      } catch (error) {
        // The device's lost promise can settle just after the failed read: give it a moment.
        if (device && !deviceLost) await Promise.race([device.lost, new Promise((r) => setTimeout(r, 500))]);
        const lost = deviceLost ?? (error instanceof GpuDeviceLostError ? error.message : null);
        if (!lost) throw error;
        saveCheckpoint(init.modelDir, { config, values: hostValues(specs, weights, initial), adam: copyAdam(adam), position });
        post({ type: 'deviceLost', message: lost, position });
        // A lost local device's buffers are gone with it, and destroying them can abort the whole
        // process (Dawn's releaseBuffer, napi_throw: seen once, in the unit tests under load); the
        // GPU window's engine is released as usual.
        if (!device) await engine.dispose();
        return;
      }
      losses.set([l.loss, l.globalMi, l.localMi, l.prior], (parity * W + k) * 4);
      if (k === 0) {
        const seenAfter = position.photosSeen + batch;
        const done =
          (epochs !== undefined && seenAfter >= epochs * n) ||
          (init.budget.deadline !== undefined && Date.now() >= init.budget.deadline) ||
          (init.budget.maxSteps !== undefined && position.step + 1 - startStep >= init.budget.maxSteps);
        Atomics.store(ctl, DECISION + parity, Atomics.load(ctl, STOP) ? INTERRUPT : done ? FINISH : CONTINUE);
        // Worker 0 sets the rate for everyone: the workers' clocks must not make their weights differ.
        const fraction = budgetFraction(init.budget, position.photosSeen, n, position.step - startStep, runStart, Date.now());
        losses[rateSlot + parity] = learningRateAt(config, fraction);
      }
      barrier(ctl, W);
      const decision = Atomics.load(ctl, DECISION + parity);
      average.fill(0);
      const mean: StepLosses = { loss: 0, globalMi: 0, localMi: 0, prior: 0 };
      for (let w = 0; w < W; w++) {
        const g = grads.subarray((parity * W + w) * P, (parity * W + w + 1) * P);
        for (let i = 0; i < P; i++) average[i] += g[i];
        const o = (parity * W + w) * 4;
        mean.loss += losses[o] / W;
        mean.globalMi += losses[o + 1] / W;
        mean.localMi += losses[o + 2] / W;
        mean.prior += losses[o + 3] / W;
      }
      if (!Number.isFinite(mean.loss)) {
        // Every worker sees the same averaged losses, so all stop here together.
        throw new Error(
          `training diverged at step ${position.step + 1}: loss ${mean.loss} (global ${mean.globalMi}, local ${mean.localMi}, prior ${mean.prior})`,
        );
      }
      if (W > 1) for (let i = 0; i < P; i++) average[i] /= W;
      adamUpdate(weights, average, adam, losses[rateSlot + parity], config.weightDecay);
      engine.setTrainable(weights);
      position = {
        step: position.step + 1,
        epoch: position.epoch,
        cursor: position.cursor + batch,
        photosSeen: position.photosSeen + batch,
        elapsedMs: Date.now() - startedAt,
      };
      if (k === 0) {
        post({ type: 'step', position, losses: mean, batch, stepMs: performance.now() - t0 });
        if (decision === INTERRUPT || (decision === CONTINUE && Date.now() - lastCheckpoint >= init.checkpointEveryMs)) {
          saveCheckpoint(init.modelDir, { config, values: hostValues(specs, weights, initial), adam, position });
          lastCheckpoint = Date.now();
          post({ type: 'checkpoint', position });
        }
      }
      if (decision !== CONTINUE) {
        let weightsDir: string | null = null;
        if (k === 0 && decision === FINISH) {
          weightsDir = join(init.modelDir, 'weights');
          await finalise(engine, source, config, seed, init.recalibrationBatches, weightsDir);
        }
        if (k === 0) post({ type: 'done', position, weightsDir, interrupted: decision === INTERRUPT });
        await engine.dispose();
        return;
      }
    }
  } finally {
    source.close();
  }
}

/** Batch-norm statistics from un-augmented images (what embedding sees), then the weights on disk. */
async function finalise(engine: GradientEngine, source: ImageSource, config: ModelConfig, seed: number, batches: number, dir: string): Promise<void> {
  const s = config.inputSize;
  const per = s * s * 3;
  const order = epochOrder(source.count, seed + 1, 0);
  const size = Math.min(config.batchSize, source.count);
  function* plainBatches() {
    for (let b = 0; b < batches && (b + 1) * size <= source.count; b++) {
      const images = source.read(order.slice(b * size, (b + 1) * size));
      const x = new Float32Array(images.length * per);
      images.forEach((img, i) => plainInto(img, s, x, i * per));
      yield { x, count: images.length, size: s };
    }
  }
  await engine.recalibrate(plainBatches());
  saveWeights(dir, config, await engine.values(config));
}

/** All parameter values from the host copy of the trainable weights plus the untrained ones. */
function hostValues(specs: ParamSpec[], weights: Float32Array, frozen: Map<string, Float32Array>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  let o = 0;
  for (const s of specs) {
    if (!s.trainable) {
      out.set(s.name, frozen.get(s.name)!);
      continue;
    }
    const n = s.shape.reduce((a, b) => a * b, 1);
    out.set(s.name, weights.slice(o, o + n));
    o += n;
  }
  return out;
}

function copyAdam(a: AdamState): AdamState {
  return { step: a.step, m: a.m.slice(), v: a.v.slice() };
}

/** The trainable parameters concatenated in spec order, from a values map. */
function flatTrainable(specs: ParamSpec[], values: Map<string, Float32Array>): Float32Array {
  const trainable = specs.filter((s) => s.trainable);
  const out = new Float32Array(trainable.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0));
  let o = 0;
  for (const s of trainable) {
    out.set(values.get(s.name)!, o);
    o += values.get(s.name)!.length;
  }
  return out;
}
