// A command made of sub-commands (`likeness bench ingest …`), loaded when the group runs.
import { UsageError, type Command, type CommandRun } from './command';

export function commandGroup(name: string, subcommands: () => Promise<Command[]>): CommandRun {
  return {
    async run(args, ctx) {
      const [sub, ...rest] = args;
      const all = await subcommands();
      if (!sub || sub === '--list') {
        for (const c of all) ctx.out(`likeness ${name} ${c.usage}\n    ${c.summary}`);
        return sub ? 0 : 2;
      }
      const command = all.find((c) => c.name === sub);
      if (!command) throw new UsageError(`unknown ${name} '${sub}'; one of: ${all.map((c) => c.name).join(', ')}`);
      return command.run(rest, ctx);
    },
  };
}
