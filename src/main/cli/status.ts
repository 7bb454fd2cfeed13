// `likeness status`: what is in the library and what state it is in.
import { libraryCounts, listFolders } from '../store/photos';
import { parse, type CommandRun } from './command';

export const statusCommand: CommandRun = {
  async run(args, ctx) {
    const { values } = parse(args, { json: { type: 'boolean' } }, false);
    const core = ctx.core();
    const counts = libraryCounts(core.db);
    const folders = listFolders(core.db);
    if (values.json) {
      ctx.out(JSON.stringify({ dataDir: core.dataDir.root, ...counts, folders }));
      return 0;
    }
    ctx.out(`data directory: ${core.dataDir.root}`);
    ctx.out(`photos: ${counts.photos} (${counts.files} files)`);
    ctx.out(`problems: ${counts.problems}${counts.problems ? ' (likeness errors)' : ''}`);
    ctx.out(`folders: ${counts.folders}${counts.offlineFolders ? ` (${counts.offlineFolders} offline)` : ''}`);
    for (const f of folders) {
      ctx.out(`  ${f.path}  ${f.photoCount} photos  ${f.status}  last scan ${f.lastScanAt ?? 'never'}`);
    }
    return 0;
  },
};
