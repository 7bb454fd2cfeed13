// `likeness eval fashion-mnist <dir>`: the quality check of the encoder. Trains on the 60k training
// images within a time budget, embeds train and test, and prints 5-NN cosine accuracy of the first
// N test images against the training set — next to raw pixels (mean-centred) and the same encoder
// with its untrained random weights, all computed in this run with the same protocol
// (src/main/eval/fashionMnist.ts does the work; this file parses and prints).
import { evalFashionMnist as runFashionMnist } from '../eval/fashionMnist';
import { parse, progressPrinter, UsageError, type Command } from './command';
import { trainOptionSpec, trainOptionsFrom } from './train';

export const evalFashionMnist: Command = {
  name: 'fashion-mnist',
  summary: 'train on Fashion-MNIST within a time budget and print 5-NN accuracy vs raw pixels and the untrained encoder',
  usage: 'fashion-mnist <dir-with-idx-gz-files> [--minutes M] [--json] [--ablation] [--test N] [train options: --preset, --input-size, --alpha…]',
  async run(args, ctx) {
    const { values, positionals } = parse(args, { ...trainOptionSpec, ablation: { type: 'boolean' }, test: { type: 'string' } });
    const dir = positionals[0];
    if (!dir) throw new UsageError('give the folder with the Fashion-MNIST IDX .gz files');
    const r = await runFashionMnist(dir, {
      recipe: trainOptionsFrom(values),
      testCount: values.test ? Number(values.test) : 1000,
      ablation: values.ablation,
      signal: ctx.signal,
      log: (s) => ctx.err(s),
      progress: (stage) => progressPrinter(stage),
    });
    const main = r.runs[0]!;
    const raw = r.rawPixels;
    const randomInit = r.untrained;
    const result = {
      knnAccuracy: main.knnAccuracy,
      rawPixelAccuracy: raw.all,
      randomInitAccuracy: randomInit.all,
      ...(r.beyondProtocol && {
        first1000: { knnAccuracy: main.knnAccuracyFirst1000, rawPixelAccuracy: raw.first1000, randomInitAccuracy: randomInit.first1000 },
      }),
      trainMinutes: main.trainMinutes,
      backend: main.backend,
      device: main.device,
      testQueries: r.testQueries,
      runs: r.runs,
    };
    if (values.json) ctx.out(JSON.stringify(result));
    else {
      const first = r.beyondProtocol;
      const both = (all: number, f: number) => `${all.toFixed(4)}${first ? `  (first 1,000: ${f.toFixed(4)})` : ''}`;
      ctx.out(`${r.testQueries} test queries against ${r.trainImages} training images`);
      ctx.out(`learned encoder 5-NN:   ${both(main.knnAccuracy, main.knnAccuracyFirst1000)}  (${main.trainMinutes.toFixed(1)} min, ${main.backend})`);
      ctx.out(`raw pixels 5-NN:        ${both(raw.all, raw.first1000)}`);
      ctx.out(`untrained encoder 5-NN: ${both(randomInit.all, randomInit.first1000)}`);
      for (const run of r.runs.slice(1)) ctx.out(`${String(run.name).padEnd(12)} 5-NN:  ${run.knnAccuracy.toFixed(4)}`);
    }
    return 0;
  },
};
