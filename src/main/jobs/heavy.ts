// The heavy work CLI commands do (index, embed, retrain, clusters, duplicates), described as data
// so that it can run either in the CLI's own process or, when the app or `likeness serve` runs this
// library's job queue, as a job in that queue: only one heavy job then uses the CPU/GPU at a time.
// A spec is stored as the job's params, in the shapes the service already uses to start a job
// again after a restart (scan: `paths`; train: `message`, `options`, `deadline`).
import type { JobKind, ModelVersion } from '../../shared/api';
import type { Core } from '../core';
import type { BackendChoice } from '../model/backend';
import type { TrainOptions } from '../model/train';
import type { JobContext } from './runner';

export type HeavySpec =
  | { kind: 'scan'; paths: string[] }
  | { kind: 'embed'; modelId?: number; backend?: BackendChoice }
  | {
      kind: 'train';
      message: string;
      options: { fromScratch?: boolean; minutes?: number; epochs?: number; backend?: BackendChoice };
      /** ISO time at which a retrain stops at a checkpoint (the end of the overnight window). */
      deadline: string | null;
    }
  /** `likeness train`: this recipe, made the active version when it finishes (no quality gate). */
  | { kind: 'train'; message: string; recipe: TrainOptions }
  | { kind: 'cluster'; minClusterSize?: number; selection?: 'eom' | 'leaf'; force?: boolean }
  | { kind: 'duplicates' };

/** What each kind hands back to the command that asked (JSON, stored with the job when it ran elsewhere). */
export interface HeavyResults {
  scan: import('../library/scan').ScanSummary;
  embed: { modelId: number; embedded: number; threads: number };
  train: { outcome: import('./retrain').RetrainOutcome } | { paused: true };
  cluster: { clusteringId: number };
  duplicates: { groups: number };
}

export type HeavyResult<S extends HeavySpec> = S extends { recipe: TrainOptions } ? { model: ModelVersion } : HeavyResults[S['kind']];

export interface HeavyOptions {
  /** Grouping in a worker thread (the queue's owner keeps answering requests meanwhile). */
  inWorker?: boolean;
  /** Told which backend embedding runs on. */
  onBackend?: (info: { backend: string; device: string }) => void;
}

export function heavyMessage(spec: HeavySpec): string {
  switch (spec.kind) {
    case 'scan':
      return spec.paths.length === 0 ? 'Rescanning the library' : `Indexing ${spec.paths.length === 1 ? spec.paths[0] : `${spec.paths.length} folders`}`;
    case 'embed':
      return 'Computing embeddings';
    case 'train':
      return spec.message;
    case 'cluster':
      return 'Grouping similar photos';
    case 'duplicates':
      return 'Finding near-duplicates';
  }
}

/** Reads a spec back from a job's params (null if they are not one). */
export function heavySpecOf(kind: JobKind, params: Record<string, unknown>): HeavySpec | null {
  if (kind === 'scan') return Array.isArray(params.paths) ? { kind, paths: params.paths.filter((p): p is string => typeof p === 'string') } : null;
  if (kind === 'train') {
    if (typeof params.recipe === 'object' && params.recipe !== null) return { kind, message: String(params.message ?? 'Training the model'), recipe: params.recipe as TrainOptions };
    if (typeof params.options !== 'object' || params.options === null) return null;
    const options = params.options as Extract<HeavySpec, { kind: 'train'; options: unknown }>['options'];
    return { kind, message: String(params.message ?? 'Retraining the model'), options, deadline: typeof params.deadline === 'string' ? params.deadline : null };
  }
  return { ...(params as object), kind } as HeavySpec;
}

/** Runs the work; heavy modules are loaded only when needed (`likeness jobs` stays light). */
export async function heavyWork<S extends HeavySpec>(core: Core, spec: S, ctx: JobContext, options: HeavyOptions = {}): Promise<{ summary: string; result: HeavyResult<S> }> {
  const { onProgress, signal } = ctx;
  const done = (summary: string, result: HeavyResults[keyof HeavyResults] | { model: ModelVersion }) => ({ summary, result: result as HeavyResult<S> });
  switch (spec.kind) {
    case 'scan': {
      const { indexFolders } = await import('../library/scan');
      const s = await indexFolders(core, spec.paths, { onProgress, signal });
      return done(`Indexing finished: ${s.added} added, ${s.updated} updated, ${s.removed} removed, ${s.unchanged} unchanged, ${s.failed} failed`, s);
    }
    case 'embed': {
      const { embedLibrary } = await import('../model/embed');
      const r = await embedLibrary(core, { modelId: spec.modelId, backend: spec.backend, onBackend: options.onBackend, onProgress, signal });
      return done(`Embeddings up to date (${r.embedded} new)`, r);
    }
    case 'train': {
      if ('recipe' in spec) {
        const { trainModel } = await import('../model/train');
        const model = await trainModel(core, spec.recipe, { onProgress, signal });
        return done(`Model version ${model.id} ${model.status}: ${model.steps} steps`, { model });
      }
      const { retrain } = await import('./retrain');
      // The deadline stops the run at a checkpoint; the user's cancel stays a cancel.
      const stop = new AbortController();
      const onAbort = () => stop.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const deadline = spec.deadline ? Date.parse(spec.deadline) : null;
      const timer = deadline === null ? null : setTimeout(() => stop.abort(), Math.max(0, deadline - Date.now()));
      let stage = 'training';
      try {
        const outcome = await retrain(core, {
          ...spec.options,
          signal: stop.signal,
          onStage: (s) => (stage = s),
          onProgress: (p) => onProgress({ ...p, message: stage }),
        });
        return done(outcome.summary, { outcome });
      } catch (error) {
        if (stop.signal.aborted && !signal.aborted) return done('The retraining window ended: it continues from its checkpoint next time.', { paused: true });
        throw error;
      } finally {
        signal.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
      }
    }
    case 'cluster': {
      const clusterOptions = { minClusterSize: spec.minClusterSize, selection: spec.selection, force: spec.force, onProgress, signal };
      const row = options.inWorker
        ? await (await import('../search/background')).currentClusteringInWorker(core, clusterOptions)
        : (await import('../search/service')).currentClustering(core, clusterOptions);
      return done(`Grouped ${row.photoCount - row.unclustered} of ${row.photoCount} photos into clusters`, { clusteringId: row.id });
    }
    case 'duplicates': {
      const groups = options.inWorker
        ? await (await import('../search/background')).duplicateGroupsInWorker(core, { onProgress, signal })
        : (await import('../search/service')).currentDuplicateGroups(core, { onProgress, signal });
      return done(`${groups.length} near-duplicate groups`, { groups: groups.length });
    }
  }
}
