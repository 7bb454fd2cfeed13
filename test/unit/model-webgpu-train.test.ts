// Training on WebGPU (Dawn in Node) over many steps: no tensor or GPU-memory growth, and a GPU
// device lost mid-run is caught, checkpointed and the run finishes on wasm. Runs wherever a
// Vulkan/Metal/D3D12 adapter exists (CI: Mesa's software lavapipe); skipped, saying why, elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { closeCore, openCore } from '../../src/main/core';
import { initBackend } from '../../src/main/model/backend';
import { presetConfig } from '../../src/main/model/config';
import { Params } from '../../src/main/model/params';
import { Rng } from '../../src/main/util/rng';
import { trainModel } from '../../src/main/model/train';
import { adamUpdate, computeGradients, newAdamState } from '../../src/main/model/trainer';
import { probeWebGpu } from '../../src/main/model/webgpu';

const probe = await probeWebGpu(true);
const skip = probe.ok ? false : `no WebGPU adapter here: ${!probe.ok && probe.reason}`;

test('20 webgpu training steps: tensor count and GPU memory stay flat, the loss falls', { skip }, async () => {
  await initBackend('webgpu');
  const c = presetConfig('tiny', 16);
  const p = Params.init(c, 1);
  const rng = new Rng(5);
  const count = 8;
  const x1 = new Float32Array(count * 16 * 16 * 3).map(() => rng.uniform(-1, 1));
  const x2 = x1.map((v) => Math.max(-1, Math.min(1, v + 0.1 * rng.normal())));
  const batch = { x1, x2, size: 16, count };
  const weights = await p.readTrainable();
  const grad = new Float32Array(p.trainableCount);
  const adam = newAdamState(p.trainableCount);
  const losses: number[] = [];
  let after2: tf.MemoryInfo | null = null;
  for (let step = 0; step < 20; step++) {
    losses.push((await computeGradients(p, batch, new Rng(100), grad)).loss);
    adamUpdate(weights, grad, adam, 3e-3);
    p.writeTrainable(weights);
    const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesInGPUAllocated?: number };
    // The buffer pool fills during the first steps; after that nothing may grow.
    if (step === 2) after2 = m;
    else if (after2) {
      assert.equal(m.numTensors, after2.numTensors, `tensor count grew at step ${step}`);
      assert.equal(m.numBytes, after2.numBytes, `tensor bytes grew at step ${step}`);
      const base = after2 as typeof m;
      assert.ok(typeof m.numBytesInGPU === 'number', 'the webgpu backend reports its GPU memory');
      assert.equal(m.numBytesInGPU, base.numBytesInGPU, `GPU bytes in use grew at step ${step}`);
      assert.equal(m.numBytesInGPUAllocated, base.numBytesInGPUAllocated, `GPU bytes allocated grew at step ${step}`);
    }
  }
  assert.ok(losses.every(Number.isFinite));
  assert.ok(losses.at(-1)! < losses[0], `loss did not fall: ${losses[0]} → ${losses.at(-1)}`);
  p.dispose();
});

test('a GPU device lost mid-run is reported, checkpointed, and training finishes on wasm', { skip }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'likeness-device-lost-'));
  const core = openCore(root);
  const events: string[] = [];
  try {
    const model = await trainModel(
      core,
      {
        preset: 'tiny',
        inputSize: 16,
        overrides: { batchSize: 8 },
        maxSteps: 5,
        seed: 3,
        backend: 'webgpu',
        recalibrationBatches: 1,
        loseGpuAfterStep: 2,
        source: { kind: 'synthetic', count: 64, size: 16, seed: 1 },
      },
      {
        onEvent: (m) =>
          events.push(m.type === 'ready' ? `ready ${m.backend}` : m.type === 'deviceLost' ? `lost at ${m.position.step}: ${m.message}` : m.type),
      },
    );
    const lost = events.find((e) => e.startsWith('lost'));
    assert.ok(lost, `no deviceLost event in ${events.join(', ')}`);
    assert.match(lost, /lost at 1: the GPU device was lost \(destroyed/);
    assert.deepEqual(
      events.filter((e) => e.startsWith('ready')),
      ['ready webgpu', 'ready wasm'],
    );
    assert.equal(model.status, 'ready');
    assert.equal(model.steps, 5, 'the wasm run went on from the checkpoint to the full budget');
    assert.equal(model.backend, 'wasm');
    assert.match(model.device ?? '', /continued on the CPU after the GPU device was lost/);
  } finally {
    closeCore(core);
    rmSync(root, { recursive: true, force: true });
  }
});
