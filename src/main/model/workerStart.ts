// Starting a worker thread on one of the model's worker scripts, under tsx (development, tests,
// the CLI) or from the build (worker .js files beside this module).
import { availableParallelism } from 'node:os';
import { Worker, type Transferable } from 'node:worker_threads';

/** Worker threads for data-parallel training and embedding: both cores of a 2-core machine. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/**
 * A worker thread does not inherit the main thread's tsx loader: under tsx, start the .ts script
 * through a tiny ESM bootstrap that registers tsx first.
 */
export function startModelWorker(name: 'worker' | 'embedWorker', workerData: unknown, transferList: Transferable[] = []): Worker {
  return startWorkerScript(import.meta.url, name, workerData, transferList);
}

/**
 * Starts the worker script `name` that sits beside the module whose `import.meta.url` is `base`:
 * `name`.ts under tsx, `name`.js in the build (every worker is an entry of electron.vite.config's
 * main build, all in one flat folder).
 */
export function startWorkerScript(base: string, name: string, workerData: unknown, transferList: Transferable[] = []): Worker {
  if (!base.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, base), { workerData, transferList });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const script = new URL(`./${name}.ts`, base).href;
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(script)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData, transferList });
}
