// The user's photos are read-only to Likeness. The photos here are made unwritable to the process
// that indexes them (as root, the CLI runs as the unprivileged user `nobody`; otherwise the files
// are simply mode 0444 in 0555 folders): any attempt to write, move or delete would fail loudly.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
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
      return `${path} ${content} ${info.mode.toString(8)} ${info.mtimeMs}`;
    });
}

test('indexing never writes, moves or deletes anything under a library folder', async () => {
  const photos = join(tmp.path, 'photos');
  for (let i = 0; i < 5; i++) await writePicture(join(photos, i % 2 ? 'sub' : '', `p${i}.jpg`), i);
  await writePicture(join(photos, 'p.png'), 9, 'png');
  const home = join(tmp.path, 'home');
  mkdirSync(home);
  chmodSync(tmp.path, 0o755);
  chmodRecursive(photos, 0o555, 0o444);
  // As root, permissions stop nothing: run as `nobody`, if that user can read this checkout (a clone
  // inside a private folder cannot be); otherwise the fingerprints below still compare every file.
  const nobodyCanRun =
    process.getuid?.() === 0 && spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(bin)})`], { uid: 65534, gid: 65534 }).status === 0;
  if (!nobodyCanRun && process.getuid?.() === 0) console.log('# the checkout is not readable by user nobody: indexing runs as root, checked by fingerprints only');
  const asRoot = nobodyCanRun;
  if (asRoot) spawnSync('chown', ['-R', 'nobody', home]);
  const before = fingerprint(photos);

  const result = spawnSync(process.execPath, [bin, 'index', photos, '--json'], {
    env: { ...process.env, LIKENESS_HOME: home, HOME: home },
    encoding: 'utf8',
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).added, 6);
  assert.deepEqual(fingerprint(photos), before);
});
