// Every CLI command, in the order `likeness help` lists them. Each lives in its own file.
import type { Command } from './command';
import { clustersCommand } from './clusters';
import { duplicatesCommand } from './duplicates';
import { exportClusterCommand } from './export-cluster';
import { errorsCommand } from './errors';
import { foldersCommand } from './folders';
import { commandGroup } from './group';
import { indexCommand } from './index-folders';
import { serveCommand } from './serve';
import { similarCommand } from './similar';
import { jobsCommand } from './jobs';
import { retrainCommand } from './retrain';
import { statusCommand } from './status';
import { trainCommand } from './train';
import { embedCommand } from './embed';
import { backendCommand } from './backend';
import { modelsCommand } from './models';
import { benchCommands, evalCommands } from './subcommands';

export const commands: Command[] = [
  indexCommand,
  statusCommand,
  errorsCommand,
  foldersCommand,
  serveCommand,
  similarCommand,
  clustersCommand,
  exportClusterCommand,
  duplicatesCommand,
  trainCommand,
  embedCommand,
  modelsCommand,
  retrainCommand,
  backendCommand,
  jobsCommand,
  commandGroup('bench', 'benchmarks that print speed and memory figures', () => benchCommands),
  commandGroup('eval', 'quality evaluations on a folder of data', () => evalCommands),
];
