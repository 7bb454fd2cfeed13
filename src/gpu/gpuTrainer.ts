// The GPU training window's side: sets up Chromium's WebGPU (else WebGL 2) for TensorFlow.js and
// answers the main process's requests with the very model and loss code the CLI trains with
// (src/main/model/params, encoder, loss, trainer): only the backend set-up differs.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { ModelConfig } from '../main/model/config';
import { Params, paramSpecs } from '../main/model/params';
import { gradientsFor, recalibrateBatchNorm } from '../main/model/trainer';
import { SOFTWARE_ADAPTER, type FromGpuWindow, type GpuAdapterInfo, type GpuPort, type GpuPreference, type ToGpuWindow } from './protocol';

interface WebGlContext {
  getExtension(name: string): { UNMASKED_VENDOR_WEBGL: number; UNMASKED_RENDERER_WEBGL: number } | null;
  getParameter(p: number): unknown;
  isContextLost(): boolean;
  VENDOR: number;
  RENDERER: number;
}

/** The backend the window trains on: WebGPU when Chromium gives an adapter, else WebGL 2 with float32 render targets. */
export async function setUpGpuBackend(prefer: GpuPreference = 'auto'): Promise<{ backend: 'webgpu' | 'webgl'; adapter: GpuAdapterInfo }> {
  const problems: string[] = [];
  const gpu = (globalThis as unknown as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (prefer !== 'webgl') {
    // Checked here first: with no adapter tfjs throws inside its backend factory.
    const adapter = gpu ? await gpu.requestAdapter({ powerPreference: 'high-performance' }) : null;
    if (adapter && (await tf.setBackend('webgpu'))) {
      await tf.ready();
      const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
      const fallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? info.isFallbackAdapter ?? false;
      return {
        backend: 'webgpu',
        adapter: {
          vendor: info.vendor,
          architecture: info.architecture,
          device: info.device,
          description: info.description,
          software: fallback || SOFTWARE_ADAPTER.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`),
          api: 'webgpu',
        },
      };
    }
    problems.push(gpu ? 'WebGPU: no adapter' : 'WebGPU: not available (navigator.gpu missing)');
  }
  if (prefer !== 'webgpu' && (await tf.setBackend('webgl'))) {
    await tf.ready();
    if (tf.env().getNumber('WEBGL_VERSION') !== 2) problems.push('WebGL: version 1 only');
    else if (!tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) problems.push('WebGL 2: no float32 render targets (half precision cannot train)');
    else {
      const gl = glContext();
      const debug = gl?.getExtension('WEBGL_debug_renderer_info');
      const vendor = String((debug ? gl!.getParameter(debug.UNMASKED_VENDOR_WEBGL) : gl?.getParameter(gl.VENDOR)) ?? '');
      const renderer = String((debug ? gl!.getParameter(debug.UNMASKED_RENDERER_WEBGL) : gl?.getParameter(gl.RENDERER)) ?? '');
      return {
        backend: 'webgl',
        adapter: {
          vendor,
          architecture: '',
          device: renderer,
          description: renderer,
          software: SOFTWARE_ADAPTER.test(`${vendor} ${renderer}`),
          api: 'webgl2',
        },
      };
    }
  } else if (prefer !== 'webgpu') problems.push('WebGL 2: not available');
  throw new Error(`no GPU backend in this window: ${problems.join('; ')}`);
}

function glContext(): WebGlContext | null {
  const backend = tf.backend() as unknown as { gpgpu?: { gl: WebGlContext } };
  return backend.gpgpu?.gl ?? null;
}

/** Whether the GPU behind the current backend has gone away. */
function watchDeviceLoss(): () => string | null {
  let lost: string | null = null;
  if (tf.getBackend() === 'webgpu') {
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    void device.lost.then((l) => (lost = `the GPU device was lost (${l.reason}${l.message ? `: ${l.message}` : ''})`));
    return () => lost;
  }
  return () => lost ?? (glContext()?.isContextLost() ? 'the WebGL context was lost' : null);
}

/** Answers the main process's requests on `port` until it sends 'dispose'. */
export function serveGpuTrainer(port: GpuPort<ToGpuWindow, FromGpuWindow>): void {
  let params: Params | null = null;
  let config: ModelConfig | null = null;
  let lost: () => string | null = () => null;
  // One request at a time, in order: a step must see the weights sent before it.
  let queue: Promise<void> = Promise.resolve();

  const handle = async (m: ToGpuWindow): Promise<FromGpuWindow> => {
    if (m.type === 'probe') {
      const { backend, adapter } = await setUpGpuBackend(m.prefer);
      return { type: 'ready', id: m.id, backend, adapter, trainable: 0 };
    }
    if (m.type === 'init') {
      const { backend, adapter } = await setUpGpuBackend(m.prefer);
      lost = watchDeviceLoss();
      params?.dispose();
      config = m.config;
      const specs = paramSpecs(m.config);
      params = Params.fromValues(m.config, new Map(specs.map((s, i) => [s.name, m.values[i]])));
      return { type: 'ready', id: m.id, backend, adapter, trainable: params.trainableCount };
    }
    if (m.type === 'dispose') {
      params?.dispose();
      params = null;
      return { type: 'done', id: m.id };
    }
    if (!params || !config) throw new Error('the GPU trainer has no model yet (send init first)');
    if (m.type === 'step') {
      if (m.weights) params.writeTrainable(m.weights);
      const t0 = performance.now();
      const grads = new Float32Array(params.trainableCount);
      const l = await gradientsFor(params, { x1: m.x1, x2: m.x2, size: m.size, count: m.count, cutMix: m.cutMix }, m.eps, m.perm, grads);
      return { type: 'gradients', id: m.id, grads, ...l, stepMs: performance.now() - t0 };
    }
    if (m.type === 'recalibrate') {
      if (m.weights) params.writeTrainable(m.weights);
      return { type: 'done', id: m.id, batches: await recalibrateBatchNorm(params, m.batches) };
    }
    const values = await params.values();
    return { type: 'values', id: m.id, values: params.specs.map((s) => values.get(s.name)!) };
  };

  port.onMessage((m) => {
    queue = queue.then(async () => {
      try {
        port.post(await handle(m));
      } catch (error) {
        const gone = lost();
        port.post({ type: 'error', id: m.id, message: gone ?? (error as Error).message, deviceLost: gone !== null });
      }
    });
  });
}
