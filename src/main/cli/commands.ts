// Every CLI command, in the order `likeness help` lists them. Each lives in its own file.
import type { Command } from './command';

export const commands: Command[] = [];
