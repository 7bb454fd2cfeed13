// Every kernel a training step runs, checked one by one on WebGPU (Dawn) against the cpu backend:
// a tiny step on cpu records each kernel call (name, inputs, attributes, output), then each distinct
// call (kernel + input shapes + attributes) is run again on webgpu with the same inputs. The whole
// step's gradients are compared in model-webgpu.test.ts; this says which kernel is wrong if one is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/main/model/backend';
import { presetConfig } from '../../src/main/model/config';
import { Params } from '../../src/main/model/params';
import { Rng } from '../../src/main/util/rng';
import { computeGradients, recalibrateBatchNorm } from '../../src/main/model/trainer';
import { probeWebGpu } from '../../src/main/model/webgpu';

const probe = await probeWebGpu(true);

interface Recorded {
  name: string;
  /** Concat, AddN, Pack take an array of tensors rather than named ones. */
  arrayInputs: boolean;
  inputs: [string, { data: Float32Array | Int32Array | Uint8Array; shape: number[]; dtype: tf.DataType }][];
  attrs: Record<string, unknown>;
  outputs: { data: Float32Array | Int32Array | Uint8Array; shape: number[] }[];
}

function record(run: () => Promise<unknown>): Promise<Map<string, Recorded>> {
  const engine = tf.engine() as unknown as {
    runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs?: Record<string, unknown>): tf.Tensor | tf.Tensor[];
  };
  const original = engine.runKernel;
  const calls = new Map<string, Recorded>();
  engine.runKernel = function (name, inputs, attrs = {}) {
    const out = original.call(this, name, inputs, attrs);
    const entries = Object.entries(inputs).filter(([, t]) => t instanceof tf.Tensor);
    const key = `${name} ${entries.map(([k, t]) => `${k}${JSON.stringify(t.shape)}${t.dtype}`).join(' ')} ${JSON.stringify(attrs)}`;
    if (!calls.has(key) && entries.every(([, t]) => t.dtype !== 'string' && t.dtype !== 'complex64')) {
      calls.set(key, {
        name,
        arrayInputs: Array.isArray(inputs),
        inputs: entries.map(([k, t]) => [k, { data: t.dataSync().slice() as Float32Array, shape: t.shape.slice(), dtype: t.dtype }]),
        attrs: structuredClone(attrs),
        outputs: (Array.isArray(out) ? out : [out]).map((t) => ({ data: t.dataSync().slice() as Float32Array, shape: t.shape.slice() })),
      });
    }
    return out;
  };
  return run().then(
    () => {
      engine.runKernel = original;
      return calls;
    },
    (error) => {
      engine.runKernel = original;
      throw error;
    },
  );
}

test(
  'every kernel of a training step and BN recalibration agrees between webgpu and cpu',
  { skip: probe.ok ? false : `no WebGPU adapter here: ${!probe.ok && probe.reason}` },
  async (t) => {
    // The default recipe and the reference one (1 view, (z, z) and concat critics, JS estimator).
    const tiny = presetConfig('tiny', 16);
    const configs = [tiny, { ...tiny, views: 1 as const, globalCritic: 'zz' as const, localCritic: 'concat' as const, estimator: 'js' as const }];
    const rng = new Rng(8);
    const count = 4;
    const x1 = new Float32Array(count * 16 * 16 * 3).map(() => rng.uniform(-1, 1));
    const x2 = x1.map((v) => Math.max(-1, Math.min(1, v + 0.1 * rng.normal())));
    await initBackend('cpu');
    const calls = await record(async () => {
      for (const c of configs) {
        const p = Params.init(c, 3);
        await computeGradients(p, { x1, x2, size: 16, count }, new Rng(1), new Float32Array(p.trainableCount));
        await recalibrateBatchNorm(p, [{ x: x1, count, size: 16 }]);
        p.dispose();
      }
    });
    assert.ok(calls.size > 20, `only ${calls.size} kernel calls recorded`);

    await initBackend('webgpu');
    const failures: string[] = [];
    const kernels = new Set<string>();
    for (const call of calls.values()) {
      kernels.add(call.name);
      const tensors = call.inputs.map(([k, v]) => [k, tf.tensor(v.data, v.shape, v.dtype)] as const);
      const inputs = call.arrayInputs ? tensors.map(([, x]) => x) : Object.fromEntries(tensors);
      const out = tf.engine().runKernel(call.name, inputs as never, call.attrs as never) as tf.Tensor | tf.Tensor[];
      const outs = Array.isArray(out) ? out : [out];
      for (let i = 0; i < call.outputs.length; i++) {
        const want = call.outputs[i];
        const got = (await outs[i].data()) as Float32Array;
        assert.deepEqual(outs[i].shape, want.shape, `${call.name}: output shape`);
        let num = 0;
        let den = 0;
        let worst = 0;
        for (let j = 0; j < got.length; j++) {
          const d = Math.abs(got[j] - want.data[j]);
          num += d * d;
          den += want.data[j] ** 2;
          worst = Math.max(worst, d / (Math.abs(want.data[j]) + 1e-3));
        }
        const rel = Math.sqrt(num / Math.max(den, 1e-12));
        if (!(rel < 1e-4) && !(worst < 1e-3))
          failures.push(`${call.name} ${call.inputs.map(([, v]) => JSON.stringify(v.shape)).join(' ')}: relative L2 ${rel}`);
      }
      tf.dispose([...Object.values(inputs), ...outs]);
    }
    t.diagnostic(`${calls.size} distinct calls of ${kernels.size} kernels: ${[...kernels].sort().join(', ')}`);
    assert.deepEqual(failures, []);
  },
);
