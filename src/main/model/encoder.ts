// The encoder: conv blocks (conv3×3 + batch norm + LeakyReLU 0.2 + maxpool 2) to the feature map
// C(x), more conv layers, global max pooling, then dense layers to μ(x) and log σ²(x). The local
// term reads C(x) or an earlier block's larger map (config.localMapSize).
// In training mode batch norm uses the batch's statistics (and can hand them out for
// recalibration); in inference mode it uses the stored ones.
import * as tf from '@tensorflow/tfjs';
import { plainInto, type SourceImage } from './augment';
import { localBlock } from './config';
import type { Params } from './params';

export type BnStats = Map<string, { mean: tf.Tensor1D; variance: tf.Tensor1D }>;

export interface Encoded {
  /** The last block's map C(x), which the global critic reads. */
  map: tf.Tensor4D;
  /** The map the local term reads: C(x), or an earlier block's. */
  local: tf.Tensor4D;
  mu: tf.Tensor2D;
  logvar: tf.Tensor2D;
}

const BN_EPSILON = 1e-3;

/**
 * Per-channel mean over batch and positions of an NHWC tensor, as one average pool over the whole
 * map (XNNPACK, channels-last): wasm's Mean/Sum over leading axes transposes the tensor first, and
 * a ones·X product repacks X every call; both cost 20–100× more.
 */
function channelMeans(t: tf.Tensor): tf.Tensor1D {
  const [b, h, w, c] = t.shape as [number, number, number, number];
  return tf.reshape(tf.avgPool(tf.reshape(t, [1, b * h, w, c]) as tf.Tensor4D, [b * h, w], 1, 'valid'), [c]) as tf.Tensor1D;
}

/**
 * Batch norm in training mode (batch statistics) with its gradient written out, every reduction a
 * channelMeans:  x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β;
 * dβ = N·mean(dy), dγ = N·mean(dy·x̂), dx = γ/√(σ² + ε) · (dy − mean(dy) − x̂·mean(dy·x̂)).
 */
const batchNormTrain = tf.customGrad(((x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: tf.GradSaveFunc) => {
  const n = x.size / x.shape[3]!;
  const mean = channelMeans(x);
  const centred = tf.sub(x, mean);
  const inv = tf.rsqrt(tf.add(channelMeans(tf.square(centred)), BN_EPSILON));
  const xhat = tf.mul(centred, inv);
  save([xhat, inv, gamma]);
  return {
    value: tf.add(tf.mul(xhat, gamma), beta),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, iv, g] = saved;
      const meanDy = channelMeans(dy);
      const meanDyXh = channelMeans(tf.mul(dy, xh));
      const dx = tf.mul(tf.mul(g, iv), tf.sub(tf.sub(dy, meanDy), tf.mul(xh, meanDyXh)));
      return [dx, tf.mul(meanDyXh, n), tf.mul(meanDy, n)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;

/** The same batch norm written with plain ops, for checking batchNormTrain's gradient. */
export function batchNormReference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const m = tf.moments(x, [...Array(x.rank - 1).keys()]);
  return tf.add(tf.mul(tf.div(tf.sub(x, m.mean), tf.sqrt(tf.add(m.variance, BN_EPSILON))), gamma), beta);
}

export { batchNormTrain };

function convBnAct(p: Params, name: string, x: tf.Tensor4D, training: boolean, stats?: BnStats): tf.Tensor4D {
  const y = tf.conv2d(x, p.get(`${name}/w`) as tf.Tensor4D, 1, 'same');
  const gamma = p.get(`${name}/gamma`);
  const beta = p.get(`${name}/beta`);
  if (training && !stats) return tf.leakyRelu(batchNormTrain(y, gamma, beta) as tf.Tensor4D, 0.2);
  let mean: tf.Tensor;
  let variance: tf.Tensor;
  if (training) {
    const m = tf.moments(y, [0, 1, 2]);
    mean = m.mean;
    variance = m.variance;
    stats!.set(name, { mean: tf.keep(mean) as tf.Tensor1D, variance: tf.keep(variance) as tf.Tensor1D });
  } else {
    mean = p.get(`${name}/mean`);
    variance = p.get(`${name}/var`);
  }
  const scale = tf.rsqrt(tf.add(variance, BN_EPSILON)).mul(gamma);
  const normed = y.sub(mean).mul(scale).add(beta) as tf.Tensor4D;
  return tf.leakyRelu(normed, 0.2);
}

/** Nearest-neighbour 2× upsampling [B, h, w, C] → [B, 2h, 2w, C] (output (i, j) ← input (⌊i/2⌋, ⌊j/2⌋)). */
function upsample2(t: tf.Tensor4D): tf.Tensor4D {
  return tf.image.resizeNearestNeighbor(t, [2 * t.shape[1], 2 * t.shape[2]]);
}

/**
 * 2×2 max pooling, stride 2 ('same' padding), with its own gradient: tfjs-wasm 4.22's MaxPoolGrad
 * kernel drops some gradients (e.g. at shape [1, 4, 4, 4]; see test/unit/model-wasm-kernels.test.ts).
 * The gradient goes to the input(s) equal to the window's maximum.
 */
export const maxPool2 = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
  let x = input as tf.Tensor4D;
  const [, h, w] = x.shape;
  if (h % 2 || w % 2)
    x = tf.pad(
      x,
      [
        [0, 0],
        [0, h % 2],
        [0, w % 2],
        [0, 0],
      ],
      -3e38,
    );
  const y = tf.maxPool(x, 2, 2, 'valid');
  save([x, y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ys] = saved as tf.Tensor4D[];
      const mask = tf.cast(tf.equal(xs, upsample2(ys)), 'float32');
      const dx = tf.mul(mask, upsample2(dy as tf.Tensor4D)) as tf.Tensor4D;
      return dx.shape[1] === h && dx.shape[2] === w ? dx : tf.slice(dx, [0, 0, 0, 0], [-1, h, w, -1]);
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor4D) => tf.Tensor4D;

/** x: [B, S, S, 3] scaled to [-1, 1]. */
export function encode(p: Params, x: tf.Tensor4D, training: boolean, stats?: BnStats): Encoded {
  let h = x;
  let local = h;
  const fromBlock = localBlock(p.config);
  p.config.blockFilters.forEach((_, i) => {
    h = maxPool2(convBnAct(p, `enc/block${i}`, h, training, stats));
    if (i === fromBlock) local = h;
  });
  const map = h;
  p.config.headFilters.forEach((_, i) => {
    h = convBnAct(p, `enc/head${i}`, h, training, stats);
  });
  const pooled = (p.config.pooling === 'flatten' ? tf.reshape(h, [h.shape[0], -1]) : tf.max(h, [1, 2])) as tf.Tensor2D;
  const mu = tf.add(tf.matMul(pooled, p.get('enc/mu/w') as tf.Tensor2D), p.get('enc/mu/b')) as tf.Tensor2D;
  const logvar = tf.add(tf.matMul(pooled, p.get('enc/logvar/w') as tf.Tensor2D), p.get('enc/logvar/b')) as tf.Tensor2D;
  return { map, local, mu, logvar };
}

/** μ(x), L2-normalised: the stored embedding. */
export function embedBatch(p: Params, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const { mu } = encode(p, x, false);
    return tf.div(mu, tf.maximum(tf.norm(mu, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D;
  });
}

/** Embeddings of already-prepared images (each size×size×3 or size×size×1) with loaded parameters. */
export async function embedSources(params: Params, images: SourceImage[], batchSize = 128): Promise<Float32Array[]> {
  const s = params.config.inputSize;
  const per = s * s * 3;
  const out: Float32Array[] = [];
  for (let start = 0; start < images.length; start += batchSize) {
    const chunk = images.slice(start, start + batchSize);
    const x = new Float32Array(chunk.length * per);
    chunk.forEach((img, i) => plainInto(img, s, x, i * per));
    // Read asynchronously: WebGPU cannot read synchronously in Node.
    const embedded = tf.tidy(() => embedBatch(params, tf.tensor4d(x, [chunk.length, s, s, 3])));
    const flat = (await embedded.data()) as Float32Array;
    embedded.dispose();
    const dim = flat.length / chunk.length;
    for (let i = 0; i < chunk.length; i++) out.push(flat.slice(i * dim, (i + 1) * dim));
  }
  return out;
}
