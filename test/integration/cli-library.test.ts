// The `likeness` command line as a user runs it: a separate process, LIKENESS_HOME, exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempDir, writePicture } from '../helpers/images';

const bin = new URL('../../bin/likeness.mjs', import.meta.url).pathname;
const tmp = tempDir('cli');
after(() => tmp.cleanup());

function likeness(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, LIKENESS_HOME: join(tmp.path, 'home') },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('index --json, status, errors and folders over a generated folder', async () => {
  const photos = join(tmp.path, 'my photos');
  for (let i = 0; i < 4; i++) await writePicture(join(photos, `p${i}.jpg`), i);
  writeFileSync(join(photos, 'broken.jpg'), 'nope');

  const first = likeness('index', photos, '--json');
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(JSON.parse(first.stdout), { added: 4, updated: 0, moved: 0, removed: 0, unchanged: 0, failed: 1, offline: [] });
  assert.match(first.stderr, /indexing: 5\/5/, 'progress is shown on stderr');

  const again = likeness('index', '--json');
  assert.equal(JSON.parse(again.stdout).unchanged, 4);

  const status = likeness('status', '--json');
  const parsed = JSON.parse(status.stdout);
  assert.equal(parsed.photos, 4);
  assert.equal(parsed.problems, 1);
  assert.equal(parsed.dataDir, join(tmp.path, 'home'));

  const errors = likeness('errors');
  assert.match(errors.stdout, /broken\.jpg: not a readable image/);

  assert.match(likeness('folders').stdout, /my photos\t4 photos\tonline/);
  assert.ok(existsSync(join(tmp.path, 'home', 'library.sqlite')));
  assert.deepEqual(readdirSync(photos).sort(), ['broken.jpg', 'p0.jpg', 'p1.jpg', 'p2.jpg', 'p3.jpg']);
});

test('bad usage and unreadable folders give a clear message and a non-zero exit', () => {
  const missing = likeness('index', join(tmp.path, 'does-not-exist'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot add .*does-not-exist: file or folder no longer exists/);
  const unknown = likeness('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  const badFlag = likeness('status', '--bogus');
  assert.equal(badFlag.code, 2);
});
