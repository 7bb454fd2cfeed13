// The encoder: conv blocks (conv3×3 + batch norm + LeakyReLU 0.2 + maxpool 2) to the local feature
// map C(x), more conv layers, global max pooling, then dense layers to μ(x) and log σ²(x).
// In training mode batch norm uses the batch's statistics (and can hand them out for
// recalibration); in inference mode it uses the stored ones.
import * as tf from '@tensorflow/tfjs';
import type { Params } from './params';

export type BnStats = Map<string, { mean: tf.Tensor1D; variance: tf.Tensor1D }>;

export interface Encoded {
  local: tf.Tensor4D;
  mu: tf.Tensor2D;
  logvar: tf.Tensor2D;
}

const BN_EPSILON = 1e-3;

function convBnAct(p: Params, name: string, x: tf.Tensor4D, training: boolean, stats?: BnStats): tf.Tensor4D {
  const y = tf.conv2d(x, p.get(`${name}/w`) as tf.Tensor4D, 1, 'same');
  let mean: tf.Tensor;
  let variance: tf.Tensor;
  if (training) {
    const m = tf.moments(y, [0, 1, 2]);
    mean = m.mean;
    variance = m.variance;
    if (stats) stats.set(name, { mean: tf.keep(mean) as tf.Tensor1D, variance: tf.keep(variance) as tf.Tensor1D });
  } else {
    mean = p.get(`${name}/mean`);
    variance = p.get(`${name}/var`);
  }
  const scale = tf.rsqrt(tf.add(variance, BN_EPSILON)).mul(p.get(`${name}/gamma`));
  const normed = y.sub(mean).mul(scale).add(p.get(`${name}/beta`)) as tf.Tensor4D;
  return tf.leakyRelu(normed, 0.2);
}

/**
 * 2×2 max pooling, stride 2 ('same' padding), as reshapes and max reductions: tfjs-wasm 4.22's
 * MaxPoolGrad kernel drops some gradients (e.g. shape [1, 4, 4, 4]; see
 * test/unit/model-wasm-kernels.test.ts), while max's gradient is made of kernels that are right.
 */
export function maxPool2(x: tf.Tensor4D): tf.Tensor4D {
  let [b, h, w, c] = x.shape;
  if (h % 2 || w % 2) {
    x = tf.pad(x, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]], -3e38);
    h += h % 2;
    w += w % 2;
  }
  const rows = tf.max(tf.reshape(x, [b * (h / 2), 2, w * c]), 1);
  const cols = tf.max(tf.reshape(rows, [b * (h / 2) * (w / 2), 2, c]), 1);
  return tf.reshape(cols, [b, h / 2, w / 2, c]);
}

/** x: [B, S, S, 3] scaled to [-1, 1]. */
export function encode(p: Params, x: tf.Tensor4D, training: boolean, stats?: BnStats): Encoded {
  let h = x;
  p.config.blockFilters.forEach((_, i) => {
    h = maxPool2(convBnAct(p, `enc/block${i}`, h, training, stats));
  });
  const local = h;
  p.config.headFilters.forEach((_, i) => {
    h = convBnAct(p, `enc/head${i}`, h, training, stats);
  });
  const pooled = tf.max(h, [1, 2]) as tf.Tensor2D;
  const mu = tf.add(tf.matMul(pooled, p.get('enc/mu/w') as tf.Tensor2D), p.get('enc/mu/b')) as tf.Tensor2D;
  const logvar = tf.add(tf.matMul(pooled, p.get('enc/logvar/w') as tf.Tensor2D), p.get('enc/logvar/b')) as tf.Tensor2D;
  return { local, mu, logvar };
}

/** μ(x), L2-normalised: the stored embedding. */
export function embedBatch(p: Params, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const { mu } = encode(p, x, false);
    return tf.div(mu, tf.maximum(tf.norm(mu, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D;
  });
}
