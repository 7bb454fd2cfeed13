// `likeness bench <what>` and `likeness eval <what>`: benchmarks print figures, evaluations print quality.
// Each sub-command lives in its own file and is registered here.
import { benchIngest } from './bench-ingest';
import type { Command } from './command';

export const benchCommands: Command[] = [benchIngest];
export const evalCommands: Command[] = [];
