// How a CLI command runs its heavy work (index, embed, retrain, clusters, duplicates) so that only
// one heavy job uses the CPU/GPU at a time. With the app or `likeness serve` running this library's
// job queue, the work is handed to that queue as a job (behind whatever runs there) and followed
// here: its progress is printed, Ctrl-C cancels it, and its result comes back through the library,
// so the command prints exactly what it would have computed itself. With no queue owner, or if the
// owner stops before finishing it, the command does the work in its own process — once no other
// command computes for this library (jobs/computeLease.ts), so two terminals never compete either.
import type { Core } from '../core';
import { heavyMessage, heavyWork, type HeavyOptions, type HeavyResult, type HeavySpec } from '../jobs/heavy';
import { acquireComputeLease, releaseComputeLease } from '../jobs/computeLease';
import { queueOwner } from '../jobs/jobControl';
import { CancelledError, ProgressTracker } from '../util/progress';
import { getJob, jobParams, listJobs, requestJobAction, setJobState, submitJob } from '../store/jobs';
import { progressPrinter, type CommandContext } from './command';

/** How often the follower reads its job's record (the owner saves progress as it goes). */
const FOLLOW_INTERVAL_MS = 200;

/** Runs a heavy job: in the queue owner's process if there is one, else here. */
export async function runHeavy<S extends HeavySpec>(
  ctx: CommandContext,
  spec: S,
  label: string,
  options: HeavyOptions = {},
): Promise<HeavyResult<S>> {
  const core = ctx.core();
  const printer = progressPrinter(label);
  try {
    for (;;) {
      const owner = queueOwner(core.db);
      if (owner !== null) {
        const followed = await runInQueue(ctx, core, spec, owner, printer.show);
        if (followed.ran) return followed.result as HeavyResult<S>;
      }
      // An app that started while this command waited takes the work instead: ask again.
      const leased = await acquireComputeLease(core.db, heavyMessage(spec), {
        signal: ctx.signal,
        onWaiting: (holder) =>
          ctx.err(
            `another likeness process (pid ${holder.pid}) is computing for this library (${holder.what}): waiting for it to finish. Ctrl-C stops waiting.`,
          ),
        giveUp: () => queueOwner(core.db) !== null,
      });
      if (!leased) continue;
      try {
        return (await heavyWork(core, spec, { onProgress: (p) => printer.show(p), signal: ctx.signal }, options)).result;
      } finally {
        releaseComputeLease(core.db);
      }
    }
  } finally {
    printer.end();
  }
}

type Followed = { ran: true; result: unknown } | { ran: false };

async function runInQueue(
  ctx: CommandContext,
  core: Core,
  spec: HeavySpec,
  owner: number,
  show: (p: import('../util/progress').Progress) => void,
): Promise<Followed> {
  const { db } = core;
  const id = submitJob(db, spec.kind, heavyMessage(spec), { ...spec });
  const ahead = listJobs(db, 0).filter((j) => j.id < id && (j.state === 'running' || j.state === 'queued'));
  const running = ahead.find((j) => j.state === 'running');
  ctx.err(
    `Likeness (pid ${owner}) runs this library's heavy jobs: queued there as job ${id}` +
      (running ? `, after “${running.message}” (job ${running.id})${ahead.length > 1 ? ` and ${ahead.length - 1} more` : ''}` : '') +
      '. Ctrl-C cancels it.',
  );
  const onAbort = () => requestJobAction(db, id, 'cancel');
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let tracker: ProgressTracker | null = null;
  let said = '';
  const say = (state: string, line: string) => {
    if (said !== state) ctx.err(line);
    said = state;
  };
  try {
    for (;;) {
      const job = getJob(db, id);
      if (!job) throw new Error(`job ${id} left the queue before finishing`);
      if (job.state === 'done') {
        if (tracker) show(tracker.snapshot(job.message));
        return { ran: true, result: (jobParams(db, id) as { result?: unknown }).result };
      }
      if (job.state === 'failed') throw new Error(job.error ?? `job ${id} failed`);
      if (job.state === 'cancelled') {
        if (ctx.signal.aborted) throw new CancelledError();
        throw new Error(`job ${id} was cancelled in Likeness${job.error ? ` (${job.error})` : ''}`);
      }
      if (job.state === 'paused') say('paused', `job ${id} is paused in Likeness: \`likeness jobs resume ${id}\` continues it, Ctrl-C cancels it`);
      if (job.state === 'running') {
        say('running', `job ${id} is running in Likeness (pid ${owner})`);
        if (!tracker || tracker.total !== job.total || job.done < tracker.done) tracker = new ProgressTracker(show, job.total, 0);
        tracker.update(job.done, job.message);
      }
      if (queueOwner(db) !== owner) {
        // The app quit or crashed: its next start would run the job again; this command does it now instead.
        const now = getJob(db, id);
        if (now && (now.state === 'queued' || now.state === 'running' || now.state === 'paused')) {
          setJobState(db, id, 'cancelled', 'Likeness stopped before finishing it; the command that asked for it ran it itself');
          ctx.err(`Likeness (pid ${owner}) stopped: doing the work here instead`);
          return { ran: false };
        }
        continue; // it finished just now: read the outcome above
      }
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
    }
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}
