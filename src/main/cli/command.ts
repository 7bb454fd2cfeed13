// What a CLI command is, and the small helpers every command shares.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Core } from '../core';
import { formatDuration } from '../../shared/format';
import type { Progress } from '../util/progress';

export interface CommandContext {
  /** Opens the library in LIKENESS_HOME (or the default data directory) on first use. */
  core(): Core;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Aborted on Ctrl-C: long commands stop cleanly and can be resumed. */
  signal: AbortSignal;
}

/** What `likeness help` lists about a command. */
export interface CommandInfo {
  name: string;
  summary: string;
  usage: string;
}

/** A command's code. Top-level commands keep their CommandInfo in commands.ts, so that help loads none of them. */
export interface CommandRun {
  run(args: string[], ctx: CommandContext): Promise<number>;
}

/** A sub-command of `bench` or `eval`: loaded with its group. */
export interface Command extends CommandInfo, CommandRun {}

export class UsageError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A one-line progress display on a terminal; plain lines every few seconds otherwise. */
export function progressPrinter(label: string, write: (s: string) => void = (s) => process.stderr.write(s)) {
  const tty = process.stderr.isTTY;
  let lastPlain = 0;
  let shown = false;
  return {
    show(p: Progress): void {
      shown = true;
      const pct = p.total > 0 ? ((100 * p.done) / p.total).toFixed(1) : '0.0';
      const rate = p.rate === null ? '--' : p.rate.toFixed(1);
      const line = `${label}: ${p.done}/${p.total} (${pct}%)  ${rate}/s  ETA ${formatDuration(p.etaSeconds, '--')}${p.message ? '  ' + p.message : ''}`;
      if (tty) write(`\r\x1b[K${line}`);
      else if (Date.now() - lastPlain > 5000 || p.done === p.total) {
        lastPlain = Date.now();
        write(line + '\n');
      }
    },
    end(): void {
      // Ends the progress line; a printer that never showed one writes nothing.
      if (tty && shown) write('\n');
      shown = false;
    },
  };
}
