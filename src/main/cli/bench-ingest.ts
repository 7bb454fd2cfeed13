// `likeness bench ingest <folder>`: full ingest speed against a bare sharp pipeline over the same
// files (decode + resize to the thumbnail and the model input), with peak memory for each
// (src/main/eval/benchIngest.ts measures; this file parses and prints).
import { resolve } from 'node:path';
import { benchIngest as measureIngest } from '../eval/benchIngest';
import { EvalInputError } from '../eval/common';
import { parse, UsageError, type Command } from './command';

export const benchIngest: Command = {
  name: 'ingest',
  summary: 'photos/s of the full ingest vs a bare sharp decode+resize pipeline over the same files',
  usage: 'ingest <folder> [--repeat N] [--json]',
  async run(args, ctx) {
    const { values, positionals } = parse(args, { repeat: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('give one folder of photos');
    const folder = resolve(positionals[0]);
    const repeat = Math.max(1, Number(values.repeat ?? 3));
    let result;
    try {
      result = await measureIngest(folder, {
        repeat,
        signal: ctx.signal,
        onStart: (info) =>
          ctx.err(`${info.files} files, ${info.meanMegapixels.toFixed(1)} MP on average; ${info.cores} cores; ${info.repeat} runs each, alternating`),
        onRun: (run, bare, full) =>
          ctx.err(
            `run ${run + 1}: bare ${bare.rate.toFixed(1)} photos/s ${bare.cpuMsPerPhoto.toFixed(1)} ms CPU each, full ${full.rate.toFixed(1)} photos/s ${full.cpuMsPerPhoto.toFixed(1)} ms CPU each`,
          ),
      });
    } catch (e) {
      if (e instanceof EvalInputError) throw new UsageError(e.message);
      throw e;
    }
    if (values.json) ctx.out(JSON.stringify(result));
    else {
      ctx.out(`bare sharp pipeline: ${result.barePhotosPerSecond.toFixed(1)} photos/s (peak RSS ${result.barePeakRssMiB.toFixed(0)} MiB)`);
      ctx.out(`full ingest:         ${result.fullPhotosPerSecond.toFixed(1)} photos/s (peak RSS ${result.fullPeakRssMiB.toFixed(0)} MiB)`);
      ctx.out(`ratio full/bare:     ${result.ratio.toFixed(2)} (target ≥ 0.85)`);
      // CPU time per photo is steadier than wall time when other work shares the machine.
      ctx.out(
        `CPU per photo:       bare ${result.bareCpuMsPerPhoto.toFixed(1)} ms, full ${result.fullCpuMsPerPhoto.toFixed(1)} ms (bare/full ${(result.bareCpuMsPerPhoto / result.fullCpuMsPerPhoto).toFixed(2)})`,
      );
    }
    return 0;
  },
};
