// Overnight retraining while the app runs: every few minutes, ask the schedule (jobs/schedule.ts)
// whether a retrain is due — inside the user's window, machine idle, on mains power, once a night —
// and if so queue one that stops at the window's end. If the user comes back (or unplugs) while a
// scheduled retrain runs, it is stopped; it continues from its checkpoint when next due.
// The machine's side (idle time, battery) comes from a probe: Electron's powerMonitor in the
// desktop app; for `likeness serve` on a headless box, "always idle" and the OS battery state.
import type { Job } from '../../shared/api';
import { libraryRetrainState, retrainSchedule } from '../jobs/retrain';
import { isFinished } from '../jobs/runner';
import { retrainDecision, type RetrainDecision } from '../jobs/schedule';
import { libraryCounts } from '../store/photos';
import type { LikenessService } from './service';

export interface MachineProbe {
  idleSeconds(): number | Promise<number>;
  onBattery(): boolean | Promise<boolean>;
}

export class RetrainScheduler {
  private timer: NodeJS.Timeout | null = null;
  private scheduledJob: number | null = null;
  /** The last decision, for display and tests. */
  last: RetrainDecision | null = null;

  constructor(
    private readonly service: LikenessService,
    private readonly probe: MachineProbe,
    private readonly intervalMs = 5 * 60_000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.tick().catch((error) => console.error('likeness retrain schedule:', error)), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One look at the schedule; returns the job it queued, if any. */
  async tick(): Promise<Job | null> {
    const core = this.service.core;
    const schedule = retrainSchedule(core);
    const state = {
      now: this.now(),
      idleSeconds: await this.probe.idleSeconds(),
      onBattery: await this.probe.onBattery(),
      ...libraryRetrainState(core),
    };
    const running = this.scheduledJob === null ? undefined : this.service.jobs.get(this.scheduledJob);
    if (running && !isFinished(running.state)) {
      // Ours is under way: stop it if the machine is no longer free for it.
      const inUse = state.idleSeconds < schedule.minIdleMinutes * 60;
      const unplugged = schedule.requireMains && state.onBattery;
      if (running.state === 'running' && (inUse || unplugged)) this.service.jobs.cancel(running.id);
      return null;
    }
    this.scheduledJob = null;
    if (this.service.jobs.pending('train')) return null; // the user started one
    if (libraryCounts(core.db).photos === 0) return null; // nothing to learn from yet
    const decision = retrainDecision(schedule, state);
    this.last = decision;
    if (!decision.due) return null;
    const job = this.service.work.retrain(`Overnight retraining: ${decision.reason}`, { epochs: 10 }, decision.windowEndsAt);
    this.scheduledJob = job.id;
    return job;
  }
}
