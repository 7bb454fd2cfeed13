// Choosing the TensorFlow.js backend (Node: the CLI, `likeness serve`, their worker threads):
// tfjs-node-gpu on a CUDA device, WebGPU through Dawn on a hardware adapter, native TensorFlow on
// the CPU, the wasm backend (SIMD, with the kernels it lacks registered here), and the pure-JS cpu
// backend as a last resort. Every run reports which it used, and on which device.
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { describeAdapter, probeWebGpu, type GpuAdapterDescription } from './webgpu';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];
/** What the user can ask for: a backend by name, or the automatic choice. */
export type BackendChoice = BackendName | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', ...BACKEND_NAMES];
/** The persisted choice (settings table), used when no --backend flag or LIKENESS_BACKEND is given. */
export const BACKEND_SETTING = 'model.backend' as const;

/** TensorFlow.js, loaded by the first initBackend: planning a backend (`likeness backend`) does without it. */
let loadedTf: typeof import('@tensorflow/tfjs') | null = null;

export interface BackendInfo {
  backend: string;
  device: string;
  /** The GPU adapter, for the webgpu backend. */
  adapter?: GpuAdapterDescription;
}

let chosen: (BackendInfo & { name: BackendName }) | null = null;

async function tryImport(name: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ name);
    return true;
  } catch {
    return false;
  }
}

function resolvable(name: string): boolean {
  try {
    import.meta.resolve(name);
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
 * Whether tfjs-node-gpu would find a CUDA device: it silently runs on the CPU without one (and then
 * WebGPU or even wasm may be faster). NVIDIA's driver exposes /dev/nvidia0 on Linux; on Windows the
 * package only loads with CUDA present.
 */
function cudaDevicePresent(): boolean {
  if (process.platform === 'linux') return existsSync('/dev/nvidia0');
  return process.platform === 'win32';
}

/** The choice from the flag, else LIKENESS_BACKEND, else the setting, else automatic. */
export function backendChoice(flag?: BackendChoice, setting?: BackendChoice): BackendChoice {
  const env = process.env.LIKENESS_BACKEND as BackendChoice | undefined;
  const choice = flag ?? (env || undefined) ?? setting ?? 'auto';
  if (!BACKEND_CHOICES.includes(choice)) throw new Error(`unknown backend '${choice}' (one of ${BACKEND_CHOICES.join(', ')})`);
  return choice;
}

export interface BackendPlan {
  name: BackendName;
  /** Why this one, for the CLI and the Training screen. */
  reason: string;
}

/**
 * The automatic order, decided before any worker starts (a GPU trains on one thread, the CPU
 * backends on all cores): tfjs-node-gpu with a CUDA device → WebGPU on a hardware adapter → native
 * TensorFlow on the CPU (tfjs-node) → wasm. A software adapter (lavapipe, SwiftShader, WARP) is
 * slower than wasm, so it is used only when asked for by name.
 */
export async function planBackend(choice: BackendChoice = 'auto'): Promise<BackendPlan> {
  if (choice !== 'auto') return { name: choice, reason: 'chosen' };
  const notes: string[] = [];
  if (resolvable('@tensorflow/tfjs-node-gpu')) {
    if (cudaDevicePresent()) return { name: 'tensorflow', reason: 'tfjs-node-gpu with a CUDA device' };
    notes.push('tfjs-node-gpu: no CUDA device');
  }
  const probe = await probeWebGpu(false);
  if (probe.ok) return { name: 'webgpu', reason: `GPU adapter ${describeAdapter(probe.adapter)}` };
  notes.push(`webgpu: ${probe.reason}`);
  if (resolvable('@tensorflow/tfjs-node')) return { name: 'tensorflow', reason: `tfjs-node (${notes.join('; ')})` };
  return { name: 'wasm', reason: notes.join('; ') };
}

/** LIKENESS_BACKEND as a backend name; unset or 'auto' names none (and a misspelt one is refused). */
function environmentBackend(): BackendName | undefined {
  const choice = backendChoice(undefined, 'auto');
  return choice === 'auto' ? undefined : choice;
}

/**
 * Initialise a backend once per thread. `preferred` (default: LIKENESS_BACKEND) forces one (a
 * software WebGPU adapter is then accepted); without it the thread keeps the backend it has, else
 * the CPU backends are tried in order (tensorflow, wasm, cpu). With `fallback`, a preferred backend
 * that cannot start gives way to wasm, then cpu.
 */
export async function initBackend(preferred: BackendName | undefined = environmentBackend(), fallback = false): Promise<BackendInfo> {
  if (chosen && (!preferred || chosen.name === preferred)) return chosen;
  const tf = (loadedTf ??= await import('@tensorflow/tfjs'));
  const order: BackendName[] = preferred
    ? [preferred, ...(fallback ? (['wasm', 'cpu'] as const).filter((n) => n !== preferred) : [])]
    : ['tensorflow', 'wasm', 'cpu'];
  const skipped: string[] = [];
  for (const name of order) {
    if (name === 'tensorflow') {
      const gpu = await tryImport('@tensorflow/tfjs-node-gpu');
      if (!gpu && !(await tryImport('@tensorflow/tfjs-node'))) {
        skipped.push('tensorflow: neither tfjs-node-gpu nor tfjs-node is installed');
        continue;
      }
      if (await tf.setBackend('tensorflow')) {
        chosen = { name, backend: gpu ? 'tensorflow (tfjs-node-gpu)' : 'tensorflow (tfjs-node)', device: gpu ? 'gpu' : cpuName() };
        return chosen;
      }
    } else if (name === 'webgpu') {
      const probe = await probeWebGpu(true);
      if (!probe.ok) {
        skipped.push(`webgpu: ${probe.reason}`);
        continue;
      }
      // Loaded only now: the module registers its backend only if navigator.gpu already exists.
      await import('@tensorflow/tfjs-backend-webgpu');
      if (await tf.setBackend('webgpu')) {
        await tf.ready();
        chosen = { name, backend: 'webgpu', device: describeAdapter(probe.adapter), adapter: probe.adapter };
        return chosen;
      }
    } else if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
      (await import('./wasmKernels')).registerMissingWasmKernels();
      try {
        if (await tf.setBackend('wasm')) {
          await tf.ready();
          const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
          const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
          chosen = { name, backend: 'wasm', device: `${cpuName()}, simd ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}` };
          return chosen;
        }
      } catch {
        // fall through to cpu
      }
    } else {
      await tf.setBackend('cpu');
      await tf.ready();
      chosen = { name, backend: 'cpu', device: cpuName() };
      return chosen;
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised (tried ${order.join(', ')}${skipped.length ? `; ${skipped.join('; ')}` : ''})`);
}

/** This thread's backend as already set up (e.g. by initEmbedBackend, fallback included), else initBackend()'s. */
export async function currentBackend(): Promise<BackendInfo> {
  return chosen ?? initBackend();
}

/**
 * The WebGPU device tfjs trains on, when that is the backend: its `lost` promise settles when the
 * GPU resets, the driver crashes or the device is destroyed.
 */
export function webgpuDevice(): GPUDevice | null {
  if (loadedTf?.getBackend() !== 'webgpu') return null;
  return (loadedTf.backend() as unknown as { device: GPUDevice }).device ?? null;
}
