// The desktop app's GPU training, without Electron: the training loop runs in a worker thread and
// reaches the GPU window's engine through a relay over a MessagePort to the main process (before,
// the whole loop, batch building and augmentation included, ran on the main process). A stand-in
// window engine answers here: it sees every step, the weights sent before it, and its device loss
// comes back to the worker as a lost device.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { closeCore, openCore } from '../../src/main/core';
import type { ModelConfig } from '../../src/main/model/config';
import { RelayEngine, serveEngine, type RemoteEngine } from '../../src/main/model/engineRelay';
import { GpuDeviceLostError, type GpuWindowEngine } from '../../src/main/model/gpuEngine';
import { setGpuWindowOpener } from '../../src/main/model/gpuWindowOpener';
import type { HostBatch, StepLosses } from '../../src/main/model/trainer';
import { trainModel } from '../../src/main/model/train';
import { nowIso } from '../../src/main/store/db';
import { insertModelInput } from '../../src/main/store/library';

/** A window engine that keeps the loaded values and answers steps with a small fixed gradient. */
class StandInWindow implements RemoteEngine {
  info = { backend: 'webgpu (Chromium)', device: 'stand-in GPU' };
  steps: { count: number; weightsBefore: number | null; relayed: boolean }[] = [];
  loseDeviceAtStep: number | null = null;
  private values0 = new Map<string, Float32Array>();
  private weights: Float32Array | null = null;
  async probe() {
    return { vendor: 'test', architecture: '', device: 'stand-in', description: 'stand-in GPU', software: false, api: 'webgpu' };
  }
  async load(_config: ModelConfig, values: Map<string, Float32Array>) {
    this.values0 = values;
  }
  setTrainable(weights: Float32Array) {
    this.weights = weights;
  }
  async gradients(batch: HostBatch, _eps: Float32Array, _perm: number[], gradOut: Float32Array): Promise<StepLosses> {
    if (this.loseDeviceAtStep === this.steps.length) throw new GpuDeviceLostError('the stand-in GPU went away');
    // The loop's own gradient buffer is shared between workers; the relay hands a plain one.
    this.steps.push({
      count: batch.count,
      weightsBefore: this.weights ? this.weights[0] : null,
      relayed: !(gradOut.buffer instanceof SharedArrayBuffer),
    });
    gradOut.fill(0.01);
    return { loss: 1 / (1 + this.steps.length), globalMi: 0, localMi: 0, prior: 0 };
  }
  async recalibrate() {
    return 0;
  }
  async values() {
    return this.values0;
  }
  async dispose() {}
}

test('the relay carries load, weights, steps and a lost device across a MessagePort', async () => {
  const window = new StandInWindow();
  const { port1, port2 } = new MessageChannel();
  serveEngine(port1, window);
  const relay = new RelayEngine(port2);
  await relay.load({} as ModelConfig, new Map([['w', new Float32Array([1, 2])]]));
  assert.equal(relay.info.device, 'stand-in GPU');
  relay.setTrainable(new Float32Array([0.5, 0.25]));
  const grads = new Float32Array(3);
  const batch = { x1: new Float32Array(12), size: 2, count: 1 };
  const losses = await relay.gradients(batch, new Float32Array(1), [0], grads);
  assert.equal(losses.loss, 0.5);
  assert.deepEqual([...grads], [0.01, 0.01, 0.01].map(Math.fround));
  assert.deepEqual(window.steps, [{ count: 1, weightsBefore: 0.5, relayed: true }], 'the weights arrived before the step');
  assert.deepEqual([...(await relay.values({} as ModelConfig)).get('w')!], [1, 2]);
  window.loseDeviceAtStep = 1;
  await assert.rejects(relay.gradients(batch, new Float32Array(1), [0], grads), GpuDeviceLostError);
  await relay.dispose();
  port1.close();
});

test('training through a GPU window runs its loop in a worker thread and finishes a version', async () => {
  const root = mkdtempSync(join(tmpdir(), 'likeness-gpu-relay-'));
  const core = openCore(root);
  const window = new StandInWindow();
  setGpuWindowOpener(async () => ({ engine: window as unknown as GpuWindowEngine, close: () => {} }));
  try {
    const size = 16;
    const insert = core.db.prepare("INSERT INTO photos (content_hash, bytes, format, width, height, added_at) VALUES (?, 100, 'png', ?, ?, ?)");
    for (let i = 0; i < 12; i++) {
      const id = Number(insert.run(`hash-${i}`, size, size, nowIso()).lastInsertRowid);
      insertModelInput(core.db, id, size, new Uint8Array(size * size * 3).fill((i * 37) % 256));
    }
    const model = await trainModel(core, { preset: 'tiny', inputSize: size, seed: 3, maxSteps: 3, backend: 'webgpu', overrides: { batchSize: 4 } });
    assert.equal(model.status, 'active');
    assert.equal(window.steps.length, 3, 'every step ran on the window');
    assert.ok(window.steps.every((s) => s.count === 4));
    assert.ok(
      window.steps.every((s) => s.relayed),
      'the steps came from the worker thread through the relay',
    );
    assert.ok(
      window.steps.slice(1).every((s) => s.weightsBefore !== null),
      'updated weights went with each later step',
    );
    assert.match(model.device ?? '', /stand-in GPU/);
  } finally {
    setGpuWindowOpener(null);
    closeCore(core);
    rmSync(root, { recursive: true, force: true });
  }
});
