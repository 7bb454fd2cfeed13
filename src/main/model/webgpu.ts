// WebGPU in plain Node through Dawn (the `webgpu` package's prebuilt dawn.node), for the CLI,
// `likeness serve` and their training workers. Not for Electron's main process, which refuses the
// external array buffers dawn.node hands out: the desktop app uses Chromium's own WebGPU instead.
//
// Traps this module exists for: tfjs-backend-webgpu registers itself only if navigator.gpu exists
// when its module loads, so Dawn is set up before that import; with no adapter tfjs throws inside
// its factory, so the adapter is requested here first; and only Vulkan, Metal or D3D12 adapters
// are used — Dawn's OpenGL ES path gave silently wrong filter gradients on Mesa.

import { SOFTWARE_ADAPTER, type GpuAdapterInfo } from '../../gpu/protocol';

export { describeAdapter } from '../../gpu/protocol';

/** The adapter Dawn gives (the GPU window's are described the same way, with api 'webgpu' or 'webgl2'). */
export interface GpuAdapterDescription extends GpuAdapterInfo {
  api: 'vulkan' | 'metal' | 'd3d12';
}

export type WebGpuProbe = { ok: true; adapter: GpuAdapterDescription } | { ok: false; reason: string };

const API_FOR_PLATFORM: Partial<Record<NodeJS.Platform, GpuAdapterDescription['api']>> = { linux: 'vulkan', darwin: 'metal', win32: 'd3d12' };

let probed: Promise<WebGpuProbe> | null = null;

/**
 * Finds a GPU adapter through Dawn and, if there is one, installs `navigator.gpu` so the tfjs
 * webgpu backend can load. Software adapters count only when `allowSoftware` is set.
 */
export function probeWebGpu(allowSoftware = false): Promise<WebGpuProbe> {
  probed ??= probe();
  return probed.then((result) =>
    result.ok && result.adapter.software && !allowSoftware
      ? { ok: false, reason: `only a software adapter (${result.adapter.description}); use --backend webgpu to force it` }
      : result,
  );
}

async function probe(): Promise<WebGpuProbe> {
  const api = API_FOR_PLATFORM[process.platform];
  if (!api) return { ok: false, reason: `no supported GPU API on ${process.platform}` };
  if (process.versions.electron) return { ok: false, reason: 'Dawn cannot run in Electron’s main process' };
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch (error) {
    return { ok: false, reason: `the WebGPU runtime (dawn.node) did not load: ${(error as Error).message.split('\n')[0]}` };
  }
  const gpu = dawn.create([`backend=${api}`]);
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { ok: false, reason: `requesting a GPU adapter failed: ${(error as Error).message}` };
  }
  if (!adapter) return { ok: false, reason: `no ${api} GPU adapter (no driver, or no GPU)` };
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  Object.assign(globalThis, dawn.globals);
  const existing = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', { value: { ...existing, gpu }, configurable: true, writable: true });
  const software = info.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(`${info.architecture} ${info.device} ${info.description}`);
  return {
    ok: true,
    adapter: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, software, api },
  };
}
