// The command line's built JavaScript: src/main bundled by esbuild into out/cli/ (one flat folder:
// the worker threads' scripts sit beside the code that starts them, as in the Electron build), and a
// stamp listing every source file that went into it with its size and modification time. Checking
// the stamp costs a few milliseconds of stat calls; any change (a `git pull`, an edit) rebuilds,
// which takes well under a second. npm packages stay in node_modules (native better-sqlite3 and
// sharp, tfjs's wasm files found beside its own code), loaded only by the commands that use them.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const outDir = join(root, 'out', 'cli');
const stampPath = join(outDir, 'stamp.json');
const entry = join(outDir, 'index.js');
const thisScript = fileURLToPath(import.meta.url);
/** Old chunks are removed only when this old: a command started before a rebuild may still load one. */
const KEEP_OLD_MS = 24 * 3600 * 1000;

const entryPoints = {
  index: 'src/main/cli/index.ts',
  worker: 'src/main/model/worker.ts',
  embedWorker: 'src/main/model/embedWorker.ts',
  groupWorker: 'src/main/search/groupWorker.ts',
};

function fileState(path) {
  try {
    const s = statSync(join(root, path));
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** True when out/cli was built from exactly the source files as they are now. */
export function isFresh() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    return false;
  }
  if (stamp.builder !== fileState(relative(root, thisScript))) return false;
  for (const [path, state] of Object.entries(stamp.inputs)) if (fileState(path) !== state) return false;
  return true;
}

/** Writes `data` to `path` through a temporary file, so a process reading it never sees half. */
function writeAtomically(path, data) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

/** Builds out/cli from src/main. Safe to run from two processes at once (each file is replaced whole). */
export async function buildCli() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: outDir,
    chunkNames: 'chunk-[hash]',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  mkdirSync(outDir, { recursive: true });
  const written = new Set(['stamp.json']);
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeAtomically(file.path, file.contents);
    written.add(relative(outDir, file.path));
  }
  const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((path) => [path, fileState(path)]));
  writeAtomically(stampPath, JSON.stringify({ builder: fileState(relative(root, thisScript)), inputs }, null, 1));
  for (const name of readdirSync(outDir)) {
    if (written.has(name)) continue;
    const path = join(outDir, name);
    const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > KEEP_OLD_MS) rmSync(path, { force: true });
  }
}

/** The built CLI's entry module (a file URL), rebuilt first if any source changed since. */
export async function freshCliEntry() {
  if (!isFresh()) await buildCli();
  return pathToFileURL(entry).href;
}

if (process.argv[1] === thisScript) {
  await buildCli();
  console.log(`built ${relative(root, outDir)}`);
}
