// The job queue's records in SQLite, so that after a crash or a power cut the app knows what it
// was doing and can start it again (every job's work resumes where it stopped: scans skip what is
// unchanged, training continues from its checkpoint, embedding skips photos already done).
import type { Job, JobKind } from '../../shared/api';
import type { Db } from '../store/db';
import { getJob, jobParams, listJobs, pruneJobs, reserveJobId, saveJob, setJobParams, unfinishedJobs } from '../store/jobs';
import type { JobStore } from './runner';

export class SqliteJobStore implements JobStore {
  private saves = 0;

  constructor(
    private readonly db: Db,
    private readonly keepFinished = 200,
  ) {}

  /** Other processes add jobs too (`likeness clusters` while the app runs): the id is taken in the database. */
  nextId(kind: JobKind = 'scan'): number {
    return reserveJobId(this.db, kind);
  }

  save(job: Job): void {
    saveJob(this.db, job);
    if (++this.saves % 500 === 0) pruneJobs(this.db, this.keepFinished);
  }

  get(id: number): Job | undefined {
    return getJob(this.db, id);
  }

  list(): Job[] {
    return listJobs(this.db, this.keepFinished);
  }

  /** What the service needs to start a job of this kind again (folders to scan, training options…). */
  setParams(id: number, params: unknown): void {
    setJobParams(this.db, id, params);
  }

  params(id: number): unknown {
    return jobParams(this.db, id);
  }

  /**
   * Jobs that a previous process left unfinished. They are closed here (as cancelled, saying why)
   * and returned, oldest first, for the caller to enqueue again.
   */
  takeInterrupted(): (Job & { params: unknown })[] {
    const interrupted = unfinishedJobs(this.db);
    for (const job of interrupted) {
      const note = job.state === 'paused' ? 'paused when Likeness stopped' : 'interrupted when Likeness stopped';
      saveJob(this.db, { ...job, state: 'cancelled', error: `${note}; started again`, finishedAt: new Date().toISOString() });
    }
    return interrupted;
  }
}
