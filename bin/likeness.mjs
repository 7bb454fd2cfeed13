#!/usr/bin/env node
// The `likeness` command line. It runs the JavaScript built from src/main into out/cli/, building
// it first when missing or older than any source file it came from (after a `git pull`, say), so it
// works straight after `npm install`. LIKENESS_FROM_SOURCE=1 runs the TypeScript sources through
// tsx instead (development); so does a checkout where out/cli cannot be written.
import module from 'node:module';

async function entry() {
  if (!process.env.LIKENESS_FROM_SOURCE) {
    try {
      const { freshCliEntry } = await import('../scripts/cli-build.mjs');
      return await freshCliEntry();
    } catch (error) {
      if (process.env.LIKENESS_DEBUG) console.error('likeness: could not build out/cli, running from the sources:', error);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return new URL('../src/main/cli/index.ts', import.meta.url).href;
}

// Node 22.1+ keeps compiled code between runs (its own cache folder in the temp directory).
module.enableCompileCache?.();
const { main } = await import(await entry());
process.exitCode = await main(process.argv.slice(2));
