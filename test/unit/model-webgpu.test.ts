// The WebGPU backend (Dawn in Node): a whole training step's gradients equal the cpu backend's.
// Runs wherever a Vulkan/Metal/D3D12 adapter exists — CI installs Mesa's lavapipe, a software
// Vulkan driver, so it runs there too — and is skipped, saying why, elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/main/model/backend';
import { presetConfig } from '../../src/main/model/config';
import { Params } from '../../src/main/model/params';
import { Rng } from '../../src/main/util/rng';
import { dimLoss } from '../../src/main/model/loss';
import { derangement } from '../../src/main/util/rng';
import { probeWebGpu } from '../../src/main/model/webgpu';

const probe = await probeWebGpu(true);

test(
  'automatic choice never takes a software adapter',
  { skip: probe.ok && probe.adapter.software ? false : 'needs a software adapter to check' },
  async () => {
    const automatic = await probeWebGpu(false);
    assert.equal(automatic.ok, false);
    assert.match(!automatic.ok ? automatic.reason : '', /software adapter/);
  },
);

/** Loss and gradients of one DIM step, read asynchronously (WebGPU in Node cannot read synchronously). */
async function stepGradients(backend: 'cpu' | 'webgpu'): Promise<{ loss: number; grads: Float32Array }> {
  const c = presetConfig('tiny', 16);
  const rng = new Rng(4);
  const b = 4;
  const n = b * 16 * 16 * 3;
  const x1 = new Float32Array(n).map(() => rng.uniform(-1, 1));
  const x2 = x1.map((v) => Math.max(-1, Math.min(1, v + 0.1 * rng.normal())));
  const eps = new Float32Array(b * 2 * c.zDim).map(() => rng.normal());
  const perm = derangement(b, rng);
  const info = await initBackend(backend);
  assert.equal(tf.getBackend(), backend);
  if (backend === 'webgpu') assert.match(info.device, /vulkan|metal|d3d12/);
  const p = Params.init(c, 42);
  const vars = p.trainableVariables();
  const { value, grads } = tf.variableGrads(
    () =>
      dimLoss(p, c, {
        x1: tf.tensor4d(x1, [b, 16, 16, 3]),
        x2: tf.tensor4d(x2, [b, 16, 16, 3]),
        eps: tf.tensor2d(eps, [b * 2, c.zDim]),
        perm,
      }).total,
    vars,
  );
  const flat = new Float32Array(p.trainableCount);
  let at = 0;
  for (const v of vars) {
    if (grads[v.name]) flat.set((await grads[v.name].data()) as Float32Array, at);
    at += v.size;
  }
  const loss = (await value.data())[0];
  tf.dispose([value, ...Object.values(grads)]);
  p.dispose();
  return { loss, grads: flat };
}

test(
  'webgpu gradients of a whole DIM step equal cpu gradients',
  { skip: probe.ok ? false : `no WebGPU adapter here: ${!probe.ok && probe.reason}` },
  async () => {
    const cpu = await stepGradients('cpu');
    const gpu = await stepGradients('webgpu');
    assert.ok(Math.abs(cpu.loss - gpu.loss) < 1e-3 * Math.abs(cpu.loss) + 1e-5, `loss ${cpu.loss} vs ${gpu.loss}`);
    let num = 0;
    let den = 0;
    for (let i = 0; i < cpu.grads.length; i++) {
      num += (cpu.grads[i] - gpu.grads[i]) ** 2;
      den += cpu.grads[i] ** 2;
    }
    assert.ok(den > 0);
    assert.ok(Math.sqrt(num / den) < 1e-3, `relative L2 difference ${Math.sqrt(num / den)}`);
  },
);
