// A command made of sub-commands (`likeness bench ingest …`).
import { UsageError, type Command } from './command';

export function commandGroup(name: string, summary: string, subcommands: () => Command[]): Command {
  return {
    name,
    summary,
    usage: `${name} <${'what'}> …  (likeness ${name} --list)`,
    async run(args, ctx) {
      const [sub, ...rest] = args;
      const all = subcommands();
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
