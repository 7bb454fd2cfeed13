// Choosing the TensorFlow.js backend: native TensorFlow (tfjs-node-gpu, then tfjs-node) when one
// of those optional packages loaded, else the wasm backend (SIMD, with the kernels it lacks
// registered here), else the pure-JS cpu backend as a last resort. Every run reports which it used.
import * as tf from '@tensorflow/tfjs';
import { cpus } from 'node:os';
import { registerMissingWasmKernels } from './wasmKernels';
import { describeAdapter, probeWebGpu } from './webgpu';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];
export interface BackendInfo {
  backend: string;
  device: string;
}

let chosen: BackendInfo | null = null;

async function tryImport(name: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ name);
    return true;
  } catch {
    return false;
  }
}

function cpuName(): string {
  const c = cpus();
  return c.length ? `${c[0].model.trim()} (${c.length} cores)` : 'cpu';
}

/**
 * Initialise a backend once per thread. `preferred` forces one (tests compare wasm with cpu);
 * LIKENESS_BACKEND does the same from the environment.
 */
export async function initBackend(preferred: BackendName | undefined = process.env.LIKENESS_BACKEND as BackendName | undefined): Promise<BackendInfo> {
  if (chosen && (!preferred || tf.getBackend() === preferred)) return chosen;
  // WebGPU (Dawn) is chosen only by name for now: its backend cannot read tensors synchronously in
  // Node (tfjs reads through an OffscreenCanvas), and the trainer still does.
  const order: BackendName[] = preferred ? [preferred] : ['tensorflow', 'wasm', 'cpu'];
  const skipped: string[] = [];
  for (const name of order) {
    if (name === 'tensorflow') {
      const gpu = await tryImport('@tensorflow/tfjs-node-gpu');
      if (!gpu && !(await tryImport('@tensorflow/tfjs-node'))) continue;
      if (await tf.setBackend('tensorflow')) {
        chosen = { backend: gpu ? 'tensorflow (tfjs-node-gpu)' : 'tensorflow (tfjs-node)', device: gpu ? 'gpu' : cpuName() };
        return chosen;
      }
    } else if (name === 'webgpu') {
      const probe = await probeWebGpu(preferred === 'webgpu');
      if (!probe.ok) {
        skipped.push(`webgpu: ${probe.reason}`);
        continue;
      }
      // Loaded only now: the module registers its backend only if navigator.gpu already exists.
      await import('@tensorflow/tfjs-backend-webgpu');
      if (await tf.setBackend('webgpu')) {
        await tf.ready();
        chosen = { backend: 'webgpu', device: describeAdapter(probe.adapter) };
        return chosen;
      }
    } else if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
      registerMissingWasmKernels();
      try {
        if (await tf.setBackend('wasm')) {
          await tf.ready();
          const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
          const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
          chosen = { backend: 'wasm', device: `${cpuName()}, simd ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}` };
          return chosen;
        }
      } catch {
        // fall through to cpu
      }
    } else {
      await tf.setBackend('cpu');
      await tf.ready();
      chosen = { backend: 'cpu', device: cpuName() };
      return chosen;
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised (tried ${order.join(', ')}${skipped.length ? `; ${skipped.join('; ')}` : ''})`);
}

export function describeBackend(info: BackendInfo): string {
  return `${info.backend} on ${info.device}`;
}
