// The search commands as a user runs them: a separate process over a real library with a (briefly)
// trained model.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { closeCore, openCore } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { embedLibrary } from '../../src/main/model/embed';
import { trainModel } from '../../src/main/model/train';
import { writeVariants } from '../../src/main/search/variants';
import { writePicture } from '../helpers/search-fixtures';

const bin = new URL('../../bin/likeness.mjs', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'likeness-search-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));
const home = join(work, 'home');

function likeness(...args: string[]) {
  return likenessWithInput('', ...args);
}

function likenessWithInput(input: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, LIKENESS_HOME: home }, encoding: 'utf8', input });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('similar (by path, by id, --image), duplicates, clusters over a trained library', async () => {
  const photos = join(work, 'photos');
  mkdirSync(photos, { recursive: true });
  for (let seed = 1; seed <= 2; seed++) {
    await writePicture(join(work, `source-${seed}.jpg`), seed, 360, 270);
    await writeVariants(join(work, `source-${seed}.jpg`), join(photos, `g${seed}`), `picture-${seed}`);
  }
  for (let seed = 20; seed < 26; seed++) await writePicture(join(photos, `single-${seed}.jpg`), seed);
  const core = openCore(home);
  try {
    await indexFolders(core, [photos]);
    await trainModel(core, { maxSteps: 2, workers: 1, seed: 3 });
    await embedLibrary(core);
  } finally {
    closeCore(core);
  }

  const query = join(photos, 'g1', 'picture-1__original.jpg');
  const byPath = likeness('similar', query, '--k', '5', '--json');
  assert.equal(byPath.code, 0, byPath.stderr);
  const results = JSON.parse(byPath.stdout) as { id: number; path: string; score: number; signal: string }[];
  assert.equal(results.length, 5);
  assert.ok(
    results.every((r) => r.signal === 'learned'),
    'the trained model answered, and says so',
  );
  assert.ok(!results.some((r) => r.path === query), 'the query photo is not in its own results');
  for (let i = 1; i < results.length; i++) assert.ok(results[i - 1]!.score >= results[i]!.score);
  for (const r of results) assert.ok(r.id > 0 && r.path.startsWith(photos) && r.score <= 1.0001);

  const queryId = JSON.parse(likeness('similar', results[0]!.path, '--k', '20', '--json').stdout).find((r: { path: string }) => r.path === query)
    .id as number;
  const byId = likeness('similar', String(queryId), '--k', '5', '--json');
  assert.deepEqual(JSON.parse(byId.stdout), results, 'by id and by path give the same answer');
  assert.match(likeness('similar', query, '--k', '3').stdout, /^\d\.\d{4}\s+\d+\s+\//m);

  // A batch in one process: one JSON line per query, in order, each the same as asking alone; a
  // query that fails prints null in its place, says why, and does not stop the others.
  const other = results[1]!;
  const alone = JSON.parse(likeness('similar', other.path, '--k', '5', '--json').stdout);
  const batch = likeness('similar', query, String(other.id), '--k', '5', '--json');
  assert.equal(batch.code, 0, batch.stderr);
  assert.deepEqual(
    batch.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line)),
    [results, alone],
  );
  const piped = likenessWithInput(`${other.id}\n\nno-such-photo\n${query}\n`, 'similar', '--stdin', '--k', '5', '--json');
  assert.equal(piped.code, 1, 'a failed query makes the exit code 1');
  assert.deepEqual(
    piped.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line)),
    [alone, null, results],
  );
  assert.match(piped.stderr, /no-such-photo: no photo with id or path/);

  // An image outside the library: a copy of a library photo finds that photo first, and is not added.
  const outside = join(work, 'outside.jpg');
  copyFileSync(join(photos, 'g2', 'picture-2__jpeg20.jpg'), outside);
  const byImage = likeness('similar', '--image', outside, '--k', '3', '--json');
  assert.equal(byImage.code, 0, byImage.stderr);
  const imageResults = JSON.parse(byImage.stdout) as { path: string; score: number }[];
  assert.equal(imageResults[0]!.path, join(photos, 'g2', 'picture-2__jpeg20.jpg'));
  assert.ok(imageResults[0]!.score > 0.999);
  assert.equal(JSON.parse(likeness('status', '--json').stdout).photos, 18, 'nothing was added');
  assert.equal(likeness('similar', outside).code, 2, 'a file outside the library needs --image');

  // The seed article's figure, as the panel's Save sheet writes it: the query and its results in one row.
  const sheetWidth = (tiles: number) => tiles * (160 + 6) + 12;
  const sheet = join(work, 'similar.png');
  assert.equal(likeness('similar', query, '--k', '5', '--sheet', sheet).code, 0);
  assert.equal((await sharp(sheet).metadata()).width, sheetWidth(6));
  assert.equal(likeness('similar', '--image', outside, '--k', '12', '--sheet', sheet).code, 0);
  assert.equal((await sharp(sheet).metadata()).width, sheetWidth(10), 'the query and its first 9 results');
  assert.equal(likeness('similar', query, String(other.id), '--sheet', sheet).code, 2, '--sheet takes one query');

  const duplicates = likeness('duplicates', '--json');
  assert.equal(duplicates.code, 0, duplicates.stderr);
  const groups = JSON.parse(duplicates.stdout) as { keeperId: number; photos: { id: number; path: string }[] }[];
  assert.ok(groups.length >= 2);
  for (const g of groups) {
    const pictures = new Set(g.photos.map((p) => p.path.match(/picture-(\d)__/)?.[1] ?? p.path));
    assert.equal(pictures.size, 1, `one picture per group: ${g.photos.map((p) => p.path).join(', ')}`);
    assert.ok(g.photos.some((p) => p.id === g.keeperId));
  }
  assert.match(likeness('duplicates').stdout, /nothing was deleted/);

  const clusters = likeness('clusters', '--json');
  assert.equal(clusters.code, 0, clusters.stderr);
  assert.ok(Array.isArray(JSON.parse(clusters.stdout)));
  assert.equal(likeness('clusters', 'rename', '999', 'x').code, 1);
  assert.equal(readdirSync(photos).length, 8, 'the photo folder is as it was');
});
