// The heavy work a job spec describes (jobs/jobSpec.ts): scan, embed, train (a retrain, a recipe,
// the first model), cluster (or regroup), duplicates. The same work runs in the app's or `likeness
// serve`'s queue (api/libraryJobs.ts) and in a CLI command's own process (cli/heavy.ts), so that only
// one heavy job uses the CPU/GPU at a time and both print the same summary.
// Heavy modules are imported when the work runs: commands that may only hand work on, or find it
// already done (`likeness clusters` listing stored clusters), do not load TensorFlow.js or sharp.
import type { LossPoint, ModelVersion } from '../../shared/api';
import type { Core } from '../core';
import type { ScanSummary } from '../library/scan';
import type { TrainHooks } from '../model/train';
import { activeModel } from '../store/models';
import type { JobContext } from './runner';
import type { HeavySpec } from './jobSpec';
import type { RetrainOutcome } from './retrain';

export type { HeavySpec } from './jobSpec';

/** What each kind (and train mode) hands back to the command that asked (JSON, stored with the job when it ran elsewhere). */
interface HeavyResults {
  scan: ScanSummary;
  embed: { modelId: number; embedded: number; threads: number };
  retrain: { outcome: RetrainOutcome } | { paused: true };
  recipe: { model: ModelVersion };
  'first-model': { model: ModelVersion };
  clusters: { clusteringId: number };
  regroup: { clusteringId: number | null; groups: number };
  duplicates: { groups: number };
}

type ResultKey<S extends HeavySpec> = S extends { mode: infer M extends keyof HeavyResults } ? M : S['kind'] & keyof HeavyResults;
export type HeavyResult<S extends HeavySpec> = HeavyResults[ResultKey<S>];

export interface HeavyOptions {
  /** Grouping in a worker thread (the queue's owner keeps answering requests meanwhile). */
  inWorker?: boolean;
  /** Told which backend embedding runs on. */
  onBackend?: (info: { backend: string; device: string }) => void;
  /** Each loss point of a training run, as it is logged. */
  onLoss?: (point: LossPoint, modelId: number) => void;
  /** A recipe's training run: its backend plan and its workers' messages (`likeness train` prints them). */
  trainHooks?: Pick<TrainHooks, 'onBackendPlan' | 'onEvent'>;
}

/** The job's message while it waits and runs. */
export function heavyMessage(spec: HeavySpec): string {
  switch (spec.kind) {
    case 'scan':
      if (spec.files) return `Updating the library with ${spec.files.length.toLocaleString()} changes in your folders`;
      return spec.paths.length === 0
        ? 'Rescanning the library'
        : `Indexing ${spec.paths.length === 1 ? spec.paths[0] : `${spec.paths.length} folders`}`;
    case 'embed':
      return 'Computing embeddings';
    case 'train':
      return spec.mode === 'first-model' ? 'Training a first model on your photos' : spec.message;
    case 'cluster':
      return 'Grouping similar photos';
    case 'duplicates':
      return 'Finding near-duplicates';
  }
}

/** What a scan did, in words: the job's summary and `likeness index` both say it so. */
export function scanCounts(s: ScanSummary): string {
  // The counts that say something (a status bar has room for a few); all zero: nothing was found.
  const counts = { added: s.added, updated: s.updated, moved: s.moved, removed: s.removed, unchanged: s.unchanged, failed: s.failed };
  const said = Object.entries(counts).filter(([, n]) => n > 0);
  return said.length ? said.map(([what, n]) => `${n} ${what}`).join(', ') : 'no photos found';
}

type Done<S extends HeavySpec> = { summary: string; result: HeavyResult<S> };

/** Runs the work a spec describes. */
export async function heavyWork<S extends HeavySpec>(core: Core, spec: S, ctx: JobContext, options: HeavyOptions = {}): Promise<Done<S>> {
  const done = (summary: string, result: HeavyResults[keyof HeavyResults]): Done<S> => ({ summary, result: result as HeavyResult<S> });
  const { onProgress, signal } = ctx;
  switch (spec.kind) {
    case 'scan': {
      const s = spec.files
        ? await (await import('../library/sync')).syncPaths(core, spec.files, { onProgress, signal })
        : await (await import('../library/scan')).indexFolders(core, spec.paths, { onProgress, signal });
      return done(`${spec.files ? 'Library updated' : 'Indexing finished'}: ${scanCounts(s)}`, s);
    }
    case 'embed': {
      const { embedLibrary } = await import('../model/embed');
      const r = await embedLibrary(core, { modelId: spec.modelId, backend: spec.backend, onBackend: options.onBackend, onProgress, signal });
      return done(`Embeddings up to date (${r.embedded} new)`, r);
    }
    case 'train': {
      if (spec.mode === 'recipe') {
        const { trainModel } = await import('../model/train');
        const model = await trainModel(core, spec.recipe, { ...options.trainHooks, onProgress, signal, onLoss: options.onLoss });
        return done(`Model version ${model.id} ${model.status}: ${model.steps} steps`, { model });
      }
      if (spec.mode === 'first-model') {
        const { trainFirstModel } = await import('./firstModelRun');
        const { model, summary } = await trainFirstModel(core, { onProgress, signal }, options.onLoss);
        return done(summary, { model });
      }
      const { retrain } = await import('./retrain');
      let stage = 'training';
      const ran = await untilDeadline(spec.deadline, signal, (stop) =>
        retrain(core, {
          ...spec.options,
          signal: stop,
          onStage: (s) => (stage = s),
          onProgress: (p) => onProgress({ ...p, message: p.message ? `${stage}: ${p.message}` : stage }),
          onLoss: options.onLoss,
        }),
      );
      if (ran === DEADLINE) return done('The retraining window ended: it continues from its checkpoint next time.', { paused: true });
      return done(ran.summary, { outcome: ran });
    }
    case 'cluster': {
      if (spec.mode === 'regroup') {
        // Clusters need a model; near-duplicates are found from the pixels, model or not.
        const clustering = activeModel(core.db) ? await clusteringNow(core, { onProgress, signal }, options) : null;
        const groups = await duplicatesNow(core, { onProgress, signal }, options);
        const parts = [...(clustering ? [clusteredLine(clustering)] : []), `${groups} near-duplicate groups`];
        return done(parts.join('; '), { clusteringId: clustering?.id ?? null, groups });
      }
      const row = await clusteringNow(
        core,
        { minClusterSize: spec.minClusterSize, selection: spec.selection, force: spec.force, onProgress, signal },
        options,
      );
      return done(clusteredLine(row), { clusteringId: row.id });
    }
    case 'duplicates': {
      const groups = await duplicatesNow(core, { onProgress, signal }, options);
      return done(`${groups} near-duplicate groups`, { groups });
    }
  }
}

type ClusterOptions = import('../search/service').ClusterOptions;
type ClusteringRow = Awaited<ReturnType<typeof import('../search/service').currentClustering>>;

async function clusteringNow(core: Core, clusterOptions: ClusterOptions, options: HeavyOptions): Promise<ClusteringRow> {
  return options.inWorker
    ? (await import('../search/background')).currentClusteringInWorker(core, clusterOptions)
    : (await import('../search/service')).currentClustering(core, clusterOptions);
}

async function duplicatesNow(core: Core, ctx: JobContext, options: HeavyOptions): Promise<number> {
  const groups = options.inWorker
    ? await (await import('../search/background')).duplicateGroupsInWorker(core, ctx)
    : (await import('../search/service')).currentDuplicateGroups(core, ctx);
  return groups.length;
}

const clusteredLine = (row: ClusteringRow) => `Grouped ${row.photoCount - row.unclustered} of ${row.photoCount} photos into clusters`;

const DEADLINE = Symbol('deadline');

/**
 * Runs `work` with a signal that aborts at `deadline` (ISO time; null: none) or when `signal`
 * does. Stopped by the deadline it resolves to DEADLINE (the work has left a checkpoint to continue
 * from); the user's cancel stays a cancel and rejects as the work does.
 */
async function untilDeadline<T>(deadline: string | null, signal: AbortSignal, work: (stop: AbortSignal) => Promise<T>): Promise<T | typeof DEADLINE> {
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const at = deadline === null ? null : Date.parse(deadline);
  const timer = at === null ? null : setTimeout(() => stop.abort(), Math.max(0, at - Date.now()));
  try {
    return await work(stop.signal);
  } catch (error) {
    if (stop.signal.aborted && !signal.aborted) return DEADLINE;
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (timer) clearTimeout(timer);
  }
}
