// The `likeness` command line: a thin layer over the same core the desktop app uses. Only the
// command that runs is loaded, and the library only when it asks for it.
import type { Core } from '../core';
import { UsageError, type CommandContext } from './command';
import { commands } from './commands';

function help(): string {
  return [
    'likeness — a local-first photo organiser that learns from your own photos',
    '',
    'Usage:',
    ...commands.flatMap((c) => [`  likeness ${c.usage}`, `      ${c.summary}`]),
    '',
    'Data directory: $LIKENESS_HOME, or the OS user-data folder by default.',
    '`likeness <command> --help` shows one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`likeness: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`Usage: likeness ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  const { openCore, closeCore } = await import('../core');
  let core: Core | null = null;
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('\nStopping… (press Ctrl-C again to quit at once)\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  const ctx: CommandContext = {
    core: () => (core ??= openCore()),
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    signal: abort.signal,
  };
  try {
    return await (await command.load()).run(rest, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`likeness ${name}: ${error.message}\nUsage: likeness ${command.usage}`);
      return 2;
    }
    if (abort.signal.aborted) {
      console.error(`likeness ${name}: stopped; run it again to continue.`);
      return 130;
    }
    console.error(`likeness ${name}: ${(error as Error).message}`);
    if (process.env.LIKENESS_DEBUG) console.error(error);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    if (core) closeCore(core);
  }
}
