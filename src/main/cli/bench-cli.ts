// `likeness bench cli`: how long each light command takes from a cold start, and its peak memory,
// each next to a bare `node -e 0` measured in the same run (the ratio is what stays comparable on a
// busy machine), on a synthetic library of N photos (src/main/eval/benchCli.ts measures; this file
// parses and prints).
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { benchCli, type CommandFigure } from '../eval/benchCli';
import { CancelledError } from '../util/progress';
import { parse, UsageError, type Command } from './command';

export const benchCliCommand: Command = {
  name: 'cli',
  summary: "each light command's wall time, CPU time and peak memory from a cold start, and the ratios to `node -e 0`",
  usage: 'cli [--photos 10000] [--dim 128] [--runs 5] [--bin <likeness launcher>] [--json]',
  async run(args, ctx) {
    const { values } = parse(
      args,
      {
        photos: { type: 'string', default: '10000' },
        dim: { type: 'string', default: '128' },
        runs: { type: 'string', default: '5' },
        bin: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      false,
    );
    const count = Number(values.photos.replace(/k$/i, '000'));
    const dim = Number(values.dim);
    const runs = Number(values.runs);
    for (const [name, v] of [
      ['--photos', count],
      ['--dim', dim],
      ['--runs', runs],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new UsageError(`${name} must be a positive whole number`);
    }
    // The launcher this process was started with, unless another checkout's is given.
    const bin = resolve(values.bin ?? process.argv[1]!);
    const say = (line: string) => {
      if (!values.json) ctx.out(line);
    };
    let figures: CommandFigure[];
    try {
      figures = await benchCli({ count, dim, runs, bin, signal: ctx.signal, say });
    } catch (e) {
      // Stopped (Ctrl-C) between two rounds: nothing is printed, as before.
      if (e instanceof CancelledError) return 130;
      throw e;
    }
    if (values.json) {
      ctx.out(JSON.stringify({ photos: count, dim, runs, bin, node: process.version, loadAverage: loadavg(), commands: figures }, null, 2));
      return 0;
    }
    say(
      `median of ${runs} cold starts each (${process.version}; ${bin}; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${availableParallelism()} cores):`,
    );
    say(`  ${''.padEnd(28)} ${'wall'.padStart(13)}  ${'cpu (user+sys)'.padStart(15)}  peak rss`);
    for (const f of figures) {
      say(
        `  ${f.label.padEnd(28)} ${String(f.wallMs).padStart(5)} ms ${f.ratio.toFixed(1).padStart(5)}×  ${String(f.cpuMs).padStart(6)} ms ${f.cpuRatio.toFixed(1).padStart(5)}×  ${String(f.peakMiB).padStart(4)} MiB` +
          (f.exitCode !== 0 ? `  (exit ${f.exitCode}: ${f.error})` : ''),
      );
    }
    return 0;
  },
};
