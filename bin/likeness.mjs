#!/usr/bin/env node
// The `likeness` command line. It runs the TypeScript sources through tsx so that it works
// straight after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
