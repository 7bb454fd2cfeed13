// `likeness folders [--remove PATH]`: the library's folders; removing one forgets its photos
// (from the library only: nothing on disk is touched).
import { resolve } from 'node:path';
import { removeFolder } from '../library/folders';
import { listFolders } from '../store/photos';
import { parse, UsageError, type CommandRun } from './command';

export const foldersCommand: CommandRun = {
  async run(args, ctx) {
    const { values } = parse(args, { json: { type: 'boolean' }, remove: { type: 'string' } }, false);
    const core = ctx.core();
    if (values.remove !== undefined) {
      const folder = listFolders(core.db).find((f) => f.path === values.remove || f.path === resolve(values.remove!));
      if (!folder) throw new UsageError(`not a library folder: ${values.remove}`);
      const removed = await removeFolder(core, folder.id);
      ctx.out(`removed ${folder.path} from the library (${removed} photos forgotten; files on disk untouched)`);
      return 0;
    }
    const folders = listFolders(core.db);
    if (values.json) ctx.out(JSON.stringify(folders));
    else for (const f of folders) ctx.out(`${f.path}\t${f.photoCount} photos\t${f.status}`);
    return 0;
  },
};
