// `likeness index [folder…]`: add folders and bring the library in line with the disk (in the app's
// job queue when the app or serve is running).
import { resolve } from 'node:path';
import { formatDuration } from '../../shared/format';
import { scanCounts } from '../jobs/heavy';
import { parse, type CommandRun } from './command';
import { runHeavy } from './heavy';

export const indexCommand: CommandRun = {
  async run(args, ctx) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    const started = performance.now();
    const summary = await runHeavy(ctx, { kind: 'scan', paths: positionals.map((p) => resolve(p)) }, 'indexing');
    const seconds = (performance.now() - started) / 1000;
    if (values.json) {
      ctx.out(JSON.stringify(summary));
    } else {
      ctx.out(`${scanCounts(summary)} in ${formatDuration(seconds)}`);
      for (const path of summary.offline) ctx.out(`offline (not reachable, left as it was): ${path}`);
      if (summary.failed > 0) ctx.out(`${summary.failed} file(s) could not be read: see \`likeness errors\``);
    }
    return 0;
  },
};
