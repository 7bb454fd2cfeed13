// The Deep InfoMax objective with a KL prior, and each of its terms on its own so they can be
// checked by hand:
//   L = α·global MI term + β·local MI term + γ·KL(N(μ, σ²) ‖ N(0, I))
// Each MI term is an estimator loss (JS: −E_pos log σ(T) − E_neg log(1 − σ(T)); or InfoNCE over the
// batch) on a critic T that scores (features of x, z) pairs. Negatives pair z with another item's
// features: a derangement applied as a permutation-matrix product (differentiable on wasm, where the
// gradient of gather is missing), or, for InfoNCE, every other item of the batch.
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config';
import { mixedLocalTargets, mixedTargets, type CutMixBox } from './cutMix';
import { encode, type BnStats } from './encoder';
import type { Params } from './params';

/** JS-estimator loss from critic logits: mean softplus(−pos) + mean softplus(neg). */
export function jsLoss(pos: tf.Tensor, neg: tf.Tensor): tf.Scalar {
  return tf.add(tf.mean(tf.softplus(tf.neg(pos))), tf.mean(tf.softplus(neg))) as tf.Scalar;
}

/** InfoNCE loss: rows of logits, positive column marked by a one-hot mask: mean(logsumexp − positive). */
export function infoNceLoss(logits: tf.Tensor2D, positiveMask: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, positiveMask), 1))) as tf.Scalar;
}

/**
 * Debiased InfoNCE (Chuang et al. 2020, "Debiased Contrastive Learning"): with a share τ⁺ of each
 * row's N negatives assumed to be of the positive's own kind, their part of the negatives' sum is
 * estimated from the positive and taken out: Ng = max((Σ neg − N·τ⁺·pos) / (1 − τ⁺), N·e^(−1/t)),
 * loss = mean(log(pos + Ng) − log pos), with pos = e^(positive logit). Logits are cosine / t, at
 * most 1/t, so the exponentials stay finite for the temperatures used (t ≥ 0.02).
 */
export function debiasedInfoNceLoss(logits: tf.Tensor2D, positiveMask: tf.Tensor2D, temperature: number, sameKindPrior: number): tf.Scalar {
  const e = tf.exp(logits);
  const pos = tf.sum(tf.mul(e, positiveMask), 1);
  const n = logits.shape[1] - 1;
  const negatives = tf.sub(tf.sum(e, 1), pos);
  const ng = tf.maximum(tf.div(tf.sub(negatives, tf.mul(n * sameKindPrior, pos)), 1 - sameKindPrior), n * Math.exp(-1 / temperature));
  return tf.mean(tf.sub(tf.log(tf.add(pos, ng)), tf.log(pos))) as tf.Scalar;
}

function nceLoss(c: ModelConfig, logits: tf.Tensor2D, positiveMask: tf.Tensor2D): tf.Scalar {
  return c.sameKindPrior ? debiasedInfoNceLoss(logits, positiveMask, c.temperature, c.sameKindPrior) : infoNceLoss(logits, positiveMask);
}

/** Mean over the batch of KL(N(μ, σ²) ‖ N(0, I)), summed over dimensions. */
export function klLoss(mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), tf.add(1, logvar)), 1))) as tf.Scalar;
}

/** P with P[i, perm[i]] = 1, so P·X puts row perm[i] of X at row i. */
export function permutationMatrix(perm: number[]): tf.Tensor2D {
  const n = perm.length;
  const m = new Float32Array(n * n);
  perm.forEach((j, i) => (m[i * n + j] = 1));
  return tf.tensor2d(m, [n, n]);
}

/** Rows of image i (hw consecutive rows each) marked at column target(i). */
function rowMask(batch: number, rowsPerItem: number, target: (i: number) => number): tf.Tensor2D {
  const m = new Float32Array(batch * rowsPerItem * batch);
  for (let i = 0; i < batch; i++) for (let r = 0; r < rowsPerItem; r++) m[(i * rowsPerItem + r) * batch + target(i)] = 1;
  return tf.tensor2d(m, [batch * rowsPerItem, batch]);
}

function mlpLayer(p: Params, name: string, x: tf.Tensor2D, relu: boolean): tf.Tensor2D {
  const y = tf.add(tf.matMul(x, p.get(`${name}/w`) as tf.Tensor2D), p.get(`${name}/b`)) as tf.Tensor2D;
  return relu ? tf.relu(y) : y;
}

/**
 * Rows scaled to unit length. Not x / max(‖x‖, ε): the gradient of ‖x‖ at a zero row is 0/0, and
 * 0·NaN is NaN, so one all-zero projection (ReLU, small widths) would poison every weight.
 */
export function unit(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), 1, true), 1e-12))) as tf.Tensor2D;
}

/** Two-layer projection, L2-normalised, for the separable (dot) critics. */
function project(p: Params, prefix: string, x: tf.Tensor2D): tf.Tensor2D {
  return unit(mlpLayer(p, `${prefix}2`, mlpLayer(p, `${prefix}1`, x, true), false));
}

function concatCritic(p: Params, prefix: string, a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  const h = mlpLayer(p, `${prefix}/t2`, mlpLayer(p, `${prefix}/t1`, tf.concat([a, b], 1), true), true);
  return tf.reshape(mlpLayer(p, `${prefix}/t3`, h, false), [-1]) as tf.Tensor1D;
}

export interface PairSource {
  /** Feature map C(x) of the "x" side, for the global critic: [B, h, w, c]. */
  map: tf.Tensor4D;
  /** The map the local term reads (C(x) or an earlier block's): [B, h', w', c']. */
  local: tf.Tensor4D;
  /** Code of the "z" side: [B, zDim]. */
  z: tf.Tensor2D;
  /** InfoNCE targets [B, B] when a side is mixed (cutMix.ts); otherwise each row's own column. */
  target?: tf.Tensor2D;
  /** The local term's targets for a map of h × w positions, when they differ from `target`'s. */
  localTarget?: (h: number, w: number) => tf.Tensor2D;
}

export interface Negatives {
  perm: number[];
  /** P·X shuffles rows: (x at perm[i], z_i) is the negative for z_i. */
  P: tf.Tensor2D;
}

/** Global MI loss for one (x side, z side) pairing. */
export function globalTerm(p: Params, c: ModelConfig, s: PairSource, neg: Negatives): tf.Scalar {
  const b = s.z.shape[0];
  if (c.globalCritic === 'zz') {
    return jsLoss(concatCritic(p, 'global', s.z, s.z), concatCritic(p, 'global', s.z, tf.matMul(neg.P, s.z)));
  }
  const flat = tf.reshape(s.map, [b, -1]) as tf.Tensor2D;
  if (c.globalCritic === 'concat') {
    const shuffled = tf.matMul(neg.P, flat) as tf.Tensor2D;
    const pos = concatCritic(p, 'global', flat, s.z);
    const negs = concatCritic(p, 'global', shuffled, s.z);
    return c.estimator === 'js' ? jsLoss(pos, negs) : unsupported();
  }
  const phi = project(p, 'global/phi', flat);
  const psi = project(p, 'global/psi', s.z);
  // scores[a, j] = T(x_a, z_j)
  const scores = tf.div(tf.matMul(phi, psi, false, true), c.temperature) as tf.Tensor2D;
  if (c.estimator === 'nce') return nceLoss(c, scores, s.target ?? (tf.eye(b) as tf.Tensor2D));
  // JS: positive (x_i, z_i), negative (x_perm[i], z_i) = scores[perm[i], i].
  const pos = tf.sum(tf.mul(scores, tf.eye(b)), 1);
  const negs = tf.sum(tf.mul(tf.transpose(scores), neg.P), 1);
  return jsLoss(pos, negs);
}

/** Local MI loss: every position C_ij(x) against z, averaged over positions. */
export function localTerm(p: Params, c: ModelConfig, s: PairSource, neg: Negatives): tf.Scalar {
  const [b, h, w, ch] = s.local.shape;
  const hw = h * w;
  if (c.localCritic === 'concat') {
    const zTiled = tf.reshape(tf.tile(tf.reshape(s.z, [b, 1, -1]), [1, hw, 1]), [b * hw, -1]) as tf.Tensor2D;
    const rows = tf.reshape(s.local, [b * hw, ch]) as tf.Tensor2D;
    const shuffled = tf.reshape(tf.matMul(neg.P, tf.reshape(s.local, [b, hw * ch])), [b * hw, ch]) as tf.Tensor2D;
    return jsLoss(concatCritic(p, 'local', rows, zTiled), concatCritic(p, 'local', shuffled, zTiled));
  }
  const phi = project(p, 'local/phi', tf.reshape(s.local, [b * hw, ch]) as tf.Tensor2D);
  const psi = project(p, 'local/psi', s.z);
  // scores[r, j] = T(C at row r, z_j); row r belongs to image floor(r / hw).
  const scores = tf.div(tf.matMul(phi, psi, false, true), c.temperature) as tf.Tensor2D;
  const posMask = s.localTarget
    ? s.localTarget(h, w)
    : s.target
      ? (tf.reshape(tf.tile(tf.expandDims(s.target, 1), [1, hw, 1]), [b * hw, b]) as tf.Tensor2D)
      : rowMask(b, hw, (i) => i);
  if (c.estimator === 'nce') return nceLoss(c, scores, posMask);
  // Rows of image k are the negative for z_i with perm[i] = k.
  const inverse = new Array<number>(b);
  neg.perm.forEach((k, i) => (inverse[k] = i));
  const negMask = rowMask(b, hw, (k) => inverse[k]);
  return jsLoss(tf.sum(tf.mul(scores, posMask), 1), tf.sum(tf.mul(scores, negMask), 1));
}

function unsupported(): never {
  throw new Error("the NCE estimator needs the 'dot' critic");
}

export interface LossTerms {
  total: tf.Scalar;
  global: tf.Scalar;
  local: tf.Scalar;
  prior: tf.Scalar;
}

export interface BatchInputs {
  /** First (or only) view, [B, S, S, 3] in [-1, 1]. */
  x1: tf.Tensor4D;
  /** Second augmented view of the same images, when config.views === 2. */
  x2?: tf.Tensor4D;
  /** Standard normal noise for the reparameterisation, [B·views, zDim]. */
  eps: tf.Tensor2D;
  perm: number[];
  /** The box pasted into x1 from x1[perm] (cutMix.ts), when this step mixes. */
  cutMix?: CutMixBox;
}

/** The whole objective on one batch. Call inside a gradient scope; returns the weighted total and its terms. */
export function dimLoss(p: Params, c: ModelConfig, batch: BatchInputs, stats?: BnStats): LossTerms {
  const two = c.views === 2 && batch.x2 !== undefined;
  const x = two ? (tf.concat([batch.x1, batch.x2!], 0) as tf.Tensor4D) : batch.x1;
  const enc = encode(p, x, true, stats);
  const z = tf.add(enc.mu, tf.mul(tf.exp(tf.mul(0.5, enc.logvar)), batch.eps)) as tf.Tensor2D;
  const neg: Negatives = { perm: batch.perm, P: permutationMatrix(batch.perm) };
  const zero = tf.scalar(0);
  const pairs: PairSource[] = [];
  if (two) {
    const b = batch.x1.shape[0];
    const halves = (t: tf.Tensor4D) => tf.split(t, [b, b], 0) as tf.Tensor4D[];
    const [m1, m2] = halves(enc.map);
    const [l1, l2] = enc.local === enc.map ? [m1, m2] : halves(enc.local);
    const [z1, z2] = tf.split(z, [b, b], 0) as tf.Tensor2D[];
    // Mutual information across views, both ways: C(view 1) with z(view 2) and C(view 2) with z(view 1).
    // With CutMix, view 1 holds a box of another photo: the targets follow it (cutMix.ts).
    const box = batch.cutMix;
    pairs.push(
      {
        map: m1,
        local: l1,
        z: z2,
        ...(box && { target: mixedTargets(box, batch.perm, false), localTarget: (h: number, w: number) => mixedLocalTargets(box, batch.perm, h, w) }),
      },
      { map: m2, local: l2, z: z1, ...(box && { target: mixedTargets(box, batch.perm, true) }) },
    );
  } else {
    pairs.push({ map: enc.map, local: enc.local, z });
  }
  const mean = (f: (s: PairSource) => tf.Scalar) => tf.div(tf.addN(pairs.map(f)), pairs.length) as tf.Scalar;
  const global = c.alpha > 0 ? mean((s) => globalTerm(p, c, s, neg)) : zero;
  const local = c.beta > 0 ? mean((s) => localTerm(p, c, s, neg)) : zero;
  const prior = c.gamma > 0 ? klLoss(enc.mu, enc.logvar) : zero;
  const total = tf.addN([tf.mul(c.alpha, global), tf.mul(c.beta, local), tf.mul(c.gamma, prior)]) as tf.Scalar;
  return { total, global, local, prior };
}
