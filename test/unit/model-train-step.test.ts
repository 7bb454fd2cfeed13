// A whole training step of a tiny model: wasm gradients equal cpu gradients, no tensor leaks per
// step, the loss goes down, and weights saved to disk load back bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/main/model/backend';
import { presetConfig, type ModelConfig } from '../../src/main/model/config';
import { Params } from '../../src/main/model/params';
import { loadWeights, saveWeights } from '../../src/main/model/weightsFile';
import { Rng } from '../../src/main/util/rng';
import { adamUpdate, computeGradients, newAdamState, recalibrateBatchNorm } from '../../src/main/model/trainer';

function batchOf(c: ModelConfig, count: number, seed: number) {
  const rng = new Rng(seed);
  const n = count * c.inputSize * c.inputSize * 3;
  const x1 = new Float32Array(n).map(() => rng.uniform(-1, 1));
  const x2 = x1.map((v) => Math.max(-1, Math.min(1, v + 0.1 * rng.normal())));
  return { x1, x2, size: c.inputSize, count };
}

const configs: [string, ModelConfig][] = [
  ['fast recipe (2 views, dot critics, NCE)', presetConfig('tiny', 16)],
  [
    'reference recipe (1 view, zz + concat critics, JS)',
    { ...presetConfig('tiny', 16), views: 1, globalCritic: 'zz', localCritic: 'concat', estimator: 'js', alpha: 0.5, beta: 1.5, gamma: 0.01 },
  ],
  ['concat global critic on (C(x), z), JS', { ...presetConfig('tiny', 16), globalCritic: 'concat', localCritic: 'concat', estimator: 'js' }],
];

for (const [name, c] of configs) {
  test(`wasm gradients of the whole model equal cpu gradients: ${name}`, async () => {
    const batch = batchOf(c, 4, 11);
    const grads: Float32Array[] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend(backend);
      const p = Params.init(c, 42);
      const g = new Float32Array(p.trainableCount);
      const losses = await computeGradients(p, batch, new Rng(3), g);
      assert.ok(Number.isFinite(losses.loss));
      grads.push(g);
      p.dispose();
    }
    let num = 0;
    let den = 0;
    for (let i = 0; i < grads[0].length; i++) {
      num += (grads[0][i] - grads[1][i]) ** 2;
      den += grads[0][i] ** 2;
    }
    assert.ok(den > 0, 'gradient is all zero');
    assert.ok(Math.sqrt(num / den) < 1e-4, `relative L2 difference ${Math.sqrt(num / den)}`);
  });
}

test('training steps leak no tensors and reduce the loss on a fixed batch', async () => {
  await initBackend('wasm');
  const c = presetConfig('tiny', 16);
  const p = Params.init(c, 1);
  const batch = batchOf(c, 8, 5);
  const weights = await p.readTrainable();
  const grad = new Float32Array(p.trainableCount);
  const adam = newAdamState(p.trainableCount);
  const losses: number[] = [];
  let tensorsAfterFirst = 0;
  for (let step = 0; step < 25; step++) {
    losses.push((await computeGradients(p, batch, new Rng(100), grad)).loss);
    adamUpdate(weights, grad, adam, 3e-3);
    p.writeTrainable(weights);
    if (step === 0) tensorsAfterFirst = tf.memory().numTensors;
    else assert.equal(tf.memory().numTensors, tensorsAfterFirst, `tensor count grew at step ${step}`);
  }
  assert.ok(losses.at(-1)! < losses[0] * 0.9, `loss did not fall: ${losses[0]} → ${losses.at(-1)}`);
  p.dispose();
});

test('Adam with decoupled weight decay: a zero gradient only shrinks the weights by lr × λ; λ 0 is plain Adam', () => {
  const w = Float32Array.from([2, -1, 0.5]);
  adamUpdate(w, new Float32Array(3), newAdamState(3), 0.01, 5);
  assert.deepEqual([...w], [...Float32Array.from([2 * 0.95, -1 * 0.95, 0.5 * 0.95])]);
  const grad = Float32Array.from([0.3, -0.2, 0.1]);
  const plain = Float32Array.from([2, -1, 0.5]);
  const zero = Float32Array.from([2, -1, 0.5]);
  adamUpdate(plain, grad, newAdamState(3), 0.01);
  adamUpdate(zero, grad, newAdamState(3), 0.01, 0);
  assert.deepEqual([...zero], [...plain]);
  const decayed = Float32Array.from([2, -1, 0.5]);
  adamUpdate(decayed, grad, newAdamState(3), 0.01, 5);
  // Adam's first step moves each weight by lr against its gradient's sign; the decay comes on top.
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(decayed[i] - (plain[i] - 0.05 * [2, -1, 0.5][i])) < 1e-6, `weight ${i}`);
});

test('weights (with recalibrated batch-norm statistics) load back bit-identically', async () => {
  await initBackend('wasm');
  const c = presetConfig('tiny', 16);
  const p = Params.init(c, 9);
  const b = batchOf(c, 6, 1);
  assert.equal(await recalibrateBatchNorm(p, [{ x: b.x1, count: 6, size: 16 }]), 1);
  const dir = mkdtempSync(join(tmpdir(), 'likeness-weights-'));
  try {
    const before = await p.values();
    saveWeights(dir, c, before);
    const { config, values } = loadWeights(dir);
    assert.deepEqual(config, c);
    assert.equal(values.size, before.size);
    for (const [name, v] of before) {
      const w = values.get(name)!;
      assert.ok(Buffer.from(v.buffer, v.byteOffset, v.byteLength).equals(Buffer.from(w.buffer, w.byteOffset, w.byteLength)), name);
    }
    assert.notDeepEqual(Array.from(before.get('enc/block0/mean')!), new Array(before.get('enc/block0/mean')!.length).fill(0));
    const q = Params.fromValues(config, values);
    const a = await p.readTrainable();
    const r = await q.readTrainable();
    assert.ok(Buffer.from(a.buffer).equals(Buffer.from(r.buffer)));
    q.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    p.dispose();
  }
});

test('batch norm with the written-out gradient equals autodiff of the plain formula (cpu and wasm)', async () => {
  const { batchNormTrain, batchNormReference } = await import('../../src/main/model/encoder');
  for (const backend of ['cpu', 'wasm'] as const) {
    await initBackend(backend);
    const rng = new Rng(4);
    const xs = new Float32Array(3 * 4 * 5 * 6).map(() => rng.normal() * 2 + 1);
    const gs = new Float32Array(6).map(() => rng.uniform(0.5, 1.5));
    const bs = new Float32Array(6).map(() => rng.normal());
    const weights = new Float32Array(xs.length).map(() => rng.normal());
    const run = (bn: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => {
        const x = tf.tensor4d(xs, [3, 4, 5, 6]);
        const g = tf.tensor1d(gs);
        const b = tf.tensor1d(bs);
        const w = tf.tensor4d(weights, [3, 4, 5, 6]);
        const f = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.square(bn(x, g, b)), w));
        return [bn(x, g, b), ...tf.grads(f)([x, g, b])].map((t) => t.dataSync().slice() as Float32Array);
      });
    const mine = run(batchNormTrain);
    const reference = run(batchNormReference);
    mine.forEach((m, i) => {
      const err = Math.max(...m.map((v, k) => Math.abs(v - reference[i][k]))) / Math.max(1, ...reference[i].map(Math.abs));
      assert.ok(err < 1e-4, `${backend} output ${i}: ${err}`);
    });
  }
});
