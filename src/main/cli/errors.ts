// `likeness errors`: the files that could not be read or decoded, and why.
import { listProblems } from '../store/photos';
import { parse, type CommandRun } from './command';

export const errorsCommand: CommandRun = {
  async run(args, ctx) {
    const { values } = parse(args, { json: { type: 'boolean' }, limit: { type: 'string' } }, false);
    const limit = values.limit === undefined ? 100000 : Number(values.limit);
    const problems = listProblems(ctx.core().db, Number.isInteger(limit) && limit > 0 ? limit : 100000);
    if (values.json) ctx.out(JSON.stringify(problems));
    else if (problems.length === 0) ctx.out('no problems');
    else for (const p of problems) ctx.out(`${p.path}: ${p.reason}`);
    return 0;
  },
};
