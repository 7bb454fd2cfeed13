// `likeness index [folder…]`: add folders and bring the library in line with the disk.
import { indexFolders } from '../library/scan';
import { parse, progressPrinter, formatDuration, type Command } from './command';

export const indexCommand: Command = {
  name: 'index',
  summary: 'add folders to the library and scan them (no folder: re-scan every library folder)',
  usage: 'index [folder…] [--json]',
  async run(args, ctx) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    const core = ctx.core();
    const printer = progressPrinter('indexing');
    const started = performance.now();
    const summary = await indexFolders(core, positionals, { onProgress: printer.show, signal: ctx.signal });
    printer.end();
    const seconds = (performance.now() - started) / 1000;
    if (values.json) {
      ctx.out(JSON.stringify(summary));
    } else {
      ctx.out(
        `added ${summary.added}, updated ${summary.updated}, moved ${summary.moved}, removed ${summary.removed}, ` +
          `unchanged ${summary.unchanged}, failed ${summary.failed} in ${formatDuration(seconds)}`,
      );
      for (const path of summary.offline) ctx.out(`offline (not reachable, left as it was): ${path}`);
      if (summary.failed > 0) ctx.out(`${summary.failed} file(s) could not be read: see \`likeness errors\``);
    }
    return 0;
  },
};
