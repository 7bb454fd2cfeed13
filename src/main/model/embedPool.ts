// Embedding on W worker threads (both cores by default), off the main thread: each worker holds
// the model and embeds the batches it is sent; batches go to whichever worker is free.
import type { Worker } from 'node:worker_threads';
import type { SourceImage } from './augment';
import type { BackendName } from './backend';
import type { ModelConfig } from './config';
import type { EmbedReply, EmbedWorkerInit } from './embedWorker';
import { defaultWorkers, startModelWorker } from './workerStart';

interface Pending {
  resolve: (v: Float32Array[]) => void;
  reject: (e: Error) => void;
}

export class EmbedPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  backend = '';
  device = '';

  private constructor(private readonly workers: Worker[]) {}

  static async start(config: ModelConfig, values: Map<string, Float32Array>, count = defaultWorkers(), backend?: BackendName): Promise<EmbedPool> {
    const init: EmbedWorkerInit = { config, values, backend };
    const workers = Array.from({ length: count }, () => startModelWorker('embedWorker', init));
    const pool = new EmbedPool(workers);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.on('error', reject);
            w.on('message', (m: EmbedReply) => {
              if ('ready' in m) {
                pool.backend = m.backend;
                pool.device = `${m.device}; ${count} embedding thread${count > 1 ? 's' : ''}`;
                pool.idle.push(w);
                resolve();
                return;
              }
              const p = pool.pending.get(m.id);
              if (m.id === -1 && 'error' in m) return reject(new Error(m.error));
              if (!p) return;
              pool.pending.delete(m.id);
              pool.release(w);
              if ('error' in m) p.reject(new Error(m.error));
              else {
                const n = m.vectors.length / m.dim;
                p.resolve(Array.from({ length: n }, (_, i) => m.vectors.subarray(i * m.dim, (i + 1) * m.dim)));
              }
            });
          }),
      ),
    ).catch(async (e) => {
      await pool.close();
      throw e;
    });
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  private release(w: Worker): void {
    this.idle.push(w);
    this.waiting.shift()?.();
  }

  private async acquire(): Promise<Worker> {
    while (this.idle.length === 0) await new Promise<void>((r) => this.waiting.push(r));
    return this.idle.pop()!;
  }

  /** Embeds one batch on the next free worker. */
  async embed(images: SourceImage[]): Promise<Float32Array[]> {
    const w = await this.acquire();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, images });
    });
  }

  /** Embeds many images in batches, all workers busy; results in input order. */
  async embedAll(images: SourceImage[], batch = 256, onBatch?: (done: number) => void): Promise<Float32Array[]> {
    const out: Float32Array[] = new Array(images.length);
    let done = 0;
    const jobs: Promise<void>[] = [];
    for (let start = 0; start < images.length; start += batch) {
      const s = start;
      jobs.push(
        this.embed(images.slice(s, s + batch)).then((vs) => {
          vs.forEach((v, i) => (out[s + i] = v));
          done += vs.length;
          onBatch?.(done);
        }),
      );
    }
    await Promise.all(jobs);
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
