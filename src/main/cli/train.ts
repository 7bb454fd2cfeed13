// `likeness train`: train a new encoder version on the library's photos (or resume an interrupted one).
import { BACKEND_CHOICES, type BackendChoice } from '../model/backend';
import type { Estimator, GlobalCritic, LocalCritic, ModelConfig, PresetName } from '../model/config';
import type { TrainOptions } from '../model/train';
import { parse, UsageError, type CommandRun } from './command';
import { runHeavy } from './heavy';

export const trainOptionSpec = {
  epochs: { type: 'string' },
  minutes: { type: 'string' },
  'max-steps': { type: 'string' },
  'input-size': { type: 'string' },
  alpha: { type: 'string' },
  beta: { type: 'string' },
  gamma: { type: 'string' },
  preset: { type: 'string' },
  estimator: { type: 'string' },
  views: { type: 'string' },
  'global-critic': { type: 'string' },
  'local-critic': { type: 'string' },
  'z-dim': { type: 'string' },
  width: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  temperature: { type: 'string' },
  'same-kind-prior': { type: 'string' },
  cutmix: { type: 'string' },
  'crop-min-scale': { type: 'string' },
  jitter: { type: 'string' },
  grey: { type: 'string' },
  rotate: { type: 'string' },
  hue: { type: 'string' },
  pooling: { type: 'string' },
  'local-map-size': { type: 'string' },
  'lr-schedule': { type: 'string' },
  'weight-decay': { type: 'string' },
  workers: { type: 'string' },
  seed: { type: 'string' },
  'from-scratch': { type: 'boolean' },
  'checkpoint-every': { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function num(name: string, v: string | undefined, check: (n: number) => boolean = (n) => n > 0): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name}: invalid value '${v}'`);
  return n;
}

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** The --backend flag of train, embed and retrain, checked against the backends there are. */
export function backendFlag(value: string | undefined): BackendChoice | undefined {
  return oneOf<BackendChoice>('backend', value, BACKEND_CHOICES);
}

/** Turns parsed flags into TrainOptions (shared with `eval fashion-mnist` and `bench train`). */
export function trainOptionsFrom(values: Record<string, string | boolean | undefined>): TrainOptions {
  const s = (k: string) => values[k] as string | undefined;
  const overrides: Partial<ModelConfig> = {};
  const estimator = oneOf<Estimator>('estimator', s('estimator'), ['js', 'nce']);
  if (estimator) overrides.estimator = estimator;
  const views = num('views', s('views'), (n) => n === 1 || n === 2);
  if (views) overrides.views = views as 1 | 2;
  const g = oneOf<GlobalCritic>('global-critic', s('global-critic'), ['zz', 'concat', 'dot']);
  if (g) overrides.globalCritic = g;
  const l = oneOf<LocalCritic>('local-critic', s('local-critic'), ['concat', 'dot']);
  if (l) overrides.localCritic = l;
  const zDim = num('z-dim', s('z-dim'), Number.isInteger);
  if (zDim) overrides.zDim = zDim;
  const batch = num('batch-size', s('batch-size'), (n) => Number.isInteger(n) && n >= 2);
  if (batch) overrides.batchSize = batch;
  const lr = num('lr', s('lr'));
  if (lr) overrides.learningRate = lr;
  const t = num('temperature', s('temperature'));
  if (t) overrides.temperature = t;
  const sameKind = num('same-kind-prior', s('same-kind-prior'), (n) => n >= 0 && n < 1);
  if (sameKind !== undefined) overrides.sameKindPrior = sameKind;
  const cutMix = num('cutmix', s('cutmix'), (n) => n >= 0 && n <= 1);
  if (cutMix !== undefined) overrides.cutMix = cutMix;
  const schedule = oneOf<'constant' | 'cosine'>('lr-schedule', s('lr-schedule'), ['constant', 'cosine']);
  if (schedule) overrides.lrSchedule = schedule;
  const decay = num('weight-decay', s('weight-decay'), (n) => n >= 0);
  if (decay !== undefined) overrides.weightDecay = decay;
  const pooling = oneOf<'max' | 'flatten'>('pooling', s('pooling'), ['max', 'flatten']);
  if (pooling) overrides.pooling = pooling;
  const localMap = num('local-map-size', s('local-map-size'), Number.isInteger);
  if (localMap) overrides.localMapSize = localMap;
  const crop = num('crop-min-scale', s('crop-min-scale'), (n) => n > 0 && n <= 1);
  if (crop) overrides.cropMinScale = crop;
  const jitter = num('jitter', s('jitter'), (n) => n >= 0 && n < 1);
  if (jitter !== undefined) overrides.jitter = jitter;
  const grey = num('grey', s('grey'), (n) => n >= 0 && n <= 1);
  if (grey !== undefined) overrides.greyscale = grey;
  const rotate = num('rotate', s('rotate'), (n) => n >= 0 && n <= 1);
  if (rotate !== undefined) overrides.rotate = rotate;
  const hue = num('hue', s('hue'), (n) => n >= 0 && n <= 0.5);
  if (hue !== undefined) overrides.hue = hue;
  const options: TrainOptions = {
    epochs: num('epochs', s('epochs')),
    minutes: num('minutes', s('minutes')),
    maxSteps: num('max-steps', s('max-steps'), Number.isInteger),
    inputSize: num('input-size', s('input-size'), (n) => Number.isInteger(n) && n >= 8 && n <= 512),
    alpha: num('alpha', s('alpha'), (n) => n >= 0),
    beta: num('beta', s('beta'), (n) => n >= 0),
    gamma: num('gamma', s('gamma'), (n) => n >= 0),
    preset: oneOf<PresetName>('preset', s('preset'), ['fast', 'reference', 'tiny']),
    workers: num('workers', s('workers'), (n) => Number.isInteger(n) && n >= 1 && n <= 64),
    seed: num('seed', s('seed'), Number.isInteger),
    fromScratch: values['from-scratch'] === true,
    overrides,
  };
  const checkpointSeconds = num('checkpoint-every', s('checkpoint-every'), (n) => n >= 0);
  if (checkpointSeconds !== undefined) options.checkpointEveryMs = checkpointSeconds * 1000;
  const backend = backendFlag(s('backend'));
  if (backend) options.backend = backend;
  const width = num('width', s('width'), Number.isInteger);
  if (width) options.width = width;
  if (options.epochs !== undefined && options.minutes !== undefined) throw new UsageError('give --epochs or --minutes, not both');
  return options;
}

export const trainCommand: CommandRun = {
  async run(args, ctx) {
    const { values } = parse(args, trainOptionSpec, false);
    const options = trainOptionsFrom(values);
    if (options.epochs === undefined && options.minutes === undefined && options.maxSteps === undefined) options.minutes = 30;
    // While the app or serve runs this library's jobs, the training is queued there (one heavy job at a time);
    // run here, it says which backend and version it uses.
    const spec = { kind: 'train', mode: 'recipe', message: 'Training a model version', recipe: options } as const;
    const { model } = await runHeavy(ctx, spec, 'train', {
      trainHooks: {
        onBackendPlan: (plan) => ctx.err(`backend: ${plan.name} (${plan.reason})`),
        onEvent: (m, id) => {
          if (m.type === 'ready') {
            ctx.err(
              `model version ${id}: ${m.backend} on ${m.device}; ${(m.params / 1e6).toFixed(2)} M trainable parameters${m.position.step ? `; resuming at step ${m.position.step}` : ''}`,
            );
          } else if (m.type === 'deviceLost') {
            ctx.err(`${m.message} at step ${m.position.step}: checkpoint written, continuing on the CPU (wasm)`);
          }
        },
      },
    });
    if (values.json) {
      ctx.out(JSON.stringify(model));
      return 0;
    }
    ctx.out(
      `model version ${model.id} ${model.status}: ${model.steps} steps, ${model.photosSeen} images, ${(model.durationMs / 60000).toFixed(1)} min, ${model.backend} on ${model.device}`,
    );
    ctx.out('next: likeness embed');
    return 0;
  },
};
