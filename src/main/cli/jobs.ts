// `likeness jobs`: the library's job queue — list it, or cancel, pause or resume a job, whether the
// app (or `likeness serve`) is running it now or will pick it up on its next start.
import { controlJob, queueOwner } from '../jobs/jobControl';
import { listJobs } from '../store/jobs';
import { formatDuration } from '../../shared/format';
import { parse, UsageError, type CommandRun } from './command';

export const jobsCommand: CommandRun = {
  async run(args, ctx) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    const db = ctx.core().db;
    const [action, idText] = positionals;
    if (action !== undefined) {
      if (action !== 'cancel' && action !== 'pause' && action !== 'resume') throw new UsageError(`unknown action '${action}'`);
      const id = Number(idText);
      if (!Number.isInteger(id) || id <= 0) throw new UsageError(`${action} needs a job id`);
      const outcome = controlJob(db, id, action);
      if (!outcome) {
        ctx.err(`no job ${id}`);
        return 1;
      }
      if (values.json) ctx.out(JSON.stringify(outcome));
      else if (outcome.via === 'running process') ctx.out(`asked the running Likeness (pid ${outcome.pid}) to ${action} job ${id}`);
      else ctx.out(`job ${id} is now ${outcome.job.state} (Likeness is not running; its next start follows this)`);
      return 0;
    }
    const jobs = listJobs(db, 50);
    if (values.json) {
      ctx.out(JSON.stringify(jobs));
      return 0;
    }
    const owner = queueOwner(db);
    ctx.out(owner ? `the queue is run by Likeness, pid ${owner}` : 'Likeness is not running: unfinished jobs start again with it');
    if (jobs.length === 0) ctx.out('no jobs yet');
    for (const j of jobs) {
      const progress = j.total > 0 ? ` ${j.done}/${j.total}` : '';
      const took = j.startedAt && j.finishedAt ? ` in ${formatDuration((Date.parse(j.finishedAt) - Date.parse(j.startedAt)) / 1000)}` : '';
      ctx.out(
        `${String(j.id).padStart(5)}  ${j.kind.padEnd(10)} ${j.state.padEnd(9)}${progress}${took}  ${j.message}${j.error ? ` (${j.error})` : ''}`,
      );
    }
    return 0;
  },
};
