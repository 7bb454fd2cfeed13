// The backend choice as the Training screen and `likeness backend` show it: the saved setting,
// what it resolves to on this machine and why, and the GPU seen. In the desktop app the GPU is the
// hidden training window's (probed once per run of the app); elsewhere Dawn's adapter.
import type { TrainingBackend } from '../../shared/api';
import type { Core } from '../core';
import { getSetting, setSetting } from '../store/settings';
import { BACKEND_SETTING, backendChoice, planBackend, type BackendChoice } from './backend';
import { gpuWindowOpener } from './gpuWindowOpener';
import { describeAdapter, probeWebGpu } from './webgpu';

let windowProbe: Promise<TrainingBackend['adapter'] | string> | null = null;

function probeGpuWindow(): Promise<TrainingBackend['adapter'] | string> {
  const open = gpuWindowOpener();
  if (!open) return Promise.resolve('no GPU window');
  windowProbe ??= (async () => {
    const window = await open();
    try {
      return await window.engine.probe();
    } finally {
      window.close();
    }
  })().catch((error: Error) => error.message);
  return windowProbe;
}

export async function trainingBackendStatus(core: Core, set?: BackendChoice): Promise<TrainingBackend> {
  if (set) setSetting(core.db, BACKEND_SETTING, set);
  const setting = getSetting(core.db, BACKEND_SETTING);
  const choice = backendChoice(undefined, setting);
  if (gpuWindowOpener() && (choice === 'auto' || choice === 'webgpu')) {
    const seen = await probeGpuWindow();
    if (typeof seen === 'string') return { setting, uses: 'wasm', reason: `no GPU window: ${seen}`, adapter: null };
    const name = describeAdapter(seen!);
    if (seen!.software && choice === 'auto')
      return { setting, uses: 'wasm', reason: `the GPU window has only a software renderer (${name})`, adapter: seen };
    return { setting, uses: `${seen!.api} (GPU window)`, reason: choice === 'webgpu' ? 'chosen' : `GPU ${name}`, adapter: seen };
  }
  const plan = await planBackend(choice);
  const gpu = await probeWebGpu(true);
  return {
    setting,
    uses: plan.name,
    reason: plan.reason === 'chosen' && gpu.ok && plan.name === 'webgpu' ? `chosen: ${describeAdapter(gpu.adapter)}` : plan.reason,
    adapter: gpu.ok ? gpu.adapter : null,
  };
}
