// `likeness bench <what>` and `likeness eval <what>`: benchmarks print figures, evaluations print quality.
// Each sub-command lives in its own file and is registered here.
import { benchCliCommand } from './bench-cli';
import { benchIngest } from './bench-ingest';
import { benchSearchCommand } from './bench-search';
import type { Command } from './command';
import { benchTrain } from './bench-train';
import { benchEmbed } from './bench-embed';
import { evalFashionMnist } from './eval-fashion-mnist';
import { evalCategoriesCommand } from './eval-categories';
import { evalNearDuplicatesCommand } from './eval-near-duplicates';

export const benchCommands: Command[] = [benchIngest, benchSearchCommand, benchTrain, benchEmbed, benchCliCommand];
export const evalCommands: Command[] = [evalCategoriesCommand, evalNearDuplicatesCommand, evalFashionMnist];
