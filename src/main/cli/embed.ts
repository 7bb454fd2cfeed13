// `likeness embed`: embed every photo that has no embedding for the active model version yet.
import { BACKEND_CHOICES, type BackendChoice } from '../model/backend';
import { embedLibrary } from '../model/embed';
import { parse, progressPrinter, UsageError, type Command } from './command';

export const embedCommand: Command = {
  name: 'embed',
  summary: 'embed every photo lacking an embedding for the active model (no retraining needed)',
  usage: 'embed [--model ID] [--backend auto|webgpu|wasm|cpu|tensorflow] [--json]',
  async run(args, ctx) {
    const { values } = parse(args, { model: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' } }, false);
    const backend = values.backend as BackendChoice | undefined;
    if (backend !== undefined && !BACKEND_CHOICES.includes(backend)) throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}`);
    const printer = progressPrinter('embed');
    const started = performance.now();
    const result = await embedLibrary(ctx.core(), {
      modelId: values.model ? Number(values.model) : undefined,
      signal: ctx.signal,
      backend,
      onBackend: (info) => ctx.err(`embedding on ${info.backend} on ${info.device}`),
      onProgress: (p) => printer.show(p),
    });
    printer.end();
    const seconds = (performance.now() - started) / 1000;
    if (values.json) ctx.out(JSON.stringify({ ...result, seconds }));
    else ctx.out(`model version ${result.modelId}: embedded ${result.embedded} photos in ${seconds.toFixed(1)} s`);
    return 0;
  },
};
