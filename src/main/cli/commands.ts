// Every CLI command, in the order `likeness help` lists them. Each lives in its own file.
import type { Command } from './command';
import { errorsCommand } from './errors';
import { foldersCommand } from './folders';
import { commandGroup } from './group';
import { indexCommand } from './index-folders';
import { serveCommand } from './serve';
import { statusCommand } from './status';
import { benchCommands, evalCommands } from './subcommands';

export const commands: Command[] = [
  indexCommand,
  statusCommand,
  errorsCommand,
  foldersCommand,
  serveCommand,
  commandGroup('bench', 'benchmarks that print speed and memory figures', () => benchCommands),
  commandGroup('eval', 'quality evaluations on a folder of data', () => evalCommands),
];
