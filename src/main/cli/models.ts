// `likeness models`: list model versions, activate one, or print one's loss history.
import { activateModel, getModel, listModels, lossHistory } from '../store/models';
import { parse, UsageError, type CommandRun } from './command';

export const modelsCommand: CommandRun = {
  async run(args, ctx) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    const [action = 'list', idText] = positionals;
    const db = ctx.core().db;
    const id = () => {
      const n = Number(idText);
      if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${action} needs a model id`);
      if (!getModel(db, n)) throw new UsageError(`no model version ${n}`);
      return n;
    };
    if (action === 'list') {
      const models = listModels(db);
      if (values.json) {
        ctx.out(JSON.stringify(models));
        return 0;
      }
      if (!models.length) ctx.out('no model versions yet: likeness train');
      for (const m of models) {
        ctx.out(
          `${String(m.id).padStart(4)}  ${m.status.padEnd(8)}  ${m.inputSize}px  z ${m.embeddingDim}  ${m.steps} steps  ${m.photosSeen} images  ${(m.durationMs / 60000).toFixed(1)} min  ${m.backend ?? '?'} on ${m.device ?? '?'}  ${m.createdAt}  ${m.recipe}${m.note ? `  (${m.note})` : ''}`,
        );
      }
      return 0;
    }
    if (action === 'activate') {
      const m = activateModel(db, id());
      ctx.out(values.json ? JSON.stringify(m) : `model version ${m.id} is active; run likeness embed to embed photos with it`);
      return 0;
    }
    if (action === 'loss') {
      const points = lossHistory(db, id());
      if (values.json) ctx.out(JSON.stringify(points));
      else
        for (const p of points)
          ctx.out(`${p.step}\t${p.loss.toFixed(5)}\tglobal ${p.globalMi.toFixed(5)}\tlocal ${p.localMi.toFixed(5)}\tprior ${p.prior.toFixed(4)}`);
      return 0;
    }
    throw new UsageError(`unknown action '${action}'`);
  },
};
