// `likeness export-cluster`: a cluster as an album — a folder of links to (or copies of) its photos.
// The originals are never moved or changed.
import { exportCluster } from '../search/service';
import { parse, UsageError, type CommandRun } from './command';

export const exportClusterCommand: CommandRun = {
  async run(args, ctx) {
    const { values, positionals } = parse(args, { copy: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } });
    const [idText, folder] = positionals;
    const id = Number(idText);
    if (!Number.isInteger(id) || id < 1 || !folder || positionals.length !== 2) throw new UsageError('give a cluster id and a folder');
    const result = await exportCluster(ctx.core(), id, folder, values.copy ? 'copy' : 'link');
    if (values.json) ctx.out(JSON.stringify(result));
    else
      ctx.out(
        `${result.written} ${values.copy ? 'copies' : 'links'} written to ${result.folder}${result.skipped ? ` (${result.skipped} skipped)` : ''}`,
      );
    return 0;
  },
};
