// `likeness serve`: the desktop UI in a browser, over a local HTTP + WebSocket server.
import { existsSync } from 'node:fs';
import { startServer } from '../api/http';
import { startLikeness } from '../api/startup';
import { onBatteryPower } from '../jobs/power';
import { parse, UsageError, type CommandRun } from './command';
import { openBrowser } from './openBrowser';
import { defaultRendererDir, ensureUiBuilt } from './uiBuild';

export const serveCommand: CommandRun = {
  async run(args, ctx) {
    const { values } = parse(
      args,
      {
        port: { type: 'string' },
        host: { type: 'string' },
        open: { type: 'boolean' },
        'no-watch': { type: 'boolean' },
        'no-retrain-overnight': { type: 'boolean' },
        // On by default now; the flag is still accepted.
        'retrain-overnight': { type: 'boolean' },
      },
      false,
    );
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, not ${values.port}`);
    const host = values.host ?? '127.0.0.1';
    let rendererDir = process.env.LIKENESS_RENDERER_DIR;
    if (rendererDir === undefined) {
      // Built when missing or older than its sources, instead of serving a "not built" page.
      rendererDir = await ensureUiBuilt({ log: (line) => ctx.err(line) }).catch((error: Error) => {
        ctx.err(`${error.message}\nThe API is served anyway.`);
        return defaultRendererDir;
      });
    } else if (!existsSync(`${rendererDir}/index.html`)) {
      ctx.err(`No UI in LIKENESS_RENDERER_DIR (no ${rendererDir}/index.html). The API is served anyway.`);
    }
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
      ctx.err(`Listening on ${host}: anyone who can reach this machine and has the token can see your photos.`);
    }
    const core = ctx.core();
    const likeness = await startLikeness(core, {
      watch: !values['no-watch'],
      retrainOvernight: !values['no-retrain-overnight'],
      // A headless box (a NAS) has no user input to wait for: the schedule's window stands for idleness.
      probe: { idleSeconds: () => Number.POSITIVE_INFINITY, onBattery: () => onBatteryPower() },
    });
    if (likeness.otherOwner !== null)
      ctx.err(`Likeness (pid ${likeness.otherOwner}) is already running this library's jobs: this server leaves them to it.`);
    if (likeness.resumed.length) ctx.err(`Starting again what was interrupted: ${likeness.resumed.map((j) => j.message).join('; ')}`);
    const server = await startServer({ service: likeness.service, core, host, port, rendererDir });
    ctx.out(`Likeness is serving ${core.dataDir.root}`);
    ctx.out(`Open ${server.loginUrl}`);
    if (likeness.retrainer)
      ctx.out('Retraining overnight when due (turn it off on the Training screen; `likeness retrain --help` for the schedule).');
    if (values.open) {
      const skipped = await openBrowser(server.loginUrl);
      ctx.out(skipped ? `Not opening a browser: ${skipped}. Open the address above yourself.` : 'Opened it in your browser.');
    }
    ctx.out('Press Ctrl-C to stop.');
    // Ctrl-C (the CLI's signal) or SIGTERM (systemd, docker stop): stop jobs cleanly, then close.
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      process.once('SIGTERM', () => resolve());
    });
    await likeness.stop();
    await server.close();
    return 0;
  },
};
