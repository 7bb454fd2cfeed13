// The service behind src/shared/api.ts: each method takes an already-validated request and calls
// the core modules (library, store, model, search). Long work is a job spec queued in the JobRunner
// (api/libraryJobs.ts) so that exactly one heavy job runs at a time and every client sees its
// progress as 'job' events.
import { existsSync } from 'node:fs';
import type { ApiMethod, ApiResponses, Job, ParsedRequest } from '../../shared/api';
import type { Core } from '../core';
import { JobNotFoundError, JobRunner } from '../jobs/runner';
import { removeFolder } from '../library/folders';
import { addFolder, FolderError } from '../library/scan';
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
import { getPhoto, libraryCounts, listFolders, listPhotos, listProblems, listSubfolders, photoSummaries, subfoldersKey } from '../store/photos';
import { notFound, ServiceError } from './errors';
import { photoProblem } from './media';
import { EventHub } from './events';
import { automation } from './automation';
import { LibraryJobs } from './libraryJobs';

export type ServiceHandlers = {
  [M in ApiMethod]: (request: ParsedRequest<M>) => Promise<ApiResponses[M]>;
};

export class LikenessService implements ServiceHandlers {
  readonly events = new EventHub();
  /** The heavy jobs, the folder watcher and what follows each job. */
  readonly work: LibraryJobs;
  /** Why this process does not retrain overnight although the library's setting may be on (startup.ts), or null. */
  overnightHeldBack: string | null = null;

  constructor(
    readonly core: Core,
    readonly jobs: JobRunner = new JobRunner(),
    /** Moves a file to the system trash: Electron's shell.trashItem in the app, the `trash` package in serve. */
    private readonly trash: TrashFunction = packageTrash,
  ) {
    jobs.onChange((job) => this.events.publish({ type: 'job', job }));
    this.work = new LibraryJobs(core, jobs, this.events);
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

  /** A file of the photo that exists now, for the desktop's Open and Show in Folder. */
  photoFile(id: number): string {
    const file = getPhoto(this.core.db, id)?.paths.find((p) => existsSync(p));
    if (!file) throw new ServiceError('not-found', `photo ${id} has no reachable file`);
    return file;
  }

  async findSimilar({ id, k }: ParsedRequest<'findSimilar'>): Promise<ApiResponses['findSimilar']> {
    if (!getPhoto(this.core.db, id)) throw notFound(`photo ${id}`);
    // Before the first model (or before it has embedded this photo): quick matches from the pixels.
    const { signal, results } = similarPhotos(this.core, id, k);
    const photos = new Map(
      photoSummaries(
        this.core.db,
        results.map((f) => f.photoId),
      ).map((p) => [p.id, p]),
    );
    return results.flatMap((f) => {
      const photo = photos.get(f.photoId);
      return photo ? [{ photo, score: f.score, signal, copy: f.copy === true, uncropped: f.uncropped === true }] : [];
    });
  }

  async similarSheet({ id, k }: ParsedRequest<'similarSheet'>): Promise<ApiResponses['similarSheet']> {
    if (!getPhoto(this.core.db, id)) throw notFound(`photo ${id}`);
    return similarSheet(this.core, id, k);
  }

  async listFolders(): Promise<ApiResponses['listFolders']> {
    return listFolders(this.core.db);
  }

  /** Kept until the files or folders change: one pass over every file (about half a second for 100k photos in 12k folders). */
  private subfolders: { key: string; list: ApiResponses['listSubfolders'] } | null = null;

  async listSubfolders(): Promise<ApiResponses['listSubfolders']> {
    const key = subfoldersKey(this.core.db);
    if (this.subfolders?.key !== key) this.subfolders = { key, list: listSubfolders(this.core.db) };
    return this.subfolders.list;
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
    const job = this.work.scan([folder.path]);
    return { folder, job };
  }

  async removeFolder({ id }: ParsedRequest<'removeFolder'>): Promise<ApiResponses['removeFolder']> {
    if (!listFolders(this.core.db).some((f) => f.id === id)) throw notFound(`folder ${id}`);
    if (this.jobs.pending('scan')) throw new ServiceError('unavailable', 'Wait for indexing to finish (or cancel it) before removing a folder.');
    await removeFolder(this.core, id);
    this.work.restartWatcher();
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
    this.work.regroup();
    const shown = latestClustering(this.core.db, model.id);
    return shown ? clustersOfClustering(this.core, shown.id) : [];
  }

  async clusterPhotos({ id }: ParsedRequest<'clusterPhotos'>): Promise<ApiResponses['clusterPhotos']> {
    return photoSummaries(this.core.db, clusterPhotoIds(this.core, id));
  }

  async renameCluster({ id, name }: ParsedRequest<'renameCluster'>): Promise<ApiResponses['renameCluster']> {
    return renameCluster(this.core, id, name);
  }

  /** Near-duplicate groups as stored; if the library changed since, as for clusters, a regroup job is queued. */
  async listDuplicates(): Promise<ApiResponses['listDuplicates']> {
    const plan = planDuplicates(this.core);
    if (plan.current) return toApiDuplicateGroups(this.core, plan.current);
    this.work.regroup();
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
    return this.work.retrain('Training the model on your photos', {
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
    if (model.status === 'training' || model.status === 'failed')
      throw new ServiceError('invalid-request', `Model #${id} is ${model.status}: it cannot be used.`);
    const activated = activateModel(this.core.db, id);
    this.events.publish({ type: 'library-changed' });
    this.work.embed();
    return activated;
  }

  async lossHistory({ modelId }: ParsedRequest<'lossHistory'>): Promise<ApiResponses['lossHistory']> {
    return lossHistory(this.core.db, modelId);
  }

  async trainingBackend({ set }: ParsedRequest<'trainingBackend'>): Promise<ApiResponses['trainingBackend']> {
    return trainingBackendStatus(this.core, set);
  }

  async automation({ set }: ParsedRequest<'automation'>): Promise<ApiResponses['automation']> {
    return automation(this.core, set, this.overnightHeldBack);
  }

  /** Settles a resolve that a kill interrupted (library/resolve.ts); call once at start. */
  async recoverTrash(): Promise<void> {
    if ((await recoverTrashJournal(this.core)) > 0) this.events.publish({ type: 'library-changed' });
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
