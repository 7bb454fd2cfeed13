// The main process's side of the GPU training window (src/gpu): requests over a port, each answered
// once, as a GradientEngine the training loop drives exactly like the in-thread tfjs one.
import { describeAdapter, type FromGpuWindow, type GpuAdapterInfo, type GpuPort, type GpuPreference, type ToGpuWindow } from '../../gpu/protocol';
import type { ModelConfig } from './config';
import type { GradientEngine } from './gradientEngine';
import { paramSpecs } from './params';
import type { HostBatch, StepLosses } from './trainer';

type Request = ToGpuWindow extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

export class GpuDeviceLostError extends Error {}

export class GpuWindowEngine implements GradientEngine {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (m: FromGpuWindow) => void; reject: (e: Error) => void }>();
  private pendingWeights: Float32Array | undefined;
  /** Why the window is gone, once it is: later requests fail at once (a dead window never answers). */
  private gone: string | null = null;
  info = { backend: 'gpu window', device: 'not started' } as { backend: string; device: string; adapter?: GpuAdapterInfo };
  lastStepMs = 0;

  /** `prefer`: which of the window's backends to use ('auto': WebGPU when it has an adapter, else WebGL 2). */
  constructor(
    private readonly port: GpuPort<FromGpuWindow, ToGpuWindow>,
    readonly prefer: GpuPreference = 'auto',
  ) {
    port.onMessage((m) => {
      if (!isReply(m)) {
        // A message that arrived empty or malformed (as Electron's MessagePortMain delivers one sent
        // with a transferred ArrayBuffer, electron/electron#34905) answers nothing we can tell:
        // fail what waits rather than wait for ever (a pending step also blocked quitting).
        this.fail('a message from the GPU training window arrived unreadable');
        return;
      }
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.type === 'error') w.reject(m.deviceLost ? new GpuDeviceLostError(m.message) : new Error(`GPU window: ${m.message}`));
      else w.resolve(m);
    });
  }

  private request<T extends FromGpuWindow['type']>(message: Request, expect: T): Promise<Extract<FromGpuWindow, { type: T }>> {
    if (this.gone) return Promise.reject(new GpuDeviceLostError(this.gone));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, {
        resolve: (m) =>
          m.type === expect
            ? resolve(m as Extract<FromGpuWindow, { type: T }>)
            : reject(new Error(`GPU window answered ${m.type} to ${message.type}`)),
        reject,
      });
      this.port.post({ ...message, id } as ToGpuWindow);
    });
  }

  /** Loads the model into the window (all parameters, spec order) on its best GPU backend. */
  async load(config: ModelConfig, values: Map<string, Float32Array>, prefer: GpuPreference = this.prefer): Promise<void> {
    const specs = paramSpecs(config);
    const ready = await this.request({ type: 'init', config, values: specs.map((s) => values.get(s.name)!), prefer }, 'ready');
    this.info = {
      backend: ready.backend === 'webgpu' ? 'webgpu (Chromium)' : 'webgl 2 (Chromium)',
      device: describeAdapter(ready.adapter),
      adapter: ready.adapter,
    };
  }

  /** Sets up the window's backend without a model, to see which GPU (and whether software) it has. */
  async probe(): Promise<GpuAdapterInfo> {
    const ready = await this.request({ type: 'probe', prefer: this.prefer }, 'ready');
    return ready.adapter;
  }

  /** The window went away (its renderer crashed, or the app closes it): every waiting request fails as a lost device. */
  fail(message: string): void {
    this.gone ??= message;
    for (const w of this.waiting.values()) w.reject(new GpuDeviceLostError(message));
    this.waiting.clear();
  }

  setTrainable(weights: Float32Array): void {
    // Sent with the next request: one message per step.
    this.pendingWeights = weights.slice();
  }

  async gradients(batch: HostBatch, eps: Float32Array, perm: number[], gradOut: Float32Array): Promise<StepLosses> {
    const weights = this.pendingWeights;
    this.pendingWeights = undefined;
    const r = await this.request(
      { type: 'step', x1: batch.x1, x2: batch.x2, size: batch.size, count: batch.count, cutMix: batch.cutMix, eps, perm, weights },
      'gradients',
    );
    gradOut.set(r.grads);
    this.lastStepMs = r.stepMs;
    return { loss: r.loss, globalMi: r.globalMi, localMi: r.localMi, prior: r.prior };
  }

  async recalibrate(batches: Iterable<{ x: Float32Array; count: number; size: number }>): Promise<number> {
    const weights = this.pendingWeights;
    this.pendingWeights = undefined;
    const r = await this.request({ type: 'recalibrate', batches: [...batches], weights }, 'done');
    return r.batches ?? 0;
  }

  async values(config: ModelConfig): Promise<Map<string, Float32Array>> {
    if (this.pendingWeights) await this.recalibrate([]);
    const r = await this.request({ type: 'values' }, 'values');
    return new Map(paramSpecs(config).map((s, i) => [s.name, r.values[i]]));
  }

  async dispose(): Promise<void> {
    await this.request({ type: 'dispose' }, 'done').catch(() => {});
    for (const w of this.waiting.values()) w.reject(new Error('GPU window closed'));
    this.waiting.clear();
  }
}

const REPLY_TYPES = new Set<string>(['ready', 'gradients', 'values', 'done', 'error']);

function isReply(m: unknown): m is FromGpuWindow {
  if (typeof m !== 'object' || m === null) return false;
  const { id, type } = m as { id?: unknown; type?: unknown };
  return typeof id === 'number' && typeof type === 'string' && REPLY_TYPES.has(type);
}
