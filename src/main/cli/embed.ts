// `likeness embed`: embed every photo that has no embedding for the active model version yet (in
// the app's job queue when the app or serve is running).
import { parse, type CommandRun } from './command';
import { runHeavy } from './heavy';
import { backendFlag } from './train';

export const embedCommand: CommandRun = {
  async run(args, ctx) {
    const { values } = parse(args, { model: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' } }, false);
    const backend = backendFlag(values.backend);
    const started = performance.now();
    const result = await runHeavy(ctx, { kind: 'embed', modelId: values.model ? Number(values.model) : undefined, backend }, 'embed', {
      onBackend: (info) => ctx.err(`embedding on ${info.backend} on ${info.device}`),
    });
    const seconds = (performance.now() - started) / 1000;
    if (values.json) ctx.out(JSON.stringify({ ...result, seconds }));
    else ctx.out(`model version ${result.modelId}: embedded ${result.embedded} photos in ${seconds.toFixed(1)} s`);
    return 0;
  },
};
