// The service behind src/shared/api.ts: each method takes an already-validated request and calls
// the core modules (library, store, model, search). Long work goes through the JobRunner so that
// exactly one heavy job runs at a time and every client sees its progress as 'job' events.
import type { ApiMethod, ApiResponses, Job, ParsedRequest } from '../../shared/api';
import type { Core } from '../core';
import { JobNotFoundError, JobRunner, type JobWork } from '../jobs/runner';
import { heavySpecOf, heavyWork } from '../jobs/heavy';
import { mergeJobParams } from '../store/jobs';
import { removeFolder } from '../library/folders';
import { addFolder, FolderError, indexFolders } from '../library/scan';
import { retrain, type RetrainOptions } from '../jobs/retrain';
import { LibraryWatcher } from '../jobs/watcher';
import { embedLibrary } from '../model/embed';
import { currentClusteringInWorker, duplicateGroupsInWorker } from '../search/background';
import { similarPhotos } from '../search/quickSimilar';
import { similarSheet } from './similarSheet';
import { clusterPhotoIds, clustersOfClustering, planClustering, planDuplicates, renameCluster, toApiDuplicateGroups } from '../search/service';
import { latestClustering } from '../store/clusters';
import { decisionFor, duplicateGroupById, recordDecision, storedDuplicateGroups } from '../store/duplicates';
import { applyResolve, planResolve, recoverTrashJournal, undoLastResolve, type ResolveChoice } from '../library/resolve';
import { packageTrash, type TrashFunction } from '../library/trash';
import { countEmbeddings } from '../store/embeddings';
import { activateModel, activeModel, getModel, listModels, lossHistory } from '../store/models';
import { trainingBackendStatus } from '../model/backendStatus';
import { getPhoto, libraryCounts, listFolders, listPhotos, listProblems, photoSummaries } from '../store/photos';
import { notFound, ServiceError } from './errors';
import { photoProblem } from './media';
import { EventHub } from './events';
import { automation } from './automation';

export type ServiceHandlers = {
  [M in ApiMethod]: (request: ParsedRequest<M>) => Promise<ApiResponses[M]>;
};

/** What is kept with a job so it can be started again after a restart. */
interface ScanParams {
  paths: string[];
}
interface RetrainParams {
  message: string;
  options: Pick<RetrainOptions, 'minutes' | 'epochs' | 'fromScratch'>;
  deadline: string | null;
}

/** How often a running scan tells clients that the library grew, so the grid fills in as it goes. */
const LIBRARY_CHANGED_INTERVAL_MS = 1500;

export class LikenessService implements ServiceHandlers {
  readonly events = new EventHub();
  /** Keeps the library in step with the disk while the app runs (off until startWatching). */
  private watcher: LibraryWatcher | null = null;

  constructor(
    readonly core: Core,
    readonly jobs: JobRunner = new JobRunner(),
    /** Moves a file to the system trash: Electron's shell.trashItem in the app, the `trash` package in serve. */
    private readonly trash: TrashFunction = packageTrash,
  ) {
    jobs.onChange((job) => this.events.publish({ type: 'job', job }));
  }

  async status(): Promise<ApiResponses['status']> {
    const counts = libraryCounts(this.core.db);
    const active = activeModel(this.core.db);
    return {
      dataDir: this.core.dataDir.root,
      photos: counts.photos,
      folders: counts.folders,
      problems: counts.problems,
      embedded: active ? countEmbeddings(this.core.db, active.id) : 0,
      activeModel: active,
    };
  }

  async listPhotos(request: ParsedRequest<'listPhotos'>): Promise<ApiResponses['listPhotos']> {
    return listPhotos(this.core.db, request);
  }

  async getPhoto({ id }: ParsedRequest<'getPhoto'>): Promise<ApiResponses['getPhoto']> {
    return getPhoto(this.core.db, id) ?? throwNotFound(`photo ${id}`);
  }

  async photoProblem({ id }: ParsedRequest<'photoProblem'>): Promise<ApiResponses['photoProblem']> {
    const photo = getPhoto(this.core.db, id) ?? throwNotFound(`photo ${id}`);
    return { problem: await photoProblem(this.core, photo) };
  }

  async findSimilar({ id, k }: ParsedRequest<'findSimilar'>): Promise<ApiResponses['findSimilar']> {
    if (!getPhoto(this.core.db, id)) throw notFound(`photo ${id}`);
    // Before the first model (or before it has embedded this photo): quick matches from the pixels.
    const { signal, results } = similarPhotos(this.core, id, k);
    const photos = new Map(photoSummaries(this.core.db, results.map((f) => f.photoId)).map((p) => [p.id, p]));
    return results.flatMap((f) => {
      const photo = photos.get(f.photoId);
      return photo ? [{ photo, score: f.score, signal }] : [];
    });
  }

  async similarSheet({ id, k }: ParsedRequest<'similarSheet'>): Promise<ApiResponses['similarSheet']> {
    if (!getPhoto(this.core.db, id)) throw notFound(`photo ${id}`);
    return similarSheet(this.core, id, k);
  }

  async listFolders(): Promise<ApiResponses['listFolders']> {
    return listFolders(this.core.db);
  }

  async addFolder({ path }: ParsedRequest<'addFolder'>): Promise<ApiResponses['addFolder']> {
    let added;
    try {
      added = await addFolder(this.core, path);
    } catch (error) {
      // Not a folder, unreadable, inside our data directory…: the user's mistake, said plainly.
      if (error instanceof FolderError) throw new ServiceError('invalid-request', error.message);
      throw error;
    }
    const folder = listFolders(this.core.db).find((f) => f.id === added.id);
    if (!folder) throw notFound(`folder ${added.id}`);
    const job = this.scan([folder.path]);
    return { folder, job };
  }

  async removeFolder({ id }: ParsedRequest<'removeFolder'>): Promise<ApiResponses['removeFolder']> {
    if (!listFolders(this.core.db).some((f) => f.id === id)) throw notFound(`folder ${id}`);
    if (this.jobs.pending('scan')) throw new ServiceError('unavailable', 'Wait for indexing to finish (or cancel it) before removing a folder.');
    await removeFolder(this.core, id);
    this.restartWatcher();
    this.events.publish({ type: 'library-changed' });
    return { removed: true };
  }


  async listProblems({ limit }: ParsedRequest<'listProblems'>): Promise<ApiResponses['listProblems']> {
    return listProblems(this.core.db, limit);
  }

  /**
   * Clusters as stored. If the embeddings changed since, the last clustering of the active model is
   * shown while a regroup job (queued like any heavy job, computed in a worker thread) brings it up
   * to date; clients hear 'library-changed' when it has.
   */
  async listClusters(): Promise<ApiResponses['listClusters']> {
    const model = activeModel(this.core.db);
    if (!model) return [];
    const plan = planClustering(this.core);
    if (plan.current) return clustersOfClustering(this.core, plan.current.id);
    this.regroup();
    const shown = latestClustering(this.core.db, model.id);
    return shown ? clustersOfClustering(this.core, shown.id) : [];
  }

  async clusterPhotos({ id }: ParsedRequest<'clusterPhotos'>): Promise<ApiResponses['clusterPhotos']> {
    return photoSummaries(this.core.db, clusterPhotoIds(this.core, id));
  }

  async renameCluster({ id, name }: ParsedRequest<'renameCluster'>): Promise<ApiResponses['renameCluster']> {
    return renameCluster(this.core, id, name === null ? null : name.trim() || null);
  }

  /** Near-duplicate groups as stored; if the library changed since, as for clusters, a regroup job is queued. */
  async listDuplicates(): Promise<ApiResponses['listDuplicates']> {
    const plan = planDuplicates(this.core);
    if (plan.current) return toApiDuplicateGroups(this.core, plan.current);
    this.regroup();
    return toApiDuplicateGroups(this.core, storedDuplicateGroups(this.core.db));
  }

  /** The chosen groups with their keepers, checked against the stored groups. */
  private resolveChoices(groups: { id: number; keeperId: number }[]): ResolveChoice[] {
    return groups.map(({ id, keeperId }) => {
      const group = duplicateGroupById(this.core.db, id) ?? throwNotFound(`duplicate group ${id}`);
      if (!group.photoIds.includes(keeperId)) throw new ServiceError('invalid-request', `photo ${keeperId} is not in group ${id}`);
      return { groupId: id, keeperId, photoIds: group.photoIds };
    });
  }

  async previewResolve({ groups }: ParsedRequest<'previewResolve'>): Promise<ApiResponses['previewResolve']> {
    await recoverTrashJournal(this.core);
    const plan = await planResolve(this.core, this.resolveChoices(groups));
    return plan.map((f) => ({ groupId: f.groupId, photoId: f.photoId, path: f.path, action: f.action, reason: f.reason }));
  }

  async resolveDuplicates({ groups }: ParsedRequest<'resolveDuplicates'>): Promise<ApiResponses['resolveDuplicates']> {
    await recoverTrashJournal(this.core);
    const result = await applyResolve(this.core, await planResolve(this.core, this.resolveChoices(groups)), this.trash);
    this.events.publish({ type: 'library-changed' });
    return { trashed: result.trashed, skipped: result.skipped };
  }

  async undoResolve(): Promise<ApiResponses['undoResolve']> {
    const result = await undoLastResolve(this.core);
    if (result.restored.length) this.events.publish({ type: 'library-changed' });
    return { undone: result.batchId !== null, restored: result.restored, failed: result.failed };
  }

  async decideDuplicates({ id, decision }: ParsedRequest<'decideDuplicates'>): Promise<ApiResponses['decideDuplicates']> {
    const group = duplicateGroupById(this.core.db, id) ?? throwNotFound(`duplicate group ${id}`);
    if (decisionFor(this.core.db, group.photoIds) === null) recordDecision(this.core.db, group.photoIds, decision);
    return { hidden: true };
  }

  async listJobs(): Promise<ApiResponses['listJobs']> {
    return this.jobs.list();
  }

  async cancelJob({ id }: ParsedRequest<'cancelJob'>): Promise<Job> {
    return this.onJob(id, () => this.jobs.cancel(id));
  }

  async pauseJob({ id }: ParsedRequest<'pauseJob'>): Promise<Job> {
    return this.onJob(id, () => this.jobs.pause(id));
  }

  async resumeJob({ id }: ParsedRequest<'resumeJob'>): Promise<Job> {
    return this.onJob(id, () => this.jobs.resume(id));
  }

  async train(request: ParsedRequest<'train'>): Promise<Job> {
    const pending = this.jobs.pending('train');
    if (pending) return pending;
    return this.retrain('Training the model on your photos', {
      minutes: request.minutes,
      // With no budget given: ten passes over the library.
      epochs: request.epochs ?? (request.minutes ? undefined : 10),
      fromScratch: request.fromScratch,
    });
  }


  async listModels(): Promise<ApiResponses['listModels']> {
    return listModels(this.core.db);
  }

  async activateModel({ id }: ParsedRequest<'activateModel'>): Promise<ApiResponses['activateModel']> {
    const model = getModel(this.core.db, id);
    if (!model) throw notFound(`model ${id}`);
    if (model.status === 'training' || model.status === 'failed') throw new ServiceError('invalid-request', `Model #${id} is ${model.status}: it cannot be used.`);
    const activated = activateModel(this.core.db, id);
    this.events.publish({ type: 'library-changed' });
    this.embed();
    return activated;
  }

  async lossHistory({ modelId }: ParsedRequest<'lossHistory'>): Promise<ApiResponses['lossHistory']> {
    return lossHistory(this.core.db, modelId);
  }

  async trainingBackend({ set }: ParsedRequest<'trainingBackend'>): Promise<ApiResponses['trainingBackend']> {
    return trainingBackendStatus(this.core, set);
  }

  async automation({ set }: ParsedRequest<'automation'>): Promise<ApiResponses['automation']> {
    return automation(this.core, set);
  }

  /** Queues a scan of these folders (none: every library folder); when it ends, new photos are embedded with the active model. */
  scan(paths: string[]): Job {
    const message = paths.length === 0 ? 'Rescanning the library' : `Indexing ${paths.length === 1 ? paths[0] : `${paths.length} folders`}`;
    return this.jobs.enqueue('scan', message, async ({ onProgress, signal }) => {
      let lastNotice = Date.now();
      // A full scan sees every change anyway; the watcher would only race it over the same files.
      const watching = this.watcher !== null;
      await this.watcher?.stop();
      try {
        const result = await indexFolders(this.core, paths, {
          signal,
          onProgress: (p) => {
            onProgress(p);
            if (Date.now() - lastNotice > LIBRARY_CHANGED_INTERVAL_MS) {
              lastNotice = Date.now();
              this.events.publish({ type: 'library-changed' });
            }
          },
        });
        if (activeModel(this.core.db)) this.embed();
        return summarise(result);
      } finally {
        this.events.publish({ type: 'library-changed' });
        if (watching) this.restartWatcher();
      }
    }, { paths } satisfies ScanParams);
  }

  /**
   * Queues a retrain: train a candidate, embed the library with it, and make it active only if the
   * quality gate says it is not worse (then clusters and duplicates are brought up to date). With a
   * deadline (the end of the overnight window) it stops there, at a checkpoint it resumes from.
   */
  retrain(message: string, options: Pick<RetrainOptions, 'minutes' | 'epochs' | 'fromScratch'>, deadline?: Date): Job {
    return this.jobs.enqueue('train', message, async ({ onProgress, signal }) => {
      const stop = new AbortController();
      const onAbort = () => stop.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      const timer = deadline ? setTimeout(() => stop.abort(), Math.max(0, deadline.getTime() - Date.now())) : null;
      let stage = 'training';
      try {
        const outcome = await retrain(this.core, {
          ...options,
          signal: stop.signal,
          onStage: (s) => (stage = s),
          onProgress: (p) => onProgress({ ...p, message: p.message ? `${stage}: ${p.message}` : stage }),
          onLoss: (point, modelId) => this.events.publish({ type: 'loss', modelId, point }),
        });
        return outcome.summary;
      } catch (error) {
        if (stop.signal.aborted && !signal.aborted) return 'The retraining window ended: it continues from its checkpoint next time.';
        throw error;
      } finally {
        signal.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
        this.events.publish({ type: 'library-changed' });
      }
    }, { message, options, deadline: deadline?.toISOString() ?? null } satisfies RetrainParams);
  }

  /**
   * Starts again what a previous run left unfinished (a crash, a power cut, quitting mid-job), from
   * the records of a persistent job store. Each kind's work resumes where it stopped. An overnight
   * retrain whose window has closed is left to the schedule, which continues it the next night.
   */
  resumeInterrupted(interrupted: { kind: Job['kind']; state: Job['state']; params: unknown }[]): Job[] {
    const started: Job[] = [];
    for (const { kind, state, params } of interrupted) {
      const before = started.length;
      if (kind === 'scan') {
        const paths = (params as ScanParams | null)?.paths;
        if (Array.isArray(paths)) started.push(this.scan(paths.filter((p): p is string => typeof p === 'string')));
      } else if (kind === 'train') {
        const p = params as RetrainParams | null;
        // A `likeness train` handed over by the CLI is that command's to finish, not a retrain; a
        // first-model run is queued again by its flow (api/firstModel.ts) once the catch-up scan ends.
        if (p && ('recipe' in p || 'firstModel' in p)) continue;
        const deadline = p?.deadline ? new Date(p.deadline) : undefined;
        if (this.jobs.pending('train') || (deadline && deadline.getTime() <= Date.now())) continue;
        started.push(this.retrain(p?.message ?? 'Training the model on your photos', p?.options ?? { epochs: 10 }, deadline));
      } else if (kind === 'embed') {
        if (activeModel(this.core.db)) started.push(this.embed());
      } else if (kind === 'cluster' || kind === 'duplicates') {
        if (activeModel(this.core.db)) started.push(this.regroup());
      }
      // What the user had paused comes back paused, waiting for Resume.
      if (state === 'paused' && started.length > before) started[started.length - 1] = this.jobs.pause(started[started.length - 1]!.id);
    }
    return started;
  }

  /**
   * Watches the library folders: new, changed, moved and deleted photos are synced in small
   * batches; the grid is told, and new photos are embedded with the active model.
   */
  /**
   * At start-up: a quick incremental re-scan catches what changed while Likeness was closed
   * (unchanged files are not read again), unless a resumed scan is already doing it.
   */
  /** Settles a resolve that a kill interrupted (library/resolve.ts); call once at start. */
  async recoverTrash(): Promise<void> {
    if ((await recoverTrashJournal(this.core)) > 0) this.events.publish({ type: 'library-changed' });
  }

  catchUp(): Job | null {
    const pending = this.jobs.pending('scan');
    if (pending) return pending;
    return libraryCounts(this.core.db).folders === 0 ? null : this.scan([]);
  }

  async startWatching(): Promise<void> {
    this.watcher ??= new LibraryWatcher(this.core, {
      onSynced: (summary) => {
        if (summary.added + summary.updated + summary.moved + summary.removed + summary.failed === 0) return;
        this.events.publish({ type: 'library-changed' });
        if (activeModel(this.core.db)) this.embed();
      },
      onError: (error) => console.error(`likeness: watching the library folders failed (${error.message}); use File → Rescan`),
    });
    await this.watcher.start();
  }

  async stopWatching(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = null;
    await watcher?.stop();
  }

  /** Resolves once every change the watcher has seen is in the library (tests). */
  async watcherIdle(): Promise<void> {
    await this.watcher?.idle();
  }

  private restartWatcher(): void {
    this.watcher?.start().catch((error: Error) => console.error('likeness: cannot watch the library folders:', error.message));
  }

  /** Queues embedding of the photos the active model has not seen (at most one such job waits). */
  embed(): Job {
    const pending = this.jobs.pending('embed');
    if (pending && pending.state === 'queued') return pending;
    return this.jobs.enqueue('embed', 'Computing embeddings', async ({ onProgress, signal }) => {
      const { embedded } = await embedLibrary(this.core, { onProgress, signal });
      this.events.publish({ type: 'library-changed' });
      if (embedded > 0) this.regroup();
      return `Embeddings up to date (${embedded} new)`;
    }, {});
  }

  /**
   * Queues bringing clusters and near-duplicate groups up to date with the embeddings, so that the
   * Clusters and Duplicates screens read stored results instead of computing them in a request.
   */
  regroup(): Job {
    const pending = this.jobs.pending('cluster');
    if (pending && pending.state === 'queued') return pending;
    return this.jobs.enqueue('cluster', 'Grouping similar photos', async ({ onProgress, signal }) => {
      // Computed in worker threads: requests keep being answered while a large library is regrouped.
      const clustering = activeModel(this.core.db) ? await currentClusteringInWorker(this.core, { onProgress, signal }) : null;
      const duplicates = await duplicateGroupsInWorker(this.core, { onProgress, signal });
      this.events.publish({ type: 'library-changed' });
      if (!clustering) return `${duplicates.length} near-duplicate groups`;
      const clustered = clustering.photoCount - clustering.unclustered;
      return `Grouped ${clustered} of ${clustering.photoCount} photos into clusters; ${duplicates.length} near-duplicate groups`;
    }, {});
  }

  /**
   * The work for a job a CLI command submitted while this process runs the queue (jobControl's
   * poller adopts it): it runs here, in turn with the other heavy jobs, and its result is stored
   * with the job for the command to print.
   */
  submittedWork(job: Job, params: Record<string, unknown>): JobWork | null {
    const spec = heavySpecOf(job.kind, params);
    if (!spec) return null;
    return async (ctx) => {
      const watching = spec.kind === 'scan' && this.watcher !== null;
      if (watching) await this.watcher?.stop();
      try {
        const { summary, result } = await heavyWork(this.core, spec, ctx, { inWorker: true });
        mergeJobParams(this.core.db, job.id, { result });
        if (spec.kind === 'scan' && activeModel(this.core.db)) this.embed();
        return summary;
      } finally {
        this.events.publish({ type: 'library-changed' });
        if (watching) this.restartWatcher();
      }
    };
  }

  private onJob(id: number, action: () => Job): Job {
    try {
      return action();
    } catch (error) {
      if (error instanceof JobNotFoundError) throw notFound(`job ${id}`);
      throw error;
    }
  }
}

function throwNotFound(what: string): never {
  throw notFound(what);
}

function summarise(result: unknown): string {
  if (result && typeof result === 'object') {
    const r = result as Record<string, unknown>;
    const parts = ['added', 'unchanged', 'problems'].filter((k) => typeof r[k] === 'number').map((k) => `${r[k]} ${k}`);
    if (parts.length) return `Indexing finished: ${parts.join(', ')}`;
  }
  return 'Indexing finished';
}
