// trainModel: creates (or resumes) a model version and trains it in worker threads, off the main
// thread, with W data-parallel workers (both cores of a 2-core machine by default). Progress, the
// loss and each of its terms stream back; the loss history goes to SQLite; a checkpoint is written
// regularly, and a run that was interrupted resumes from it on the next call.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MessageChannel, type Worker } from 'node:worker_threads';
import type { LossPoint, ModelVersion } from '../../shared/api';
import type { Core } from '../core';
import { CancelledError, ProgressTracker, type ProgressSink } from '../util/progress';
import {
  activateModel,
  abandonInterrupted,
  activeModel,
  appendLoss,
  createModel,
  finishModel,
  getModel,
  getModelRecord,
  interruptedModel,
  recordProgress,
} from '../store/models';
import { photoIdsWithInputs } from '../store/modelInputs';
import { getSetting } from '../store/settings';
import { BACKEND_SETTING, backendChoice, planBackend, type BackendChoice, type BackendName, type BackendPlan } from './backend';
import { loadCheckpoint, removeCheckpoint, type TrainPosition } from './checkpoint';
import { cutMixApplies, effectiveBatch, filtersFor, presetConfig, validateConfig, type ModelConfig, type PresetName } from './config';
import { paramSpecs } from './params';
import { serveEngine } from './engineRelay';
import type { GpuWindowEngine } from './gpuEngine';
import { gpuWindowOpener, type GpuWindow } from './gpuWindowOpener';
import type { SourceSpec } from './source';
import {
  budgetImages,
  CONTROL_INTS,
  requestStop,
  sharedBuffers,
  type Budget,
  type StartFrom,
  type WorkerInit,
  type WorkerMessage,
} from './trainLoop';
import type { StepLosses } from './trainer';
import { defaultWorkers, startModelWorker } from './workerStart';

export interface TrainOptions {
  minutes?: number;
  epochs?: number;
  /** Stop after this many steps (tests, benchmarks). */
  maxSteps?: number;
  inputSize?: number;
  /** Encoder width: the last conv block has 4×width filters, each earlier block half, the head scaled alike. */
  width?: number;
  alpha?: number;
  beta?: number;
  gamma?: number;
  preset?: PresetName;
  /** Any other setting of the model (estimator, views, critics, widths…). */
  overrides?: Partial<ModelConfig>;
  fromScratch?: boolean;
  workers?: number;
  seed?: number;
  /** A backend by name, or 'auto'; default: LIKENESS_BACKEND, else the saved setting, else 'auto'. */
  backend?: BackendChoice;
  checkpointEveryMs?: number;
  /** Make the new version the active one when it finishes (default true). */
  activate?: boolean;
  /** Train on something other than the library (the Fashion-MNIST evaluation). */
  source?: SourceSpec;
  recalibrationBatches?: number;
  /** Tests only (no flag or environment variable reaches it): really lose the WebGPU device after this step. */
  loseGpuAfterStep?: number;
}

export interface TrainHooks {
  onProgress?: ProgressSink;
  onLoss?: (point: LossPoint, modelId: number) => void;
  /** Every message from worker 0 (ready, step, checkpoint, done), for benchmarks and the CLI. */
  onEvent?: (message: WorkerMessage, modelId: number) => void;
  signal?: AbortSignal;
  /** Which backend the run will use and why, before any worker starts. */
  onBackendPlan?: (plan: BackendPlan, modelId: number) => void;
}

interface StoredConfig {
  model: ModelConfig;
  plan: { minutes?: number; epochs?: number; maxSteps?: number; seed: number; workers: number; preset: string };
}

export { defaultWorkers };

export function buildConfig(options: TrainOptions): ModelConfig {
  const base = presetConfig(options.preset ?? 'fast', options.inputSize);
  if (options.width) {
    // Scale the head with the blocks: the preset's head is sized for its own width.
    const presetWidth = options.preset === 'reference' ? 64 : options.preset === 'tiny' ? 4 : 32;
    base.blockFilters = filtersFor(base.inputSize, options.width);
    base.headFilters = base.headFilters.map((f) => Math.max(8, Math.round((f * options.width!) / presetWidth)));
  }
  const config: ModelConfig = {
    ...base,
    ...options.overrides,
    ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
    ...(options.beta !== undefined ? { beta: options.beta } : {}),
    ...(options.gamma !== undefined ? { gamma: options.gamma } : {}),
  };
  // The preset's CutMix gives way to options it does not apply with (one view, JS, debiased InfoNCE).
  if (options.overrides?.cutMix === undefined && !cutMixApplies(config)) delete config.cutMix;
  validateConfig(config);
  return config;
}

function sameArchitecture(a: ModelConfig, b: ModelConfig): boolean {
  return JSON.stringify(paramSpecs(a)) === JSON.stringify(paramSpecs(b));
}

export async function trainModel(core: Core, options: TrainOptions = {}, hooks: TrainHooks = {}): Promise<ModelVersion> {
  const { db, dataDir } = core;
  if (hooks.signal?.aborted) throw new CancelledError();

  // Resume an interrupted run, or start a new version (from the active one's weights when compatible).
  let modelId: number;
  let config: ModelConfig;
  let plan: StoredConfig['plan'];
  let start: StartFrom;
  const interrupted = options.fromScratch ? null : interruptedModel(db);
  const resumable = interrupted && !options.source && existsSync(join(dataDir.modelDir(interrupted.id), 'checkpoint', 'state.json'));
  if (interrupted && resumable) {
    const stored = getModelRecord(db, interrupted.id)!.config as StoredConfig;
    modelId = interrupted.id;
    config = stored.model;
    // A new budget given on resume replaces the stored one.
    const given = options.minutes || options.epochs || options.maxSteps;
    plan = { ...stored.plan, ...(given ? { minutes: options.minutes, epochs: options.epochs, maxSteps: options.maxSteps } : {}) };
    start = { kind: 'checkpoint' };
  } else {
    // An interrupted run that cannot resume (no checkpoint yet, or a run from scratch was asked for)
    // would otherwise stay 'training' for ever.
    if (!options.source && interruptedModel(db)) {
      abandonInterrupted(db, options.fromScratch ? 'replaced by a run from scratch' : 'interrupted before its first checkpoint; started again');
    }
    config = buildConfig(options);
    const seed = options.seed ?? Date.now() % 2 ** 31;
    plan = {
      minutes: options.minutes,
      epochs: options.epochs ?? (options.minutes || options.maxSteps ? undefined : 1),
      maxSteps: options.maxSteps,
      seed,
      workers: options.workers ?? defaultWorkers(),
      preset: options.preset ?? 'fast',
    };
    const parent = options.fromScratch || options.source ? null : activeModel(db);
    const parentRecord = parent ? getModelRecord(db, parent.id) : null;
    const parentConfig = (parentRecord?.config as StoredConfig | undefined)?.model;
    const fineTune = parentRecord?.weightsPath && parentConfig && sameArchitecture(parentConfig, config);
    start = fineTune ? { kind: 'weights', dir: join(dataDir.root, parentRecord!.weightsPath!) } : { kind: 'scratch' };
    modelId = createModel(db, {
      config: { model: config, plan } satisfies StoredConfig,
      inputSize: config.inputSize,
      embeddingDim: config.zDim,
      backend: 'pending',
      device: 'pending',
      parentId: fineTune ? parent!.id : null,
      weightsPath: null,
    });
  }
  const modelDir = dataDir.modelDir(modelId);
  if (!options.source) {
    // An input size the library has not prepared (e.g. --input-size 96): make those inputs first, once.
    const { ensureModelInputs } = await import('../library/modelInput');
    await ensureModelInputs(core, config.inputSize, {
      signal: hooks.signal,
      onProgress: (p) => hooks.onProgress?.({ ...p, message: `preparing ${config.inputSize}×${config.inputSize} model inputs` }),
    });
  }
  const source: SourceSpec = options.source ?? {
    kind: 'library',
    database: dataDir.database,
    size: config.inputSize,
    photoIds: photoIdsWithInputs(db, config.inputSize),
  };
  const count = source.kind === 'library' ? source.photoIds.length : Number.NaN;
  if (source.kind === 'library' && count < 4) {
    finishModel(db, modelId, {
      status: 'failed',
      note: `only ${count} photos have ${config.inputSize}×${config.inputSize} model inputs; add photos first`,
    });
    throw new Error(`not enough photos to train on: ${count} with ${config.inputSize}×${config.inputSize} model inputs (need at least 4)`);
  }

  const checkpoint = start.kind === 'checkpoint' ? loadCheckpoint(modelDir) : null;
  const elapsedBefore = checkpoint?.position.elapsedMs ?? 0;
  const trainable = paramSpecs(config)
    .filter((s) => s.trainable)
    .reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  const choice = backendChoice(options.backend, getSetting(db, BACKEND_SETTING));
  const backendPlan = await planBackend(choice);
  hooks.onBackendPlan?.(backendPlan, modelId);

  const tracker = new ProgressTracker(hooks.onProgress ?? (() => {}), 1);
  const pendingLoss: LossPoint[] = [];
  const flushLoss = () => {
    if (pendingLoss.length) appendLoss(db, modelId, pendingLoss.splice(0));
  };
  let backendInfo = { backend: 'unknown', device: 'unknown' };
  let deviceNote = '';

  type RunResult =
    | { kind: 'done'; weightsDir: string | null; interrupted: boolean; steps: number; photosSeen: number; elapsedMs: number }
    | { kind: 'deviceLost'; message: string; position: TrainPosition };

  /** One set of worker threads on one backend, until they finish, are stopped, or lose their GPU. */
  const runWorkers = async (
    backend: BackendName,
    fallback: boolean,
    start: StartFrom,
    budget: Budget,
    remote?: GpuWindowEngine,
  ): Promise<RunResult> => {
    // A GPU is one device: data-parallel threads would only queue on it.
    let workers = backend === 'webgpu' || remote ? 1 : Math.max(1, plan.workers);
    if (source.kind === 'library') while (workers > 1 && effectiveBatch(config, count, workers) / workers < 2) workers--;
    const shared = sharedBuffers(workers, trainable);
    if (new Int32Array(shared.control).length !== CONTROL_INTS) throw new Error('control buffer layout');
    const threads: Worker[] = [];
    const channels: MessageChannel[] = [];
    const onAbort = () => requestStop(shared.control);
    hooks.signal?.addEventListener('abort', onAbort);
    // Cancelled while the run was being prepared (inputs, backend): the listener came too late to hear it.
    if (hooks.signal?.aborted) onAbort();
    try {
      return await new Promise<RunResult>((resolve, reject) => {
        let settled = false;
        const fail = (error: Error) => {
          if (settled) return;
          settled = true;
          reject(error);
        };
        for (let k = 0; k < workers; k++) {
          const onMessage = (m: WorkerMessage) => {
            if (m.type === 'error') return fail(new Error(`training worker ${k}: ${m.message}`));
            if (k !== 0) return;
            hooks.onEvent?.(m, modelId);
            handle(m, workers, budget, resolve);
          };
          const init: WorkerInit = {
            workerIndex: k,
            workerCount: workers,
            config,
            source,
            seed: plan.seed,
            modelDir,
            start,
            budget,
            checkpointEveryMs: options.checkpointEveryMs ?? 60_000,
            recalibrationBatches: options.recalibrationBatches ?? 16,
            backend,
            backendFallback: fallback,
            loseGpuAfterStep: options.loseGpuAfterStep,
            shared,
          };
          // The desktop app's GPU window: the loop runs in the worker like any other, its steps
          // there, relayed through this process (engineRelay.ts) which alone can reach the window.
          let relay: MessageChannel | null = null;
          if (remote) {
            relay = new MessageChannel();
            serveEngine(relay.port1, remote);
            channels.push(relay);
          }
          const worker = relay ? startModelWorker('worker', { ...init, gpuPort: relay.port2 }, [relay.port2]) : startModelWorker('worker', init);
          threads.push(worker);
          worker.on('error', fail);
          worker.on('exit', (code) => {
            if (code !== 0) fail(new Error(`training worker ${k} exited with code ${code}`));
          });
          worker.on('message', onMessage);
        }
      });
    } finally {
      hooks.signal?.removeEventListener('abort', onAbort);
      await Promise.all(threads.map((t) => t.terminate()));
      for (const channel of channels) channel.port1.close();
    }
  };

  /** What worker 0 reports: progress, the loss, checkpoints, the end. */
  const handle = (m: WorkerMessage, workers: number, budget: Budget, resolve: (r: RunResult) => void) => {
    if (m.type === 'ready') {
      backendInfo = { backend: m.backend, device: `${m.device}; ${workers} worker thread${workers > 1 ? 's' : ''}${deviceNote}` };
      recordProgress(db, modelId, { ...m.position, durationMs: m.position.elapsedMs, steps: m.position.step, ...backendInfo });
    } else if (m.type === 'step') {
      const point: LossPoint = { step: m.position.step, ...lossPoint(m.losses) };
      pendingLoss.push(point);
      hooks.onLoss?.(point, modelId);
      const p = m.position;
      if (pendingLoss.length >= 20) flushLoss();
      recordProgress(db, modelId, { photosSeen: p.photosSeen, steps: p.step, durationMs: p.elapsedMs });
      tracker.total = budgetImages(budget, {
        seen: p.photosSeen,
        seenAtStart: checkpoint?.position.photosSeen ?? 0,
        photos: count,
        batch: m.batch,
        elapsedMs: p.elapsedMs - elapsedBefore,
        now: Date.now(),
      });
      tracker.update(
        p.photosSeen,
        `epoch ${p.epoch + 1} step ${p.step}  ${((m.batch * 1000) / m.stepMs).toFixed(1)} img/s  loss ${point.loss.toFixed(4)} (global ${point.globalMi.toFixed(4)}, local ${point.localMi.toFixed(4)}, prior ${point.prior.toFixed(3)})`,
      );
    } else if (m.type === 'checkpoint') {
      flushLoss();
    } else if (m.type === 'deviceLost') {
      resolve({ kind: 'deviceLost', message: m.message, position: m.position });
    } else if (m.type === 'done') {
      resolve({
        kind: 'done',
        weightsDir: m.weightsDir,
        interrupted: m.interrupted,
        steps: m.position.step,
        photosSeen: m.position.photosSeen,
        elapsedMs: m.position.elapsedMs,
      });
    }
  };

  try {
    const budget: Budget = {
      epochs: plan.epochs,
      deadline: plan.minutes ? Date.now() + Math.max(0, plan.minutes * 60_000 - elapsedBefore) : undefined,
      maxSteps: plan.maxSteps,
    };
    const firstStep = checkpoint?.position.step ?? 0;
    let run: RunResult;
    const gpuWindow = await openGpuWindow(choice, (note) => hooks.onBackendPlan?.({ name: backendPlan.name, reason: note }, modelId));
    try {
      run = gpuWindow
        ? await runWorkers(backendPlan.name, true, start, budget, gpuWindow.engine)
        : await runWorkers(backendPlan.name, choice === 'auto', start, budget);
    } finally {
      gpuWindow?.close();
    }
    if (run.kind === 'deviceLost') {
      // The run goes on from the checkpoint the worker wrote at the last completed step, on the CPU.
      flushLoss();
      const lost = run;
      deviceNote = `; continued on the CPU after ${lost.message} at step ${lost.position.step}`;
      tracker.update(
        lost.position.photosSeen,
        `${lost.message} at step ${lost.position.step}: continuing from the checkpoint on the CPU (wasm)`,
        true,
      );
      const rest = budget.maxSteps !== undefined ? { ...budget, maxSteps: Math.max(1, budget.maxSteps - (lost.position.step - firstStep)) } : budget;
      run = await runWorkers('wasm', true, { kind: 'checkpoint' }, rest);
      if (run.kind === 'deviceLost') throw new Error(run.message);
    }
    const result = run;
    flushLoss();
    recordProgress(db, modelId, { photosSeen: result.photosSeen, steps: result.steps, durationMs: result.elapsedMs });
    if (result.interrupted) throw new CancelledError();
    finishModel(db, modelId, { status: 'ready', weightsPath: relative(dataDir.root, result.weightsDir!) });
    removeCheckpoint(modelDir);
    if (options.activate ?? !options.source) activateModel(db, modelId);
    return getModel(db, modelId)!;
  } catch (error) {
    flushLoss();
    // A cancelled run stays 'training' with its checkpoint, to be resumed; anything else failed.
    if (!(error instanceof CancelledError)) {
      finishModel(db, modelId, { status: 'failed', note: (error as Error).message });
    }
    throw error;
  }
}

/**
 * In the desktop app (which registers an opener), GPU training goes through a hidden window with
 * Chromium's WebGPU or WebGL 2: used when asked for (webgpu), or automatically on a hardware GPU.
 */
async function openGpuWindow(choice: BackendChoice, tell: (note: string) => void): Promise<GpuWindow | null> {
  const open = gpuWindowOpener();
  if (!open || (choice !== 'auto' && choice !== 'webgpu')) return null;
  let window: GpuWindow | null = null;
  try {
    window = await open();
    const adapter = await window.engine.probe();
    if (adapter.software && choice === 'auto') {
      tell(`the GPU window has only a software renderer (${adapter.description || adapter.vendor}): training on the CPU`);
      window.close();
      return null;
    }
    return window;
  } catch (error) {
    window?.close();
    if (choice === 'webgpu') throw error;
    tell(`no GPU window (${(error as Error).message}): training on the CPU`);
    return null;
  }
}

function lossPoint(l: StepLosses): Omit<LossPoint, 'step'> {
  return { loss: l.loss, globalMi: l.globalMi, localMi: l.localMi, prior: l.prior };
}
