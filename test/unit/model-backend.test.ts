// Choosing the backend: flag over LIKENESS_BACKEND over the saved setting over automatic; the
// automatic plan never takes a software GPU; the setting round-trips through the API's status call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeCore, openCore } from '../../src/main/core';
import { backendChoice, currentBackend, initBackend, planBackend } from '../../src/main/model/backend';
import { trainingBackendStatus } from '../../src/main/model/backendStatus';
import { probeWebGpu } from '../../src/main/model/webgpu';

test('the flag beats LIKENESS_BACKEND, which beats the saved setting; unknown names are refused', () => {
  const saved = process.env.LIKENESS_BACKEND;
  try {
    delete process.env.LIKENESS_BACKEND;
    assert.equal(backendChoice(undefined, undefined), 'auto');
    assert.equal(backendChoice(undefined, 'cpu'), 'cpu');
    process.env.LIKENESS_BACKEND = 'wasm';
    assert.equal(backendChoice(undefined, 'cpu'), 'wasm');
    assert.equal(backendChoice('webgpu', 'cpu'), 'webgpu');
    assert.throws(() => backendChoice('cuda' as never), /unknown backend 'cuda'/);
  } finally {
    if (saved === undefined) delete process.env.LIKENESS_BACKEND;
    else process.env.LIKENESS_BACKEND = saved;
  }
});

test('the automatic plan takes WebGPU only on a hardware adapter, and says why not', async () => {
  const probe = await probeWebGpu(true);
  const plan = await planBackend('auto');
  if (probe.ok && !probe.adapter.software) assert.equal(plan.name, 'webgpu');
  else {
    assert.notEqual(plan.name, 'webgpu');
    assert.match(plan.reason, /webgpu: /);
  }
  assert.deepEqual(await planBackend('cpu'), { name: 'cpu', reason: 'chosen' });
});

test('the saved setting round-trips, and the status names the GPU adapter seen', async () => {
  const saved = process.env.LIKENESS_BACKEND;
  delete process.env.LIKENESS_BACKEND;
  const root = mkdtempSync(join(tmpdir(), 'likeness-backend-'));
  const core = openCore(root);
  try {
    assert.equal((await trainingBackendStatus(core)).setting, 'auto');
    const set = await trainingBackendStatus(core, 'wasm');
    assert.equal(set.setting, 'wasm');
    assert.equal(set.uses, 'wasm');
    assert.equal((await trainingBackendStatus(core)).setting, 'wasm', 'saved in the library');
    const probe = await probeWebGpu(true);
    assert.deepEqual(set.adapter, probe.ok ? probe.adapter : null);
  } finally {
    if (saved !== undefined) process.env.LIKENESS_BACKEND = saved;
    closeCore(core);
    rmSync(root, { recursive: true, force: true });
  }
});

test('LIKENESS_BACKEND=auto names no backend: a thread keeps the one it has (it used to fall through to plain-JS cpu)', async () => {
  const saved = process.env.LIKENESS_BACKEND;
  try {
    delete process.env.LIKENESS_BACKEND;
    const first = await initBackend('wasm');
    process.env.LIKENESS_BACKEND = 'auto';
    assert.equal((await initBackend()).backend, first.backend);
    // What loading a model does after embedding chose (and maybe fell back): keep it, whatever the environment names.
    process.env.LIKENESS_BACKEND = 'cpu';
    assert.equal((await currentBackend()).backend, first.backend);
    process.env.LIKENESS_BACKEND = 'cuda';
    await assert.rejects(initBackend(), /unknown backend 'cuda'/);
  } finally {
    if (saved === undefined) delete process.env.LIKENESS_BACKEND;
    else process.env.LIKENESS_BACKEND = saved;
  }
});
