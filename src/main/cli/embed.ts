// `likeness embed`: embed every photo that has no embedding for the active model version yet.
import { embedLibrary } from '../model/embed';
import { parse, progressPrinter, type Command } from './command';

export const embedCommand: Command = {
  name: 'embed',
  summary: 'embed every photo lacking an embedding for the active model (no retraining needed)',
  usage: 'embed [--model ID] [--json]',
  async run(args, ctx) {
    const { values } = parse(args, { model: { type: 'string' }, json: { type: 'boolean' } }, false);
    const printer = progressPrinter('embed');
    const started = performance.now();
    const result = await embedLibrary(ctx.core(), {
      modelId: values.model ? Number(values.model) : undefined,
      signal: ctx.signal,
      onProgress: (p) => printer.show(p),
    });
    printer.end();
    const seconds = (performance.now() - started) / 1000;
    if (values.json) ctx.out(JSON.stringify({ ...result, seconds }));
    else ctx.out(`model version ${result.modelId}: embedded ${result.embedded} photos in ${seconds.toFixed(1)} s`);
    return 0;
  },
};
