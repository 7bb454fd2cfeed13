// `likeness eval categories <folder>`: precision@5 by category (labels = subfolder names) for the
// learned embeddings, raw pixels and the untrained encoder, with a time-to-quality curve
// (src/main/eval/categories.ts does the work; this file parses and prints).
import { resolve } from 'node:path';
import { evalCategories, PRECISION_AT, type Precision } from '../eval/categories';
import { EvalInputError } from '../eval/common';
import { parse, progressPrinter, UsageError, type Command } from './command';
import { trainOptionSpec, trainOptionsFrom } from './train';

function budgetList(flag: string, text: string): number[] {
  const list = text.split(',').map((s) => Number(s.trim()));
  if (!list.length || list.some((n, i) => !(n > 0) || (i > 0 && n <= list[i - 1]!)))
    throw new UsageError(`--${flag} takes ascending positive numbers, e.g. 1,3,10,30`);
  return list;
}

const perCategory = (p: Precision) =>
  Object.entries(p.byCategory)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');

export const evalCategoriesCommand: Command = {
  name: 'categories',
  summary: `precision@${PRECISION_AT} by category (subfolder names) for learned embeddings, raw pixels and the untrained encoder; time-to-quality curve`,
  usage:
    'categories <folder with one subfolder per category> [--minutes 5 | --curve 1,3,10,30 | --max-steps N | --curve-steps 100,300,1000] [--unlabelled <folder>]… [--sheets <folder> [--sheet-count 3]] [--keep] [--json] [train options: --preset, --crop-min-scale, --jitter…]',
  async run(args, ctx) {
    const { values, positionals } = parse(args, {
      ...trainOptionSpec,
      curve: { type: 'string' },
      'curve-steps': { type: 'string' },
      sheets: { type: 'string' },
      'sheet-count': { type: 'string', default: '3' },
      keep: { type: 'boolean', default: false },
      unlabelled: { type: 'string', multiple: true },
    });
    if (positionals.length !== 1) throw new UsageError('give one folder with one subfolder of photos per category');
    const given = ['minutes', 'curve', 'max-steps', 'curve-steps'].filter((k) => values[k as keyof typeof values] !== undefined);
    if (given.length > 1) throw new UsageError('give one of --minutes, --curve, --max-steps, --curve-steps');
    const { unlabelled, ...flags } = values;
    const recipe = trainOptionsFrom(flags);
    let budgets: number[];
    let unit: 'minutes' | 'steps' = 'minutes';
    if (values.curve !== undefined) budgets = budgetList('curve', values.curve);
    else if (values['curve-steps'] !== undefined) [budgets, unit] = [budgetList('curve-steps', values['curve-steps']), 'steps'];
    else if (recipe.maxSteps !== undefined) [budgets, unit] = [[recipe.maxSteps], 'steps'];
    else budgets = [recipe.minutes ?? 5];
    const sheetCount = Number(values['sheet-count']);
    if (!(Number.isInteger(sheetCount) && sheetCount >= 1)) throw new UsageError('--sheet-count must be a positive whole number');
    const say = (line: string) => (values.json ? ctx.err(line) : ctx.out(line));
    // One progress line per stage (indexing, each training segment).
    const printers: ReturnType<typeof progressPrinter>[] = [];
    const endPrinter = () => printers.pop()?.end();

    let result;
    try {
      result = await evalCategories(resolve(positionals[0]!), {
        budgets,
        budgetUnit: unit,
        recipe,
        sheetDir: values.sheets === undefined ? undefined : resolve(values.sheets),
        sheetCount,
        keep: values.keep,
        unlabelled,
        signal: ctx.signal,
        say,
        onProgress: (stage) => {
          endPrinter();
          const p = progressPrinter(stage);
          printers.push(p);
          return (progress) => p.show(progress);
        },
      });
    } catch (e) {
      if (e instanceof EvalInputError) throw new UsageError(e.message);
      throw e;
    } finally {
      endPrinter();
    }
    if (values.json) {
      ctx.out(JSON.stringify(result));
      return 0;
    }
    ctx.out(
      `precision@${PRECISION_AT} over ${result.photos} photos in ${Object.keys(result.categories).length} categories (chance ${result.chance.toFixed(4)}; model: ${result.model}):`,
    );
    ctx.out(`  raw pixels  ${result.rawPixels.precision.toFixed(4)}   ${perCategory(result.rawPixels)}`);
    ctx.out(`  untrained   ${result.untrained.precision.toFixed(4)}   ${perCategory(result.untrained)}`);
    for (const p of result.curve) {
      ctx.out(
        `  learned after ${p.budget} ${result.budgetUnit} (${p.steps} steps, ${p.photosSeen} images, ${p.trainMinutes} min): ${p.learned.precision.toFixed(4)}   ${perCategory(p.learned)}`,
      );
    }
    for (const file of result.sheets) ctx.out(`  sheet: ${file}`);
    return 0;
  },
};
