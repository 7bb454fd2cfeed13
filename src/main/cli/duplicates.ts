// `likeness duplicates`: groups of photos that are the same shot, with the copy suggested to keep.
// Nothing is deleted. The grouping runs in the app's job queue when the app (or serve) is running.
import { toApiDuplicateGroups } from '../search/service';
import { storedDuplicateGroups } from '../store/duplicates';
import { photoPaths } from '../store/photos';
import { parse, type CommandRun } from './command';
import { runHeavy } from './heavy';

export const duplicatesCommand: CommandRun = {
  async run(args, ctx) {
    const { values } = parse(args, { json: { type: 'boolean', default: false } }, false);
    const core = ctx.core();
    await runHeavy(ctx, { kind: 'duplicates' }, 'neighbour graph');
    const groups = toApiDuplicateGroups(core, storedDuplicateGroups(core.db));
    const rows = groups.map((g) => ({
      id: g.id,
      keeperId: g.keeperId,
      photos: g.photos.map((p) => ({ id: p.id, path: photoPaths(core.db, p.id)[0] ?? null, width: p.width, height: p.height, takenAt: p.takenAt })),
    }));
    if (values.json) {
      ctx.out(JSON.stringify(rows));
      return 0;
    }
    for (const g of rows) {
      ctx.out(`group ${g.id}: ${g.photos.length} photos`);
      for (const p of g.photos) ctx.out(`  ${p.id === g.keeperId ? 'keep' : '    '}  ${p.width}×${p.height}  ${p.takenAt ?? '—'}  ${p.path}`);
    }
    ctx.out(`${rows.length} groups of near-duplicates (${rows.reduce((s, g) => s + g.photos.length - 1, 0)} photos could go); nothing was deleted`);
    return 0;
  },
};
