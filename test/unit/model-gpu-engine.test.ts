// The main process's client of the GPU training window once the window is gone (its renderer
// crashed): a dead window never answers, so every later request must fail at once as a lost
// device instead of waiting for ever — the training loop disposes the engine on exactly that path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FromGpuWindow, ToGpuWindow } from '../../src/gpu/protocol';
import { GpuDeviceLostError, GpuWindowEngine } from '../../src/main/model/gpuEngine';

test('after the window is gone, waiting and later requests fail as a lost device; dispose returns', async () => {
  const sent: ToGpuWindow[] = [];
  // Like Electron's MessagePortMain to a crashed renderer: posts are accepted and never answered.
  const engine = new GpuWindowEngine({ post: (m) => sent.push(m), onMessage: (_h: (m: FromGpuWindow) => void) => {} });
  const batch = { x1: new Float32Array(12), size: 2, count: 1 };
  const waiting = engine.gradients(batch, new Float32Array(1), [0], new Float32Array(1));
  engine.fail('the GPU training window stopped (crashed)');
  await assert.rejects(waiting, GpuDeviceLostError);
  await assert.rejects(engine.gradients(batch, new Float32Array(1), [0], new Float32Array(1)), /window stopped \(crashed\)/);
  await engine.dispose();
  assert.equal(sent.length, 1, 'nothing more is posted to a dead window');
});

test('a reply that arrives empty (a transferred ArrayBuffer on MessagePortMain) fails the step instead of hanging it', async () => {
  let deliver: (m: FromGpuWindow) => void = () => {};
  const engine = new GpuWindowEngine({ post: () => {}, onMessage: (handler) => (deliver = handler) });
  const batch = { x1: new Float32Array(12), size: 2, count: 1 };
  const waiting = engine.gradients(batch, new Float32Array(1), [0], new Float32Array(1));
  // What electron/electron#34905 delivers: an event whose data was lost.
  deliver(null as unknown as FromGpuWindow);
  await assert.rejects(waiting, (error: Error) => error instanceof GpuDeviceLostError && /arrived unreadable/.test(error.message));
  await engine.dispose(); // returns at once: quitting is not blocked
});

test('well-formed replies still resolve their request', async () => {
  let deliver: (m: FromGpuWindow) => void = () => {};
  const sent: ToGpuWindow[] = [];
  const engine = new GpuWindowEngine({ post: (m) => sent.push(m), onMessage: (handler) => (deliver = handler) });
  const grads = new Float32Array(1);
  const waiting = engine.gradients({ x1: new Float32Array(12), size: 2, count: 1 }, new Float32Array(1), [0], grads);
  deliver({ type: 'gradients', id: sent[0].id, grads: new Float32Array([0.5]), loss: 1, globalMi: 0, localMi: 0, prior: 0, stepMs: 3 });
  assert.equal((await waiting).loss, 1);
  assert.equal(grads[0], 0.5);
});
