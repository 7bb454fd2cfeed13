// One training step on one thread: forward + backward on a batch, gradients out as one flat
// Float32Array (so data-parallel workers can average them), and an Adam update in plain JS on flat
// arrays (so every worker that applies the same averaged gradient ends with bit-identical weights,
// and the optimiser state is trivially checkpointed).
import * as tf from '@tensorflow/tfjs';
import { cutMixApplies, type ModelConfig } from './config';
import { augmentOptionsOf } from './augment';
import { cutMix, type CutMixBox } from './cutMix';
import { encode, type BnStats } from './encoder';
import { dimLoss } from './loss';
import { Params } from './params';
import { derangement, type Rng } from '../util/rng';

export interface StepLosses {
  loss: number;
  globalMi: number;
  localMi: number;
  prior: number;
}

export interface HostBatch {
  /** [B, S, S, 3] floats in [-1, 1]. */
  x1: Float32Array;
  x2?: Float32Array;
  size: number;
  count: number;
  /** The box pasted into the first views from other photos' (cutMix.ts), when the step mixes. */
  cutMix?: CutMixBox;
}

/**
 * The step's random inputs: prior noise for z and the derangement pairing negatives; and the batch
 * the step trains on: with the cutMix option (where it applies), a copy whose first views are mixed
 * (cutMix.ts) with probability cutMix, otherwise the batch given. Off, it draws nothing more, so
 * other recipes keep their batches.
 */
export function stepNoise(c: ModelConfig, batch: HostBatch, rng: Rng): { eps: Float32Array; perm: number[]; batch: HostBatch } {
  const views = c.views === 2 && batch.x2 ? 2 : 1;
  const eps = new Float32Array(batch.count * views * c.zDim);
  for (let i = 0; i < eps.length; i++) eps[i] = rng.normal();
  const perm = derangement(batch.count, rng);
  const mixes = c.cutMix && views === 2 && cutMixApplies(c) && rng.next() < c.cutMix;
  return { eps, perm, batch: mixes ? cutMix(batch, perm, rng) : batch };
}

/** Forward and backward on one batch; writes the gradient into `gradOut` (trainable spec order). */
export async function computeGradients(params: Params, batch: HostBatch, rng: Rng, gradOut: Float32Array): Promise<StepLosses> {
  const step = stepNoise(params.config, batch, rng);
  return gradientsFor(params, step.batch, step.eps, step.perm, gradOut);
}

/**
 * The same with the random inputs given (the desktop app's GPU window gets them from the main
 * process). Gradients and losses come back in one asynchronous read: WebGPU cannot read
 * synchronously in Node, and every read from a GPU is a round trip.
 */
export async function gradientsFor(params: Params, batch: HostBatch, eps: Float32Array, perm: number[], gradOut: Float32Array): Promise<StepLosses> {
  const c = params.config;
  const b = batch.count;
  const views = c.views === 2 && batch.x2 ? 2 : 1;
  const vars = params.trainableVariables();
  const flat = tf.tidy(() => {
    const x1 = tf.tensor4d(batch.x1, [b, batch.size, batch.size, 3]);
    const x2 = views === 2 ? tf.tensor4d(batch.x2!, [b, batch.size, batch.size, 3]) : undefined;
    const epsT = tf.tensor2d(eps, [b * views, c.zDim]);
    let terms: tf.Scalar[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const t = dimLoss(params, c, { x1, x2, eps: epsT, perm, cutMix: batch.cutMix });
      // Kept past variableGrads' own scope; disposed below.
      terms = [tf.keep(t.global), tf.keep(t.local), tf.keep(t.prior)];
      return t.total;
    }, vars);
    const parts = vars.map((v) => (grads[v.name] ? tf.reshape(grads[v.name], [-1]) : tf.zeros([v.size])));
    const out = tf.concat([...parts, tf.stack([value, ...terms])]);
    tf.dispose(terms);
    return out;
  });
  const data = (await flat.data()) as Float32Array;
  flat.dispose();
  const n = gradOut.length;
  gradOut.set(data.subarray(0, n));
  return { loss: data[n], globalMi: data[n + 1], localMi: data[n + 2], prior: data[n + 3] };
}

export interface AdamState {
  step: number;
  m: Float32Array;
  v: Float32Array;
}

export function newAdamState(n: number): AdamState {
  return { step: 0, m: new Float32Array(n), v: new Float32Array(n) };
}

/**
 * In-place Adam (β1 0.9, β2 0.999, ε 1e-7 as in Keras) on flat weights; with a weight decay λ, AdamW's
 * decoupled form: each weight is also shrunk by lr × λ × itself.
 */
export function adamUpdate(weights: Float32Array, grad: Float32Array, state: AdamState, lr: number, weightDecay = 0): void {
  const b1 = 0.9;
  const b2 = 0.999;
  state.step += 1;
  const c1 = 1 - b1 ** state.step;
  const c2 = 1 - b2 ** state.step;
  const stepSize = (lr * Math.sqrt(c2)) / c1;
  const { m, v } = state;
  const keep = 1 - lr * weightDecay;
  for (let i = 0; i < weights.length; i++) {
    const g = grad[i];
    const mi = (m[i] = b1 * m[i] + (1 - b1) * g);
    const vi = (v[i] = b2 * v[i] + (1 - b2) * g * g);
    weights[i] = keep * weights[i] - (stepSize * mi) / (Math.sqrt(vi) + 1e-7);
  }
}

/**
 * Replace the batch-norm statistics by their average over training-mode passes on un-augmented
 * inputs (what embedding will see), so inference matches training without running averages.
 */
export async function recalibrateBatchNorm(params: Params, batches: Iterable<{ x: Float32Array; count: number; size: number }>): Promise<number> {
  const sums = new Map<string, { mean: Float64Array; sq: Float64Array }>();
  let n = 0;
  for (const batch of batches) {
    const stats: BnStats = new Map();
    tf.tidy(() => {
      encode(params, tf.tensor4d(batch.x, [batch.count, batch.size, batch.size, 3]), true, stats);
    });
    // Every layer's statistics in one asynchronous read.
    const names = [...stats.keys()];
    const all = tf.tidy(() => tf.concat(names.flatMap((name) => [stats.get(name)!.mean, stats.get(name)!.variance])));
    const data = (await all.data()) as Float32Array;
    all.dispose();
    let at = 0;
    for (const [name, s] of stats) {
      const mean = data.subarray(at, at + s.mean.size);
      const variance = data.subarray(at + s.mean.size, at + 2 * s.mean.size);
      at += 2 * s.mean.size;
      let acc = sums.get(name);
      if (!acc) sums.set(name, (acc = { mean: new Float64Array(mean.length), sq: new Float64Array(mean.length) }));
      for (let i = 0; i < mean.length; i++) {
        acc.mean[i] += mean[i];
        // E[y²] per batch, so the pooled variance includes the spread of batch means.
        acc.sq[i] += variance[i] + mean[i] * mean[i];
      }
      tf.dispose([s.mean, s.variance]);
    }
    n += 1;
  }
  if (n === 0) return 0;
  for (const [name, acc] of sums) {
    const mean = new Float32Array(acc.mean.length);
    const variance = new Float32Array(acc.mean.length);
    for (let i = 0; i < mean.length; i++) {
      mean[i] = acc.mean[i] / n;
      variance[i] = Math.max(0, acc.sq[i] / n - mean[i] * mean[i]);
    }
    params.setValue(`${name}/mean`, mean);
    params.setValue(`${name}/var`, variance);
  }
  return n;
}

export function describeConfig(c: ModelConfig, params?: Params): string {
  const count = params ? `, ${(params.trainableCount / 1e6).toFixed(2)} M params` : '';
  const augment = augmentOptionsOf(c);
  return `${c.inputSize}×${c.inputSize}, blocks ${c.blockFilters.join('/')}, head ${c.headFilters.join('/')}${c.pooling === 'flatten' ? ' flattened' : ''}, z ${c.zDim}, ${c.views} view(s), global ${c.globalCritic}, local ${c.localCritic}${c.localMapSize ? ` on the ${c.localMapSize}×${c.localMapSize} map` : ''}, ${c.estimator.toUpperCase()}${c.sameKindPrior ? ` debiased τ⁺ ${c.sameKindPrior}` : ''}${c.cutMix ? `, CutMix ${c.cutMix}` : ''}, α ${c.alpha} β ${c.beta} γ ${c.gamma}, crops ≥ ${augment.minScale}, jitter ${augment.jitter}${augment.greyscale ? `, grey ${augment.greyscale}` : ''}${augment.rotate ? `, turned ${augment.rotate}` : ''}${augment.hue ? `, hue ±${augment.hue}` : ''}, lr ${c.learningRate}${c.lrSchedule === 'cosine' ? ' cosine' : ''}${c.weightDecay ? `, weight decay ${c.weightDecay}` : ''}${count}`;
}
