// The likeness CLI as a real child process, and waiting for something to happen, for tests that
// check the order of events between processes rather than how long anything took.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';

const bin = new URL('../../bin/likeness.mjs', import.meta.url).pathname;

export interface CliRun {
  child: ChildProcess;
  exited: Promise<{ code: number | null; out: string; err: string }>;
  stdout(): string;
  stderr(): string;
}

/** Starts `likeness <args>` on the library at `home`, collecting what it prints. */
export function runLikeness(home: string, ...args: string[]): CliRun {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LIKENESS_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out, err })),
  );
  return { child, exited, stderr: () => err, stdout: () => out };
}

/** Waits until `condition` holds (up to a minute), then asserts it. */
export async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 3000 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(condition(), `never happened: ${what}`);
}
