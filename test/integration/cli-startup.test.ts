// The command line starts light and from built JavaScript: `help` loads no npm package, the light
// commands only better-sqlite3 (never TensorFlow.js, sharp or the other heavy ones), and out/cli is
// rebuilt when a source file it came from changes, as after a `git pull`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closeCore, openCore } from '../../src/main/core';
import { seededRandom } from '../../src/main/util/rng';
import { syntheticBlobs } from '../../src/main/eval/synthetic';
import { writeEmbeddings } from '../../src/main/store/embeddings';
import { insertFolder, insertPhoto } from '../../src/main/store/library';
import { tempDir } from '../helpers/images';
import { activeTestModel, barePhoto, randomHash } from '../helpers/library';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/likeness.mjs');
const stamp = join(root, 'out/cli/stamp.json');
const HEAVY = ['@tensorflow', 'sharp', 'heic-decode', 'exifr', 'chokidar', 'ws', 'webgpu', 'esbuild', 'tsx'];
const tmp = tempDir('cli-startup');
const home = join(tmp.path, 'home');
const photo = (i: number) => join(tmp.path, 'photos', `img${i}.jpg`);

/** Runs `likeness <args>`; `packages` are the npm packages the process loaded (Node's module debug log). */
function likeness(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, LIKENESS_HOME: home, NODE_DEBUG: 'module', ...env },
    encoding: 'utf8',
  });
  const packages = new Set([...result.stderr.matchAll(/node_modules\/((?:@[^/"]+\/)?[^/"]+)/g)].map((m) => m[1]!));
  const stderr = result.stderr
    .split('\n')
    .filter((line) => !line.startsWith('MODULE '))
    .join('\n');
  return { code: result.status, stdout: result.stdout, stderr, packages };
}

const heavyIn = (packages: Set<string>) => [...packages].filter((p) => HEAVY.some((h) => p === h || p.startsWith(`${h}/`)));

before(() => {
  const core = openCore(home);
  try {
    const folder = insertFolder(core.db, join(tmp.path, 'photos'), '/');
    const random = seededRandom(3);
    const ids = Array.from({ length: 50 }, (_, i) =>
      insertPhoto(core.db, barePhoto(i.toString(16).padStart(64, '0'), { dhash: randomHash(random) }), {
        path: photo(i),
        folderId: folder.id,
        bytes: 1000,
        mtimeMs: 0,
      }),
    );
    const modelId = activeTestModel(core, 16);
    const { vectors } = syntheticBlobs(ids.length, 16, 5, 0.5, 0, 9);
    writeEmbeddings(
      core.db,
      modelId,
      ids.map((photoId, r) => ({ photoId, vector: vectors.slice(r * 16, (r + 1) * 16) })),
    );
  } finally {
    closeCore(core);
  }
  // Built (if stale) before the runs whose loaded packages are looked at.
  assert.equal(likeness(['help']).code, 0);
});

after(() => tmp.cleanup());

test('help and --help load no npm package; the light commands load better-sqlite3 and nothing heavy', () => {
  const help = likeness(['help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /likeness similar/);
  assert.deepEqual([...help.packages], []);
  const commandHelp = likeness(['train', '--help']);
  assert.match(commandHelp.stdout, /^Usage: likeness train/);
  assert.deepEqual([...commandHelp.packages], [], 'a command’s --help loads nothing either');
  for (const args of [
    ['status'],
    ['errors'],
    ['folders'],
    ['models'],
    ['jobs'],
    ['similar', photo(0), '--k', '3'],
    ['similar', '2', '--json'],
    ['clusters', '--json'],
  ]) {
    const run = likeness(args);
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    assert.ok(run.packages.has('better-sqlite3'), `${args.join(' ')} opened the library`);
    assert.deepEqual(heavyIn(run.packages), [], `${args.join(' ')} loads nothing heavy`);
  }
});

test('out/cli is rebuilt when a source file it came from changes; LIKENESS_FROM_SOURCE runs the sources', () => {
  // Where the code ran from shows in an error's stack (LIKENESS_DEBUG prints it).
  const stackOf = (env: Record<string, string> = {}) => likeness(['clusters', 'show', '99999'], { LIKENESS_DEBUG: '1', ...env }).stderr;
  assert.match(stackOf(), /out\/cli\/chunk-/);
  assert.match(stackOf({ LIKENESS_FROM_SOURCE: '1' }), /src\/main\/search\/service\.ts/);
  const source = join(root, 'src/main/cli/status.ts');
  const { atime, mtime } = statSync(source);
  try {
    utimesSync(source, atime, new Date(mtime.getTime() + 2000));
    const touched = statSync(source);
    const run = likeness(['status', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).photos, 50);
    // Rebuilt by this run, or by another test's run of the CLI in between: either way, from the file as it is now.
    const inputs = (JSON.parse(readFileSync(stamp, 'utf8')) as { inputs: Record<string, string> }).inputs;
    assert.equal(inputs['src/main/cli/status.ts'], `${touched.size}:${touched.mtimeMs}`);
    assert.ok(!likeness(['status']).packages.has('esbuild'), 'and is fresh afterwards');
  } finally {
    utimesSync(source, atime, mtime);
  }
});
