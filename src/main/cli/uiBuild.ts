// The browser UI for `likeness serve`, built when it is missing or older than its sources (a fresh
// clone, a `git pull`): Vite with renderer.vite.config.ts, its output shown as it goes. Where the
// sources are not there (an installed package ships the build only), the build is used as it is.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// From the sources (src/main/cli) or from the built CLI (out/cli, see scripts/cli-build.mjs).
export const repoRoot = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../..' : '../..', import.meta.url));
/** Where `npm run build:renderer` (and `npm run build`) put the UI. */
export const defaultRendererDir = join(repoRoot, 'out', 'renderer');

function newestMtime(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), 0);
}

/** Is the build there and newer than every renderer and contract source? */
export function uiIsFresh(out = defaultRendererDir): boolean {
  const index = statSync(join(out, 'index.html'), { throwIfNoEntry: false });
  if (!index) return false;
  const sources = Math.max(
    newestMtime(join(repoRoot, 'src', 'renderer')),
    newestMtime(join(repoRoot, 'src', 'shared')),
    newestMtime(join(repoRoot, 'renderer.vite.config.ts')),
  );
  return index.mtimeMs >= sources;
}

/**
 * Builds the UI into out/renderer unless it is fresh. Two builds at once would empty the output
 * under each other's feet: a lock (an exclusive mkdir) makes the second wait for the first.
 * `log` receives Vite's output line by line; `quiet` keeps it to warnings.
 */
export async function ensureUiBuilt(options: { log?: (line: string) => void; quiet?: boolean } = {}): Promise<string> {
  const out = defaultRendererDir;
  const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  if (uiIsFresh(out)) return out;
  if (!existsSync(vite) || !existsSync(join(repoRoot, 'src', 'renderer'))) {
    if (existsSync(join(out, 'index.html'))) return out;
    throw new Error(
      `the UI is not built and cannot be here (Vite or the renderer sources are missing): run \`npm install && npm run build:renderer\` in ${repoRoot}`,
    );
  }
  const lock = join(repoRoot, 'out', '.renderer-build.lock');
  mkdirSync(join(repoRoot, 'out'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is building; a lock older than five minutes was left by a killed run.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (uiIsFresh(out)) return out;
    options.log?.('Building the UI (Vite, about a minute the first time)…');
    const args = [vite, 'build', '-c', 'renderer.vite.config.ts', ...(options.quiet ? ['--logLevel', 'warn'] : [])];
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const forward = (chunk: Buffer) => {
      output += chunk;
      for (const line of chunk.toString().split('\n')) if (line.trim()) options.log?.(`  ${line.trimEnd()}`);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`building the UI failed (vite exited with ${code}):\n${output.slice(-2000)}`);
    return out;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
