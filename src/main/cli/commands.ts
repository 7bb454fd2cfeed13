// Every CLI command, in the order `likeness help` lists them. Each lives in its own file.
import type { Command } from './command';
import { commandGroup } from './group';
import { benchCommands, evalCommands } from './subcommands';

export const commands: Command[] = [
  commandGroup('bench', 'benchmarks that print speed and memory figures', () => benchCommands),
  commandGroup('eval', 'quality evaluations on a folder of data', () => evalCommands),
];
