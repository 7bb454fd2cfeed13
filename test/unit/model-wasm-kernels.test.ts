// The kernels registered for the wasm backend must give the cpu backend's gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/main/model/backend';

function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

async function onBackend<T>(name: 'cpu' | 'wasm', f: () => T): Promise<T> {
  await initBackend(name);
  assert.equal(tf.getBackend(), name);
  return f();
}

function maxRelError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / (den || 1);
}

const convCases: {
  name: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number;
  pad: 'same' | 'valid';
}[] = [
  { name: '3x3 same stride 1', x: [2, 7, 6, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3x3 valid stride 1', x: [3, 5, 5, 2], f: [3, 3, 2, 5], strides: 1, pad: 'valid' },
  { name: '3x3 same stride 2', x: [2, 8, 7, 3], f: [3, 3, 3, 2], strides: 2, pad: 'same' },
  { name: '1x1', x: [2, 4, 4, 6], f: [1, 1, 6, 3], strides: 1, pad: 'same' },
  { name: '5x5 valid stride 2', x: [1, 11, 9, 2], f: [5, 5, 2, 3], strides: 2, pad: 'valid' },
];

for (const c of convCases) {
  test(`wasm Conv2DBackpropFilter matches cpu: ${c.name}`, async () => {
    const xs = seeded(
      c.x.reduce((a, b) => a * b),
      1,
    );
    const fs = seeded(
      c.f.reduce((a, b) => a * b),
      2,
    );
    const grads = async (backend: 'cpu' | 'wasm') =>
      onBackend(backend, () =>
        tf.tidy(() => {
          const x = tf.tensor4d(xs, c.x);
          const f = tf.tensor4d(fs, c.f);
          // A non-uniform upstream gradient: sum of squares.
          const g = tf.grads((x: tf.Tensor, f: tf.Tensor) =>
            tf
              .conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad)
              .square()
              .sum(),
          );
          const [dx, df] = g([x, f]);
          return [dx.dataSync().slice(), df.dataSync().slice()] as [Float32Array, Float32Array];
        }),
      );
    const [cpuDx, cpuDf] = await grads('cpu');
    const [wasmDx, wasmDf] = await grads('wasm');
    assert.equal(wasmDf.length, cpuDf.length);
    assert.ok(maxRelError(wasmDf, cpuDf) < 1e-5, `filter gradient differs: ${maxRelError(wasmDf, cpuDf)}`);
    assert.ok(maxRelError(wasmDx, cpuDx) < 1e-5, `input gradient differs: ${maxRelError(wasmDx, cpuDx)}`);
  });
}

test('wasm UnsortedSegmentSum (gradient of gather) matches cpu', async () => {
  const xs = seeded(5 * 3, 3);
  const idx = [4, 0, 0, 2, 4, 4, 1];
  const run = (backend: 'cpu' | 'wasm') =>
    onBackend(backend, () =>
      tf.tidy(() => {
        const x = tf.tensor2d(xs, [5, 3]);
        const g = tf.grad((x: tf.Tensor) => tf.gather(x, tf.tensor1d(idx, 'int32')).square().sum());
        const direct = tf.unsortedSegmentSum(tf.tensor2d(seeded(7 * 3, 9), [7, 3]), tf.tensor1d(idx, 'int32'), 6);
        return [g(x).dataSync().slice(), direct.dataSync().slice()] as Float32Array[];
      }),
    );
  const [cpuG, cpuS] = await run('cpu');
  const [wasmG, wasmS] = await run('wasm');
  assert.ok(maxRelError(wasmG, cpuG) < 1e-6);
  assert.ok(maxRelError(wasmS, cpuS) < 1e-6);
});

test('wasm custom kernels leak no tensors and no backend memory', async () => {
  await initBackend('wasm');
  const x = tf.tensor4d(seeded(2 * 6 * 6 * 3, 5), [2, 6, 6, 3]);
  const f = tf.tensor4d(seeded(3 * 3 * 3 * 4, 6), [3, 3, 3, 4]);
  const step = () =>
    tf.tidy(() =>
      tf
        .grad((f: tf.Tensor) =>
          tf
            .conv2d(x, f as tf.Tensor4D, 1, 'same')
            .square()
            .sum(),
        )(f)
        .dataSync(),
    );
  step();
  const before = tf.memory();
  for (let i = 0; i < 3; i++) step();
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numBytes, before.numBytes);
  assert.equal((after as { numDataBuffers?: number }).numDataBuffers, (before as { numDataBuffers?: number }).numDataBuffers);
  x.dispose();
  f.dispose();
});

test("the encoder's 2×2 max pooling equals tf.maxPool and has the cpu backend's gradient on wasm", async () => {
  const { maxPool2 } = await import('../../src/main/model/encoder');
  for (const shape of [
    [1, 4, 4, 4],
    [2, 8, 6, 3],
    [1, 5, 3, 2],
  ] as [number, number, number, number][]) {
    const xs = seeded(
      shape.reduce((a, b) => a * b),
      17,
    );
    const run = (backend: 'cpu' | 'wasm', pool: (x: tf.Tensor4D) => tf.Tensor4D) =>
      onBackend(backend, () =>
        tf.tidy(() => {
          const x = tf.tensor4d(xs, shape);
          const y = pool(x);
          const weights = tf.sin(tf.range(0, y.size).mul(0.37)).reshape(y.shape);
          const g = tf.grad((x: tf.Tensor) =>
            pool(x as tf.Tensor4D)
              .mul(weights)
              .sum(),
          )(x);
          return [y.dataSync().slice(), g.dataSync().slice()] as Float32Array[];
        }),
      );
    const [cpuY, cpuG] = await run('cpu', (x) => tf.maxPool(x, 2, 2, 'same'));
    const [wasmY, wasmG] = await run('wasm', maxPool2);
    assert.deepEqual(Array.from(wasmY), Array.from(cpuY));
    assert.ok(maxRelError(wasmG, cpuG) < 1e-6, `${shape}: ${maxRelError(wasmG, cpuG)}`);
  }
});

test('wasm matMul with transposed operands (the replaced BatchMatMul) matches cpu, with its gradients', async () => {
  const a = seeded(2 * 5 * 3, 21);
  const b = seeded(2 * 3 * 4, 22);
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    const run = (backend: 'cpu' | 'wasm') =>
      onBackend(backend, () =>
        tf.tidy(() => {
          const A = tf.tensor3d(a, ta ? [2, 3, 5] : [2, 5, 3]);
          const B = tf.tensor3d(b, tb ? [2, 4, 3] : [2, 3, 4]);
          const f = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, ta, tb);
          const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => f(x, y).square().sum())([A, B]);
          return [f(A, B).dataSync().slice(), ga.dataSync().slice(), gb.dataSync().slice()] as Float32Array[];
        }),
      );
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    cpu.forEach((c, i) => assert.ok(maxRelError(wasm[i], c) < 1e-5, `transposeA ${ta} transposeB ${tb} output ${i}`));
  }
});
