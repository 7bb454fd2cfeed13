// Who runs the job queue of a library, and how other processes (`likeness jobs cancel 12`) reach
// it: the running app or `likeness serve` records its pid and polls for requests left in the jobs
// table. With no such process alive, a request changes the job's record directly, so that the next
// start does what the user asked. Heavy work submitted by the CLI (`likeness clusters` while the app
// runs, see cli/heavy.ts) is adopted by the same poll and queued like the owner's own jobs.
import type { Db } from '../store/db';
import { getJob, requestJobAction, setJobState, takeJobRequests, takeSubmittedJobs, type JobAction } from '../store/jobs';
import { readLock, releaseLock, writeLock } from '../store/locks';
import type { Job } from '../../shared/api';
import type { JobRunner, JobWork } from './runner';

/** The owner's work for a job another process submitted; throws (saying why) if it cannot run it. */
export type SubmittedWork = (job: Job, params: Record<string, unknown>) => JobWork;

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the live process that runs this library's queue, if any (other than this one). */
export function queueOwner(db: Db): number | null {
  const owner = readLock(db, 'queue-owner');
  return owner && owner.pid !== process.pid && alive(owner.pid) ? owner.pid : null;
}

/** Applies requests from other processes to this process's runner while it runs the queue. */
export class JobRequestPoller {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly runner: JobRunner,
    private readonly intervalMs = 1000,
    private readonly submitted: SubmittedWork | null = null,
  ) {}

  start(): void {
    writeLock(this.db, 'queue-owner', 'running the job queue');
    this.timer = setInterval(() => this.poll(), this.intervalMs);
    this.timer.unref();
  }

  poll(): void {
    // Adopted before requests are applied, so a cancel sent right after submitting finds its job.
    if (this.submitted) {
      for (const { params, ...job } of takeSubmittedJobs(this.db)) {
        try {
          this.runner.adopt(job, this.submitted(job, params));
        } catch (error) {
          setJobState(this.db, job.id, 'failed', `this Likeness cannot run it: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    for (const { id, action } of takeJobRequests(this.db)) {
      try {
        if (action === 'cancel') this.runner.cancel(id);
        else if (action === 'pause') this.runner.pause(id);
        else this.runner.resume(id);
      } catch {
        // a job this process does not know (finished and pruned): nothing to do
      }
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    releaseLock(this.db, 'queue-owner');
  }
}

export type ControlOutcome = { job: Job; via: 'running process'; pid: number } | { job: Job; via: 'record' };

/** Cancels, pauses or resumes a job from any process. */
export function controlJob(db: Db, id: number, action: JobAction): ControlOutcome | null {
  const job = getJob(db, id);
  if (!job) return null;
  const owner = queueOwner(db);
  if (owner !== null) {
    requestJobAction(db, id, action);
    return { job, via: 'running process', pid: owner };
  }
  // Nobody runs the queue: the next start picks up what the record says.
  const unfinished = job.state === 'queued' || job.state === 'running' || job.state === 'paused';
  if (unfinished) {
    if (action === 'cancel') setJobState(db, id, 'cancelled', 'cancelled by the user');
    else if (action === 'pause') setJobState(db, id, 'paused');
    else if (job.state === 'paused') setJobState(db, id, 'queued');
  }
  return { job: getJob(db, id)!, via: 'record' };
}
