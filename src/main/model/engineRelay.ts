// The desktop app's GPU window engine, reached from a training worker thread: the worker runs the
// training loop (reading batches from SQLite, augmenting them, Adam, checkpoints) and relays only
// the engine's calls over a MessagePort to the main process, which forwards them to the window.
// Before, the whole loop ran on the main process, whose event loop then stalled for every batch.
import type { MessagePort } from 'node:worker_threads';
import type { GpuAdapterInfo } from '../../gpu/protocol';
import type { ModelConfig } from './config';
import { GpuDeviceLostError } from './gpuEngine';
import type { GradientEngine } from './gradientEngine';
import type { HostBatch, StepLosses } from './trainer';

/** What the training loop needs of a remote (GPU window) engine: GpuWindowEngine, or this relay to one. */
export interface RemoteEngine extends GradientEngine {
  info: { backend: string; device: string; adapter?: GpuAdapterInfo };
  load(config: ModelConfig, values: Map<string, Float32Array>): Promise<void>;
}

type Call =
  | { call: 'load'; config: ModelConfig; values: [string, Float32Array][] }
  | { call: 'setTrainable'; weights: Float32Array }
  | { call: 'gradients'; batch: HostBatch; eps: Float32Array; perm: number[]; size: number }
  | { call: 'recalibrate'; batches: { x: Float32Array; count: number; size: number }[] }
  | { call: 'values'; config: ModelConfig }
  | { call: 'dispose' };

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string; deviceLost: boolean };

/** Main-process side: answers the worker's calls with the real engine, in order. */
export function serveEngine(port: MessagePort, engine: RemoteEngine): void {
  port.on('message', async ({ id, ...c }: Call & { id: number }) => {
    try {
      let result: unknown = null;
      if (c.call === 'load') {
        await engine.load(c.config, new Map(c.values));
        result = engine.info;
      } else if (c.call === 'setTrainable') engine.setTrainable(c.weights);
      else if (c.call === 'gradients') {
        const grads = new Float32Array(c.size);
        result = { losses: await engine.gradients(c.batch, c.eps, c.perm, grads), grads };
      } else if (c.call === 'recalibrate') result = await engine.recalibrate(c.batches);
      else if (c.call === 'values') result = [...(await engine.values(c.config))];
      else await engine.dispose();
      if (id >= 0) port.postMessage({ id, ok: true, result } satisfies Reply);
    } catch (error) {
      port.postMessage({ id, ok: false, message: (error as Error).message, deviceLost: error instanceof GpuDeviceLostError } satisfies Reply);
    }
  });
}

/** Worker side: the engine the training loop drives, each call answered by the main process. */
export class RelayEngine implements RemoteEngine {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  info: RemoteEngine['info'] = { backend: 'gpu window', device: 'not started' };

  constructor(private readonly port: MessagePort) {
    port.on('message', (r: Reply) => {
      const w = this.waiting.get(r.id);
      if (!w) return;
      this.waiting.delete(r.id);
      if (r.ok) w.resolve(r.result);
      else w.reject(r.deviceLost ? new GpuDeviceLostError(r.message) : new Error(r.message));
    });
  }

  private call<T>(c: Call): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.port.postMessage({ ...c, id });
    });
  }

  async load(config: ModelConfig, values: Map<string, Float32Array>): Promise<void> {
    this.info = await this.call<RemoteEngine['info']>({ call: 'load', config, values: [...values] });
  }

  setTrainable(weights: Float32Array): void {
    // No reply needed: the port keeps the order, so the next step sees these weights.
    this.port.postMessage({ call: 'setTrainable', weights, id: -1 });
  }

  async gradients(batch: HostBatch, eps: Float32Array, perm: number[], gradOut: Float32Array): Promise<StepLosses> {
    const r = await this.call<{ losses: StepLosses; grads: Float32Array }>({ call: 'gradients', batch, eps, perm, size: gradOut.length });
    gradOut.set(r.grads);
    return r.losses;
  }

  recalibrate(batches: Iterable<{ x: Float32Array; count: number; size: number }>): Promise<number> {
    return this.call<number>({ call: 'recalibrate', batches: [...batches] });
  }

  async values(config: ModelConfig): Promise<Map<string, Float32Array>> {
    return new Map(await this.call<[string, Float32Array][]>({ call: 'values', config }));
  }

  async dispose(): Promise<void> {
    await this.call({ call: 'dispose' }).catch(() => {});
    this.port.close();
  }
}
