// The heavy jobs of a running app or `likeness serve`: each is a job spec (jobs/jobSpec.ts) queued
// in the JobRunner, whose work (jobs/heavy.ts) is wrapped here with what the running app adds: the
// folder watcher paused during a scan, 'library-changed' and 'loss' events for the clients, and the
// jobs that follow (new photos are embedded, new embeddings regrouped, a first model embeds the
// library). The same wrapping serves work a CLI command hands over and jobs a previous run left
// unfinished.
import type { Job } from '../../shared/api';
import type { Core } from '../core';
import { heavyMessage, heavyWork, type HeavyResult } from '../jobs/heavy';
import { parseJobSpec, JobSpecError, type HeavySpec } from '../jobs/jobSpec';
import type { RetrainOptions } from '../jobs/retrain';
import type { JobContext, JobRunner, JobWork } from '../jobs/runner';
import { LibraryWatcher } from '../jobs/watcher';
import { mergeJobParams } from '../store/jobs';
import { activeModel } from '../store/models';
import { libraryCounts } from '../store/photos';
import type { EventHub } from './events';

/**
 * A batch of changes the watcher sees at once (a card or a phone copied into a library folder) of
 * at least this many files is read by a job, with progress and Cancel, beside the heavy work (a
 * model may be training); a few new photos are read at once.
 */
const WATCHER_JOB_MIN_FILES = 20;

/** How often a running scan tells clients that the library grew, so the grid fills in as it goes. */
const LIBRARY_CHANGED_INTERVAL_MS = 1500;

export class LibraryJobs {
  /** Keeps the library in step with the disk while the app runs (off until startWatching). */
  private watcher: LibraryWatcher | null = null;

  constructor(
    private readonly core: Core,
    private readonly jobs: JobRunner,
    private readonly events: EventHub,
  ) {}

  /** Queues the work a spec describes; the watcher's batches run beside the heavy work. */
  run(spec: HeavySpec): Job {
    return this.jobs.enqueue(spec.kind, heavyMessage(spec), this.work(spec), spec, spec.kind === 'scan' && spec.files ? 'beside' : 'queue');
  }

  /** Queues a scan of these folders (none: every library folder); when it ends, new photos are embedded with the active model. */
  scan(paths: string[]): Job {
    return this.run({ kind: 'scan', paths });
  }

  /**
   * Queues a retrain: train a candidate, embed the library with it, and make it active only if the
   * quality gate says it is not worse (then clusters and duplicates are brought up to date). With a
   * deadline (the end of the overnight window) it stops there, at a checkpoint it resumes from.
   */
  retrain(message: string, options: Pick<RetrainOptions, 'minutes' | 'epochs' | 'fromScratch'>, deadline?: Date): Job {
    return this.run({ kind: 'train', mode: 'retrain', message, options, deadline: deadline?.toISOString() ?? null });
  }

  /** Queues embedding of the photos the active model has not seen (at most one such job waits). */
  embed(): Job {
    const pending = this.jobs.pending('embed');
    if (pending && pending.state === 'queued') return pending;
    return this.run({ kind: 'embed' });
  }

  /**
   * Queues bringing clusters and near-duplicate groups up to date with the embeddings, so that the
   * Clusters and Duplicates screens read stored results instead of computing them in a request.
   */
  regroup(): Job {
    const pending = this.jobs.pending('cluster');
    if (pending && pending.state === 'queued') return pending;
    return this.run({ kind: 'cluster', mode: 'regroup' });
  }

  /**
   * At start-up: a quick incremental re-scan catches what changed while Likeness was closed
   * (unchanged files are not read again), unless a resumed scan is already doing it.
   */
  catchUp(): Job | null {
    const pending = this.jobs.pending('scan');
    if (pending) return pending;
    return libraryCounts(this.core.db).folders === 0 ? null : this.scan([]);
  }

  /**
   * Starts again what a previous run left unfinished (a crash, a power cut, quitting mid-job), from
   * the records of a persistent job store. Each kind's work resumes where it stopped. An overnight
   * retrain whose window has closed is left to the schedule, which continues it the next night.
   */
  resumeInterrupted(interrupted: { id?: number; kind: Job['kind']; state: Job['state']; params: unknown }[]): Job[] {
    const started: Job[] = [];
    for (const { id, kind, state, params } of interrupted) {
      let spec: HeavySpec;
      try {
        spec = parseJobSpec(kind, params);
      } catch (error) {
        if (!(error instanceof JobSpecError)) throw error;
        console.error(`likeness: job ${id ?? ''} is not started again: ${error.message}`);
        continue;
      }
      const job = this.restart(spec);
      // What the user had paused comes back paused, waiting for Resume.
      if (job) started.push(state === 'paused' ? this.jobs.pause(job.id) : job);
    }
    return started;
  }

  private restart(spec: HeavySpec): Job | null {
    switch (spec.kind) {
      case 'scan':
        // A batch of the watcher's is covered by the catch-up scan at start-up.
        return spec.files ? null : this.run(spec);
      case 'train': {
        // A `likeness train` handed over by the CLI is that command's to finish; a first-model run
        // is queued again by its flow (api/firstModel.ts) once the catch-up scan ends.
        if (spec.mode !== 'retrain') return null;
        if (this.jobs.pending('train') || (spec.deadline && Date.parse(spec.deadline) <= Date.now())) return null;
        return this.run(spec);
      }
      case 'embed':
        return activeModel(this.core.db) ? this.embed() : null;
      case 'cluster':
      case 'duplicates':
        return activeModel(this.core.db) ? this.regroup() : null;
    }
  }

  /**
   * The work for a job a CLI command submitted while this process runs the queue (jobControl's
   * poller adopts it): it runs here, in turn with the other heavy jobs, and its result is stored
   * with the job for the command to print. Throws a JobSpecError if the params are not a job.
   */
  submittedWork(job: Job, params: Record<string, unknown>): JobWork {
    const spec = parseJobSpec(job.kind, params);
    return this.work(spec, (result) => mergeJobParams(this.core.db, job.id, { result }));
  }

  /** The spec's work with the running app's side: watcher, events, the jobs that follow. */
  private work<S extends HeavySpec>(spec: S, keep?: (result: HeavyResult<S>) => void): JobWork {
    return async (ctx) => {
      const watching = spec.kind === 'scan' && !spec.files && this.watcher !== null;
      // A scan of folders sees every change anyway; the watcher would only race it over the same files.
      if (watching) await this.watcher?.stop();
      let done;
      try {
        done = await heavyWork(this.core, spec, spec.kind === 'scan' ? this.tellingClients(ctx) : ctx, {
          inWorker: true,
          onLoss: (point, modelId) => this.events.publish({ type: 'loss', modelId, point }),
        });
      } finally {
        this.events.publish({ type: 'library-changed' });
        if (watching) this.restartWatcher();
      }
      keep?.(done.result);
      this.followUp(spec, done.result);
      return done.summary;
    };
  }

  /** The jobs a finished one calls for. */
  private followUp<S extends HeavySpec>(spec: S, result: HeavyResult<S>): void {
    if (spec.kind === 'scan' && activeModel(this.core.db)) this.embed();
    else if (spec.kind === 'embed' && (result as HeavyResult<{ kind: 'embed' }>).embedded > 0) this.regroup();
    else if (spec.kind === 'train' && spec.mode === 'first-model') this.embed();
  }

  /** Progress that also tells clients, now and then, that the library grew. */
  private tellingClients(ctx: JobContext): JobContext {
    let lastNotice = Date.now();
    return {
      signal: ctx.signal,
      onProgress: (p) => {
        ctx.onProgress(p);
        if (Date.now() - lastNotice > LIBRARY_CHANGED_INTERVAL_MS) {
          lastNotice = Date.now();
          this.events.publish({ type: 'library-changed' });
        }
      },
    };
  }

  /**
   * Watches the library folders: new, changed, moved and deleted photos are synced in small
   * batches; the grid is told, and new photos are embedded with the active model.
   */
  async startWatching(): Promise<void> {
    this.watcher ??= new LibraryWatcher(this.core, {
      handOver: { minFiles: WATCHER_JOB_MIN_FILES, run: (files) => this.run({ kind: 'scan', paths: [], files }) },
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

  /** Resolves once every change the watcher has seen is in the library, and its jobs have run (tests). */
  async watcherIdle(): Promise<void> {
    await this.watcher?.idle();
    await this.jobs.idle();
  }

  /** Picks up the library's folders again (after one was removed, or a scan paused the watcher). */
  restartWatcher(): void {
    this.watcher?.start().catch((error: Error) => console.error('likeness: cannot watch the library folders:', error.message));
  }
}
