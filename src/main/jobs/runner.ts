// The in-process job queue: heavy work (scan, train, embed, …) runs one job at a time, in the order
// it was asked for. Light work that must not wait behind it (the folder watcher's batches) runs in
// a second lane beside it, also in order; two jobs of the same kind never run at once. Each job
// reports done/total/rate/ETA through a ProgressTracker and is cancelled through its AbortController.
// Pausing stops a running job at its next progress check and puts it back in its lane as 'paused';
// resuming re-queues it. That is cheap and honest because every long operation in the core resumes
// where it stopped (scan skips unchanged files, embedding skips done photos, training continues from
// its checkpoint).
// Jobs live in a JobStore: the in-memory one below for tests and one-off runs, SqliteJobStore for the
// app and `likeness serve`, whose jobs resume after a restart.
import type { Job, JobKind } from '../../shared/api';
import { CancelledError, type ProgressSink } from '../util/progress';
import type { HeavySpec } from './jobSpec';

export interface JobContext {
  onProgress: ProgressSink;
  signal: AbortSignal;
}

export type JobWork = (ctx: JobContext) => Promise<string | void>;

/**
 * Runs before each job's work and may wait (saying why through `say`, shown as the job's message);
 * resolves to what to call once the work has ended.
 */
export type JobGate = (job: Job, ctx: { signal: AbortSignal; say: (message: string) => void }) => Promise<() => void>;

/** Where job records are kept. */
export interface JobStore {
  nextId(kind?: JobKind): number;
  save(job: Job): void;
  get(id: number): Job | undefined;
  /** Newest first. */
  list(): Job[];
  /** Keeps what is needed to start the job again after a restart (stores that persist). */
  setParams?(id: number, params: unknown): void;
}

export class MemoryJobStore implements JobStore {
  private readonly jobs = new Map<number, Job>();
  private lastId = 0;
  constructor(private readonly keepFinished = 50) {}
  nextId(): number {
    return ++this.lastId;
  }
  save(job: Job): void {
    this.jobs.set(job.id, { ...job });
    this.prune();
  }
  get(id: number): Job | undefined {
    const job = this.jobs.get(id);
    return job && { ...job };
  }
  list(): Job[] {
    return [...this.jobs.values()].sort((a, b) => b.id - a.id).map((j) => ({ ...j }));
  }
  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => isFinished(j.state)).sort((a, b) => a.id - b.id);
    for (const job of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.jobs.delete(job.id);
  }
}

export function isFinished(state: Job['state']): boolean {
  return state === 'done' || state === 'failed' || state === 'cancelled';
}

class PauseRequest extends Error {}

/** Where a job waits its turn: the heavy work's queue, or the lane beside it. */
export type Lane = 'queue' | 'beside';

interface Entry {
  lane: Lane;
  work: JobWork;
  controller: AbortController | null;
  stopAs: 'cancelled' | 'paused' | 'shutdown' | null;
}

export class JobRunner {
  private readonly entries = new Map<number, Entry>();
  private readonly lanes: Record<Lane, { queue: number[]; running: number | null }> = {
    queue: { queue: [], running: null },
    beside: { queue: [], running: null },
  };
  private readonly listeners = new Set<(job: Job) => void>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly store: JobStore = new MemoryJobStore(),
    private readonly gate: JobGate | null = null,
  ) {}

  /** Called with a copy of the job whenever its state or progress changes. */
  onChange(listener: (job: Job) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queues work; its spec (`params`) is kept by persistent stores so the job can be started again.
   * Work in the lane beside the queue does not wait for the heavy work (nor for the gate).
   */
  enqueue(kind: JobKind, message: string, work: JobWork, params?: HeavySpec, lane: Lane = 'queue'): Job {
    const job: Job = {
      id: this.store.nextId(kind),
      kind,
      state: 'queued',
      done: 0,
      total: 0,
      rate: null,
      etaSeconds: null,
      message,
      error: null,
      startedAt: null,
      finishedAt: null,
    };
    this.entries.set(job.id, { lane, work, controller: null, stopAs: null });
    this.lanes[lane].queue.push(job.id);
    this.update(job);
    if (params !== undefined) this.store.setParams?.(job.id, params);
    queueMicrotask(() => this.pump());
    return { ...job };
  }

  /**
   * Queues work for a job another process recorded (a CLI command handing its heavy work to the
   * queue): it keeps its id, so that process can follow it.
   */
  adopt(recorded: Job, work: JobWork): Job {
    const job: Job = {
      ...recorded,
      state: 'queued',
      done: 0,
      total: 0,
      rate: null,
      etaSeconds: null,
      error: null,
      startedAt: null,
      finishedAt: null,
    };
    this.entries.set(job.id, { lane: 'queue', work, controller: null, stopAs: null });
    this.lanes.queue.queue.push(job.id);
    this.update(job);
    queueMicrotask(() => this.pump());
    return { ...job };
  }

  list(): Job[] {
    return this.store.list();
  }

  get(id: number): Job | undefined {
    return this.store.get(id);
  }

  /** An unfinished job of this kind (queued, running or paused), so callers can avoid duplicates. */
  pending(kind: JobKind): Job | undefined {
    return this.store.list().find((j) => j.kind === kind && !isFinished(j.state));
  }

  cancel(id: number): Job {
    const job = this.require(id);
    if (isFinished(job.state)) return job;
    const entry = this.entries.get(id);
    if (job.state === 'running' && entry?.controller) {
      entry.stopAs = 'cancelled';
      entry.controller.abort(new CancelledError());
      return job; // becomes 'cancelled' when the work notices
    }
    this.removeFromQueue(id);
    this.entries.delete(id);
    return this.update({ ...job, state: 'cancelled', finishedAt: new Date().toISOString(), rate: null, etaSeconds: null });
  }

  pause(id: number): Job {
    const job = this.require(id);
    if (job.state === 'queued') {
      this.removeFromQueue(id);
      return this.update({ ...job, state: 'paused' });
    }
    const entry = this.entries.get(id);
    if (job.state === 'running' && entry?.controller) {
      entry.stopAs = 'paused';
      entry.controller.abort(new PauseRequest('paused'));
    }
    return job;
  }

  resume(id: number): Job {
    const job = this.require(id);
    if (job.state !== 'paused') return job;
    this.lanes[this.entries.get(id)?.lane ?? 'queue'].queue.push(id);
    const queued = this.update({ ...job, state: 'queued', rate: null, etaSeconds: null });
    queueMicrotask(() => this.pump());
    return queued;
  }

  /** Resolves when nothing is running or queued (tests, shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return Object.values(this.lanes).every((lane) => lane.running === null && (lane.queue.length === 0 || this.shuttingDown));
  }

  /** Cancels everything. */
  cancelAll(): void {
    for (const job of this.store.list()) if (!isFinished(job.state)) this.cancel(job.id);
  }

  private shuttingDown = false;

  /**
   * Application quit: stops the running job at its next check and starts nothing more, leaving the
   * records as they are (running, queued, paused) so that a persistent store hands them back as
   * interrupted on the next start, to be started again.
   */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    for (const { running } of Object.values(this.lanes)) {
      const entry = running === null ? undefined : this.entries.get(running);
      if (entry?.controller) {
        entry.stopAs = 'shutdown';
        entry.controller.abort(new CancelledError());
      }
    }
    await this.idle();
  }

  private require(id: number): Job {
    const job = this.store.get(id);
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  private removeFromQueue(id: number): void {
    for (const { queue } of Object.values(this.lanes)) {
      const at = queue.indexOf(id);
      if (at >= 0) queue.splice(at, 1);
    }
  }

  private update(job: Job): Job {
    this.store.save(job);
    for (const listener of this.listeners) listener({ ...job });
    return { ...job };
  }

  /** Starts each lane's next job, unless one of its kind is running in the other lane. */
  private pump(): void {
    for (const lane of Object.values(this.lanes)) {
      const next = this.shuttingDown || lane.running !== null ? undefined : lane.queue[0];
      if (next === undefined) continue;
      const kind = this.store.get(next)?.kind;
      const running = Object.values(this.lanes).map((l) => l.running);
      if (running.some((id) => id !== null && this.store.get(id)?.kind === kind)) continue;
      lane.queue.shift();
      lane.running = next; // before run() awaits, so that the other lane sees it
      void this.run(next);
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async run(id: number): Promise<void> {
    const entry = this.entries.get(id);
    const initial = this.store.get(id);
    const lane = Object.values(this.lanes).find((l) => l.running === id)!;
    if (!entry || !initial) {
      lane.running = null;
      return this.pump();
    }
    entry.controller = new AbortController();
    entry.stopAs = null;
    let job = this.update({ ...initial, state: 'running', startedAt: initial.startedAt ?? new Date().toISOString(), error: null });
    const onProgress: ProgressSink = (p) => {
      job = this.update({ ...job, done: p.done, total: p.total, rate: p.rate, etaSeconds: p.etaSeconds, message: p.message || job.message });
    };
    let release: (() => void) | null = null;
    try {
      if (this.gate && entry.lane === 'queue') {
        const message = job.message;
        release = await this.gate({ ...job }, { signal: entry.controller.signal, say: (m) => (job = this.update({ ...job, message: m })) });
        if (job.message !== message) job = this.update({ ...job, message });
      }
      const summary = await entry.work({ onProgress, signal: entry.controller.signal });
      // Work that finished although a stop was asked for (it had no check left) is simply done.
      job = this.update({
        ...job,
        state: 'done',
        rate: null,
        etaSeconds: null,
        message: summary || job.message,
        finishedAt: new Date().toISOString(),
      });
      this.entries.delete(id);
    } catch (error) {
      const stoppedOnRequest = entry.stopAs !== null && (entry.controller.signal.aborted || error instanceof CancelledError);
      if (stoppedOnRequest && entry.stopAs === 'shutdown') {
        // Left as 'running' in the store on purpose: interrupted, to be started again next time.
      } else if (stoppedOnRequest && entry.stopAs === 'paused') {
        job = this.update({ ...job, state: 'paused', rate: null, etaSeconds: null });
      } else if (stoppedOnRequest || error instanceof CancelledError) {
        job = this.update({ ...job, state: 'cancelled', rate: null, etaSeconds: null, finishedAt: new Date().toISOString() });
        this.entries.delete(id);
      } else {
        const message = error instanceof Error ? error.message : String(error);
        job = this.update({ ...job, state: 'failed', error: message, rate: null, etaSeconds: null, finishedAt: new Date().toISOString() });
        this.entries.delete(id);
      }
    } finally {
      release?.();
      entry.controller = null;
      lane.running = null;
      this.pump();
    }
  }
}

export class JobNotFoundError extends Error {
  constructor(readonly id: number) {
    super(`no job ${id}`);
  }
}
