// Each term of the Deep InfoMax objective against values computed by hand on tiny tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/main/model/backend';
import { blockMapSizes, localBlock, mapSize, presetConfig, validateConfig, type ModelConfig } from '../../src/main/model/config';
import { encode } from '../../src/main/model/encoder';
import { debiasedInfoNceLoss, infoNceLoss, jsLoss, klLoss, localTerm, globalTerm, permutationMatrix, dimLoss } from '../../src/main/model/loss';
import { Params } from '../../src/main/model/params';
import { derangement, Rng } from '../../src/main/util/rng';

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);
const softplus = (x: number) => Math.log1p(Math.exp(x));
const value = (t: tf.Tensor) => t.dataSync()[0];

test('JS loss of known logits', async () => {
  await initBackend('wasm');
  close(value(jsLoss(tf.tensor1d([0]), tf.tensor1d([0]))), 2 * Math.log(2));
  close(value(jsLoss(tf.tensor1d([2]), tf.tensor1d([-1]))), Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1)));
  // Means over positives and negatives separately.
  close(
    value(jsLoss(tf.tensor1d([1, 3]), tf.tensor1d([0, -2, 4]))),
    (softplus(-1) + softplus(-3)) / 2 + (softplus(0) + softplus(-2) + softplus(4)) / 3,
  );
});

test('InfoNCE loss of known logits', async () => {
  await initBackend('wasm');
  close(
    value(
      infoNceLoss(
        tf.tensor2d([
          [2, 0],
          [0, 2],
        ]),
        tf.eye(2) as tf.Tensor2D,
      ),
    ),
    Math.log(Math.exp(2) + 1) - 2,
  );
  // Equal logits: log(batch size).
  close(
    value(
      infoNceLoss(
        tf.zeros([3, 4]) as tf.Tensor2D,
        tf.tensor2d([
          [1, 0, 0, 0],
          [0, 0, 1, 0],
          [0, 0, 0, 1],
        ]),
      ),
    ),
    Math.log(4),
  );
});

test('debiased InfoNCE: a loop over the rows, its floor, and plain InfoNCE at prior 0', async () => {
  await initBackend('wasm');
  const t = 0.1;
  const logits = [
    [8, 2, -3, 9.5],
    [1, 7, 6.5, -10],
    [-10, -9, 10, -10],
  ];
  const positive = [0, 1, 2];
  const expected = (prior: number) =>
    logits
      .map((row, i) => {
        const pos = Math.exp(row[positive[i]!]!);
        const neg = row.reduce((a, l, j) => (j === positive[i] ? a : a + Math.exp(l)), 0);
        const n = row.length - 1;
        const ng = Math.max((neg - n * prior * pos) / (1 - prior), n * Math.exp(-1 / t));
        return Math.log(pos + ng) - Math.log(pos);
      })
      .reduce((a, b) => a + b, 0) / logits.length;
  const mask = tf.tensor2d(logits.map((row, i) => row.map((_, j) => (j === positive[i] ? 1 : 0))));
  const at = (prior: number) => value(debiasedInfoNceLoss(tf.tensor2d(logits), mask, t, prior));
  close(at(0.1), expected(0.1), 1e-4);
  close(at(0.5), expected(0.5), 1e-4);
  // The third row's positive dwarfs its negatives: with a prior its negatives' sum would go below
  // zero, and the floor N·e^(−1/t) holds it (without the floor the figures above differ).
  assert.ok(at(0.5) < at(0.1), 'a larger prior takes out more of the negatives');
  // Prior 0 (and no floor reached) is plain InfoNCE.
  const plain = [
    [2, 0, 1],
    [0, 2, 1],
  ];
  const plainMask = tf.eye(2, 3) as tf.Tensor2D;
  close(value(debiasedInfoNceLoss(tf.tensor2d(plain), plainMask, 1, 0)), value(infoNceLoss(tf.tensor2d(plain), plainMask)), 1e-5);
});

test('KL prior: zero at the prior, known value elsewhere', async () => {
  await initBackend('wasm');
  close(value(klLoss(tf.zeros([3, 5]) as tf.Tensor2D, tf.zeros([3, 5]) as tf.Tensor2D)), 0);
  // 0.5·[(1 + 1 − 1 − 0) + (4 + 2 − 1 − ln 2)]
  close(value(klLoss(tf.tensor2d([[1, 2]]), tf.tensor2d([[0, Math.log(2)]]))), 0.5 * (1 + 5 - Math.log(2)));
  // Batch mean.
  close(value(klLoss(tf.tensor2d([[1], [0]]), tf.tensor2d([[0], [0]]))), 0.25);
});

test('a shuffle never pairs an item with itself, and the permutation matrix applies it', async () => {
  await initBackend('wasm');
  const rng = new Rng(7);
  for (let n = 2; n <= 40; n++) {
    for (let rep = 0; rep < 20; rep++) {
      const p = derangement(n, rng);
      assert.deepEqual(
        [...p].sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
      );
      p.forEach((j, i) => assert.notEqual(j, i));
    }
  }
  const shuffled = tf.matMul(
    permutationMatrix([2, 0, 1]),
    tf.tensor2d([
      [10, 11],
      [20, 21],
      [30, 31],
    ]),
  );
  assert.deepEqual(Array.from(shuffled.dataSync()), [30, 31, 10, 11, 20, 21]);
});

function tinyConfig(over: Partial<ModelConfig>): ModelConfig {
  return { ...presetConfig('tiny', 8), ...over };
}

test('concat critics that output a known logit give the known JS loss', async () => {
  await initBackend('wasm');
  for (const critic of ['zz', 'concat'] as const) {
    const c = tinyConfig({ globalCritic: critic, localCritic: 'concat', estimator: 'js' });
    const p = Params.init(c, 1);
    // Zero the last layer's weights: T(·) = its bias for every pair.
    p.setValue('global/t3/w', new Float32Array(p.get('global/t3/w').size));
    p.setValue('global/t3/b', new Float32Array([1.5]));
    p.setValue('local/t3/w', new Float32Array(p.get('local/t3/w').size));
    p.setValue('local/t3/b', new Float32Array([-0.5]));
    const m = mapSize(c);
    const local = tf.randomNormal([3, m, m, c.blockFilters.at(-1)!]) as tf.Tensor4D;
    const z = tf.randomNormal([3, c.zDim]) as tf.Tensor2D;
    const neg = { perm: [1, 2, 0], P: permutationMatrix([1, 2, 0]) };
    close(value(globalTerm(p, c, { map: local, local, z }, neg)), softplus(-1.5) + softplus(1.5));
    close(value(localTerm(p, c, { map: local, local, z }, neg)), softplus(0.5) + softplus(-0.5));
    p.dispose();
  }
});

/** Reference computation of the dot critics' losses from the projected, normalised vectors. */
function referenceDotLosses(phi: number[][], psi: number[][], rowsPerItem: number, perm: number[], tau: number) {
  const cos = (a: number[], c: number[]) => {
    const dot = a.reduce((s, v, i) => s + v * c[i], 0);
    // As the model does: a zero vector has cosine 0 with everything.
    return dot / (Math.max(Math.hypot(...a), 1e-12) * Math.max(Math.hypot(...c), 1e-12)) / tau;
  };
  const inverse: number[] = [];
  perm.forEach((k, i) => (inverse[k] = i));
  let nce = 0;
  let pos = 0;
  let negs = 0;
  phi.forEach((row, r) => {
    const item = Math.floor(r / rowsPerItem);
    const s = psi.map((z) => cos(row, z));
    nce += Math.log(s.reduce((acc, v) => acc + Math.exp(v), 0)) - s[item];
    pos += softplus(-s[item]);
    negs += softplus(s[inverse[item]]);
  });
  return { nce: nce / phi.length, js: (pos + negs) / phi.length };
}

test('dot critics: InfoNCE and JS over the batch match a loop-by-loop computation', async () => {
  await initBackend('wasm');
  // The local term reads the first block's 8×8 map, the global critic the last block's 4×4 one.
  for (const estimator of ['nce', 'js'] as const) {
    const c: ModelConfig = { ...presetConfig('tiny', 16), estimator, globalCritic: 'dot', localCritic: 'dot', temperature: 0.5, localMapSize: 8 };
    const p = Params.init(c, 3);
    const b = 4;
    const m = mapSize(c);
    const hw = 8 * 8;
    const map = tf.randomNormal([b, m, m, c.blockFilters.at(-1)!], 0, 1, 'float32', 10) as tf.Tensor4D;
    const local = tf.randomNormal([b, 8, 8, c.blockFilters[0]!], 0, 1, 'float32', 11) as tf.Tensor4D;
    const z = tf.randomNormal([b, c.zDim], 0, 1, 'float32', 12) as tf.Tensor2D;
    const perm = [3, 0, 1, 2];
    const neg = { perm, P: permutationMatrix(perm) };
    const proj = (prefix: string, x: tf.Tensor2D) =>
      tf
        .add(
          tf.matMul(
            tf.relu(tf.add(tf.matMul(x, p.get(`${prefix}1/w`) as tf.Tensor2D), p.get(`${prefix}1/b`))) as tf.Tensor2D,
            p.get(`${prefix}2/w`) as tf.Tensor2D,
          ),
          p.get(`${prefix}2/b`),
        )
        .arraySync() as number[][];
    const lphi = proj('local/phi', tf.reshape(local, [b * hw, -1]) as tf.Tensor2D);
    const lpsi = proj('local/psi', z);
    const gphi = proj('global/phi', tf.reshape(map, [b, -1]) as tf.Tensor2D);
    const gpsi = proj('global/psi', z);
    const lref = referenceDotLosses(lphi, lpsi, hw, perm, 0.5);
    const gref = referenceDotLosses(gphi, gpsi, 1, perm, 0.5);
    close(value(localTerm(p, c, { map, local, z }, neg)), lref[estimator], 1e-4);
    close(value(globalTerm(p, c, { map, local, z }, neg)), gref[estimator], 1e-4);
    p.dispose();
  }
});

test('total loss is α·global + β·local + γ·prior, and α = 0 or β = 0 drops a term', async () => {
  await initBackend('wasm');
  const c = tinyConfig({ alpha: 0.5, beta: 1.5, gamma: 0.01 });
  const p = Params.init(c, 5);
  const x1 = tf.randomUniform([4, 8, 8, 3], -1, 1) as tf.Tensor4D;
  const x2 = tf.randomUniform([4, 8, 8, 3], -1, 1) as tf.Tensor4D;
  const eps = tf.randomNormal([8, c.zDim]) as tf.Tensor2D;
  const t = dimLoss(p, c, { x1, x2, eps, perm: [1, 2, 3, 0] });
  close(value(t.total), 0.5 * value(t.global) + 1.5 * value(t.local) + 0.01 * value(t.prior), 1e-5);
  assert.ok(value(t.prior) > 0);
  const globalOnly = dimLoss(p, { ...c, beta: 0 }, { x1, x2, eps, perm: [1, 2, 3, 0] });
  assert.equal(value(globalOnly.local), 0);
  close(value(globalOnly.total), 0.5 * value(globalOnly.global) + 0.01 * value(globalOnly.prior), 1e-5);
  p.dispose();
});

test('unit rows: a zero row stays zero and has a finite gradient', async () => {
  await initBackend('wasm');
  const { unit } = await import('../../src/main/model/loss');
  const x = tf.tensor2d([
    [3, 4],
    [0, 0],
  ]);
  const out = unit(x).arraySync();
  close(out[0][0], 0.6);
  close(out[0][1], 0.8);
  assert.deepEqual(out[1], [0, 0]);
  const g = tf.grad((t: tf.Tensor) =>
    tf.sum(
      tf.mul(
        unit(t as tf.Tensor2D),
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
      ),
    ),
  )(x);
  assert.ok(Array.from(g.dataSync()).every(Number.isFinite));
});

test('the local term can read an earlier, larger map: the encoder hands it out and its critic is sized for it', async () => {
  await initBackend('wasm');
  const c: ModelConfig = { ...presetConfig('tiny', 32), localMapSize: 8 };
  assert.deepEqual(blockMapSizes(c), [16, 8, 4]);
  assert.equal(localBlock(c), 1);
  assert.equal(localBlock({ ...c, localMapSize: undefined }), 2);
  assert.throws(() => validateConfig({ ...c, localMapSize: 5 }), /local map size 5: the blocks' maps are 16, 8, 4/);
  const p = Params.init(c, 2);
  assert.deepEqual(p.get('local/phi1/w').shape, [c.blockFilters[1], c.criticDim]);
  assert.deepEqual(p.get('global/phi1/w').shape, [4 * 4 * c.blockFilters[2]!, c.criticDim]);
  const x = tf.randomUniform([2, 32, 32, 3], -1, 1) as tf.Tensor4D;
  const enc = encode(p, x, false);
  assert.deepEqual(enc.local.shape, [2, 8, 8, c.blockFilters[1]]);
  assert.deepEqual(enc.map.shape, [2, 4, 4, c.blockFilters[2]]);
  // Training through it gives every trainable parameter a finite gradient.
  const eps = tf.randomNormal([4, c.zDim]) as tf.Tensor2D;
  const batch = { x1: x, x2: tf.randomUniform([2, 32, 32, 3], -1, 1) as tf.Tensor4D, eps, perm: [1, 0] };
  const { grads } = tf.variableGrads(() => dimLoss(p, c, batch).total, p.trainableVariables());
  for (const [name, g] of Object.entries(grads)) assert.ok(Array.from(g.dataSync()).every(Number.isFinite), name);
  // So does the debiased InfoNCE, which changes the loss.
  const debiased = { ...c, sameKindPrior: 0.1 };
  const losses = [c, debiased].map((config) => value(dimLoss(p, config, batch).total));
  assert.notEqual(losses[0], losses[1]);
  const { grads: dGrads } = tf.variableGrads(() => dimLoss(p, debiased, batch).total, p.trainableVariables());
  for (const [name, g] of Object.entries(dGrads)) assert.ok(Array.from(g.dataSync()).every(Number.isFinite), `debiased ${name}`);
  p.dispose();
});
