// The user's photos are read-only to Likeness. The photos here are made unwritable to the process
// that indexes them (as root, the CLI runs as the unprivileged user `nobody`; otherwise the files
// are simply mode 0444 in 0555 folders): any attempt to open one for writing, move or delete would
// fail (EACCES). Fingerprints — content checksum, mode, mtime and ctime (any chmod/chown/xattr
// change moves it) of every entry — must be identical before and after, for indexing alone and
// for the whole pipeline: index, train, embed, clusters, duplicates, each a separate CLI process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { closeCore, openCore } from '../../src/main/core';
import { countEmbeddings } from '../../src/main/store/embeddings';
import { activeModel } from '../../src/main/store/models';
import { libraryCounts, listProblems } from '../../src/main/store/photos';
import { tempDir, writePicture } from '../helpers/images';

const bin = new URL('../../bin/likeness.mjs', import.meta.url).pathname;
const tmp = tempDir('readonly');
after(() => {
  chmodRecursive(tmp.path, 0o755, 0o644);
  tmp.cleanup();
});

function chmodRecursive(dir: string, dirMode: number, fileMode: number): void {
  chmodSync(dir, dirMode);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) chmodRecursive(path, dirMode, fileMode);
    else chmodSync(path, fileMode);
  }
}

function fingerprint(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((d) => join(d.parentPath, d.name))
    .sort()
    .map((path) => {
      const info = statSync(path);
      const content = info.isFile() ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'dir';
      return `${path} ${content} ${info.size} ${info.mode.toString(8)} ${info.mtimeMs} ${info.ctimeMs}`;
    });
}

/** Photos made read-only, and how to run the CLI so that permissions bind (as `nobody` when root). */
async function readOnlyLibrary(
  name: string,
  count: number,
): Promise<{ photos: string; home: string; run: (args: string[]) => ReturnType<typeof spawnSync>; permissionsBind: boolean }> {
  const photos = join(tmp.path, name, 'photos');
  for (let i = 0; i < count; i++) await writePicture(join(photos, i % 2 ? 'sub' : '', `p${i}.jpg`), 100 * name.length + i, 'jpeg', 200, 150);
  await writePicture(join(photos, 'p.png'), 9, 'png');
  const home = join(tmp.path, name, 'home');
  mkdirSync(home);
  chmodSync(tmp.path, 0o755);
  chmodSync(join(tmp.path, name), 0o755);
  chmodRecursive(photos, 0o555, 0o444);
  // As root, permissions stop nothing: run as `nobody`, if that user can read this checkout (a clone
  // inside a private folder cannot be); otherwise the fingerprints still compare every file.
  const nobodyCanRun =
    process.getuid?.() === 0 &&
    spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(bin)})`], { uid: 65534, gid: 65534 }).status === 0;
  if (!nobodyCanRun && process.getuid?.() === 0)
    console.log('# the checkout is not readable by user nobody: the CLI runs as root, checked by fingerprints only');
  if (nobodyCanRun) spawnSync('chown', ['-R', 'nobody', home]);
  const run = (args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], {
      env: { ...process.env, LIKENESS_HOME: home, HOME: home },
      encoding: 'utf8',
      ...(nobodyCanRun ? { uid: 65534, gid: 65534 } : {}),
    });
  return { photos, home, run, permissionsBind: nobodyCanRun || process.getuid?.() !== 0 };
}

test('indexing never writes, moves or deletes anything under a library folder', async () => {
  const { photos, run } = await readOnlyLibrary('index', 5);
  const before = fingerprint(photos);
  const result = run(['index', photos, '--json']);
  assert.equal(result.status, 0, String(result.stderr));
  assert.equal(JSON.parse(String(result.stdout)).added, 6);
  assert.deepEqual(fingerprint(photos), before);
});

test('a photo the user cannot read is a per-file problem; the others are indexed', async (t) => {
  const { photos, home, run, permissionsBind } = await readOnlyLibrary('unreadable', 3);
  if (!permissionsBind) return t.skip('running as root with no usable unprivileged user: mode 000 binds nothing');
  const locked = join(photos, 'p0.jpg');
  chmodSync(locked, 0);
  const before = fingerprint(photos);
  const result = run(['index', photos, '--json']);
  assert.equal(result.status, 0, String(result.stderr));
  const summary = JSON.parse(String(result.stdout));
  assert.deepEqual([summary.added, summary.failed], [3, 1]);
  const core = openCore(home);
  try {
    const problem = listProblems(core.db, 10).find((p) => p.path === locked);
    assert.match(problem?.reason ?? '', /permission|EACCES|cannot read/i);
  } finally {
    closeCore(core);
  }
  assert.deepEqual(fingerprint(photos), before);
});

test('the whole pipeline (index, train, embed, clusters, duplicates) leaves every library file as it was', async () => {
  const { photos, home, run } = await readOnlyLibrary('pipeline', 12);
  const before = fingerprint(photos);
  const steps = [
    ['index', photos, '--json'],
    ['train', '--preset', 'tiny', '--input-size', '64', '--max-steps', '20', '--workers', '1', '--seed', '1', '--json'],
    ['embed', '--json'],
    ['clusters', '--recompute', '--json'],
    ['duplicates', '--json'],
  ];
  for (const args of steps) {
    const result = run(args);
    assert.equal(result.status, 0, `likeness ${args[0]}: ${String(result.stderr)}`);
  }
  const core = openCore(home);
  try {
    assert.equal(libraryCounts(core.db).photos, 13);
    assert.equal(countEmbeddings(core.db, activeModel(core.db)!.id), 13, 'every photo embedded');
  } finally {
    closeCore(core);
  }
  assert.deepEqual(fingerprint(photos), before);
});
