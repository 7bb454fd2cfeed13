// `likeness serve`: the desktop UI in a browser, over a local HTTP + WebSocket server.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer } from '../api/http';
import { RetrainScheduler } from '../api/retrainScheduler';
import { LikenessService } from '../api/service';
import { onBatteryPower } from '../jobs/power';
import { computeLeaseGate } from '../jobs/computeLease';
import { JobRunner } from '../jobs/runner';
import { JobRequestPoller, queueOwner } from '../jobs/jobControl';
import { SqliteJobStore } from '../jobs/sqliteJobStore';
import { parse, UsageError, type Command } from './command';

/** Where `npm run build:renderer` (or `npm run build`) puts the UI. */
export const defaultRendererDir = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

export const serveCommand: Command = {
  name: 'serve',
  summary: 'open the Likeness UI in a browser: a local HTTP server (127.0.0.1 unless --host)',
  usage: 'serve [--port P] [--host H] [--no-watch] [--retrain-overnight]',
  async run(args, ctx) {
    const { values } = parse(args, { port: { type: 'string' }, host: { type: 'string' }, 'no-watch': { type: 'boolean' }, 'retrain-overnight': { type: 'boolean' } }, false);
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, not ${values.port}`);
    const host = values.host ?? '127.0.0.1';
    const rendererDir = process.env.LIKENESS_RENDERER_DIR ?? defaultRendererDir;
    if (!existsSync(`${rendererDir}/index.html`)) {
      ctx.err(`The UI is not built (no ${rendererDir}/index.html): run \`npm run build:renderer\`. The API is served anyway.`);
    }
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
      ctx.err(`Listening on ${host}: anyone who can reach this machine and has the token can see your photos.`);
    }
    const core = ctx.core();
    // Jobs are recorded in the library: what a previous run left unfinished starts again.
    const jobStore = new SqliteJobStore(core.db);
    const otherOwner = queueOwner(core.db);
    if (otherOwner !== null) ctx.err(`Likeness (pid ${otherOwner}) is already running this library's jobs: this server leaves them to it.`);
    const interrupted = otherOwner === null ? jobStore.takeInterrupted() : [];
    const service = new LikenessService(core, new JobRunner(jobStore, computeLeaseGate(core.db)));
    // `likeness jobs cancel|pause|resume` from another terminal reaches this process through the library.
    const requests = otherOwner === null ? new JobRequestPoller(core.db, service.jobs, 1000, (job, params) => service.submittedWork(job, params)) : null;
    requests?.start();
    const server = await startServer({ service, core, host, port, rendererDir });
    if (!values['no-watch']) await service.startWatching();
    const resumed = service.resumeInterrupted(interrupted);
    if (resumed.length) ctx.err(`Starting again what was interrupted: ${resumed.map((j) => j.message).join('; ')}`);
    await service.recoverTrash();
    if (otherOwner === null) service.catchUp();
    // A headless box (a NAS) has no user input to wait for: the schedule's window stands for idleness.
    const retrainer = values['retrain-overnight'] ? new RetrainScheduler(service, { idleSeconds: () => Number.POSITIVE_INFINITY, onBattery: () => onBatteryPower() }) : null;
    retrainer?.start();
    ctx.out(`Likeness is serving ${core.dataDir.root}`);
    ctx.out(`Open ${server.loginUrl}`);
    if (retrainer) ctx.out('Retraining overnight when due (see `likeness retrain --help` for the schedule).');
    ctx.out('Press Ctrl-C to stop.');
    // Ctrl-C (the CLI's signal) or SIGTERM (systemd, docker stop): stop jobs cleanly, then close.
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      process.once('SIGTERM', () => resolve());
    });
    retrainer?.stop();
    requests?.stop();
    await service.stopWatching();
    // The running job stops at its next check and stays recorded as unfinished: it resumes next time.
    await service.jobs.shutdown();
    await server.close();
    return 0;
  },
};
