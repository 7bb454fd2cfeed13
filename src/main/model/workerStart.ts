// Starting a worker thread on one of the model's worker scripts, under tsx (development, tests,
// the CLI) or from the build (worker .js files beside this module).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Worker threads for data-parallel training and embedding: both cores of a 2-core machine. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/**
 * A worker thread does not inherit the main thread's tsx loader: under tsx, start the .ts script
 * through a tiny ESM bootstrap that registers tsx first.
 */
export function startModelWorker(name: 'worker' | 'embedWorker', workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, import.meta.url), { workerData });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const script = new URL(`./${name}.ts`, import.meta.url).href;
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(script)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData });
}
