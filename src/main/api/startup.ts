// Starting Likeness over an open library, the same way in the desktop app and in `likeness serve`:
// the job queue (recorded in the library), requests from `likeness jobs|index|train…` in other
// terminals, the folder watcher, what a previous run left unfinished, the catch-up scan, the first
// model (api/firstModel.ts) and overnight retraining (api/retrainScheduler.ts, on unless the
// schedule's setting turns it off). Each transport adds only its own side: IPC and a window, or
// an HTTP server.
import type { Job } from '../../shared/api';
import type { Core } from '../core';
import { computeLeaseGate } from '../jobs/computeLease';
import { JobRequestPoller, queueOwner } from '../jobs/jobControl';
import { JobRunner } from '../jobs/runner';
import { SqliteJobStore } from '../jobs/sqliteJobStore';
import type { TrashFunction } from '../library/trash';
import { FirstModelFlow } from './firstModel';
import { RetrainScheduler, type MachineProbe } from './retrainScheduler';
import { LikenessService } from './service';

export interface StartOptions {
  /** Idle time and power state, for overnight retraining. */
  probe: MachineProbe;
  /** Keep the library in step with the disk (default true). */
  watch?: boolean;
  /** Run the overnight schedule in this process (default true; the schedule's own setting can still turn it off). */
  retrainOvernight?: boolean;
  /** Moves a file to the system trash (default: the `trash` package; the desktop app passes Electron's). */
  trash?: TrashFunction;
}

export interface Started {
  service: LikenessService;
  /** The pid of another Likeness that runs this library's jobs (this one then leaves them to it), or null. */
  otherOwner: number | null;
  /** Jobs started again from a previous run. */
  resumed: Job[];
  retrainer: RetrainScheduler | null;
  /** Stops the background work cleanly; the running job stays recorded as unfinished and resumes next time. */
  stop(): Promise<void>;
}

export async function startLikeness(core: Core, options: StartOptions): Promise<Started> {
  const jobStore = new SqliteJobStore(core.db);
  // Only one process runs a library's queue: a second one serves the library and leaves the jobs alone.
  const otherOwner = queueOwner(core.db);
  const interrupted = otherOwner === null ? jobStore.takeInterrupted() : [];
  const service = new LikenessService(core, new JobRunner(jobStore, computeLeaseGate(core.db)), options.trash);
  const owner = otherOwner === null;
  // `likeness jobs cancel|pause|resume` from a terminal reaches this process through the library, and
  // so does the heavy work of `likeness clusters|duplicates|index|embed|retrain`, queued here in turn.
  const requests = owner ? new JobRequestPoller(core.db, service.jobs, 1000, (job, params) => service.work.submittedWork(job, params)) : null;
  requests?.start();
  if (options.watch !== false) {
    await service.work.startWatching().catch((error: Error) => console.error('likeness: cannot watch the library folders:', error.message));
  }
  const resumed = service.work.resumeInterrupted(interrupted);
  // A resolve of duplicates cut short (a crash mid-move) is settled before the catch-up scan looks at the disk.
  if (owner) await service.recoverTrash().catch((error: Error) => console.error('likeness: cannot settle an interrupted resolve:', error.message));
  if (owner) service.work.catchUp();
  // After queueing the catch-up scan (so a first model waits for it; its end is still heard: jobs run later).
  const firstModel = owner ? new FirstModelFlow(service) : null;
  firstModel?.start();
  const retrainsHere = options.retrainOvernight !== false;
  if (!retrainsHere) service.overnightHeldBack = 'it was started with --no-retrain-overnight';
  const retrainer = owner && retrainsHere ? new RetrainScheduler(service, options.probe) : null;
  retrainer?.start();
  return {
    service,
    otherOwner,
    resumed,
    retrainer,
    async stop() {
      retrainer?.stop();
      firstModel?.stop();
      requests?.stop();
      await service.work.stopWatching();
      await service.jobs.shutdown();
    },
  };
}
