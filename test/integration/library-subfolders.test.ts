// The folder filter below a library folder: every directory that holds photos (directly or further
// down) with the photos under it, and the grid filtered to one of them, subfolders included.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { listPhotos, listSubfolders, subfoldersKey } from '../../src/main/store/photos';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('library-subfolders');
const photos = join(tmp.path, 'Pictures');
const other = join(tmp.path, 'Pictures 2');
let core: Core;

before(async () => {
  await writePicture(join(photos, 'top.jpg'), 1);
  await writePicture(join(photos, '2024', 'holiday', 'beach.jpg'), 2);
  await writePicture(join(photos, '2024', 'holiday', 'hills.jpg'), 3);
  await writePicture(join(photos, '2024', 'garden', 'rose.jpg'), 4);
  await writePicture(join(photos, '2025', 'snow.jpg'), 5);
  // The same bytes in two directories: one photo, counted once under the directory that holds both.
  mkdirSync(join(photos, '2024', 'garden', 'copies'), { recursive: true });
  copyFileSync(join(photos, '2024', 'garden', 'rose.jpg'), join(photos, '2024', 'garden', 'copies', 'rose.jpg'));
  // A sibling folder whose name starts like the first one's: not below it.
  await writePicture(join(other, 'x.jpg'), 6);
  core = openCore(join(tmp.path, 'home'));
  await indexFolders(core, [photos, other]);
});

after(() => {
  closeCore(core);
  tmp.cleanup();
});

const names = (under: string) =>
  listPhotos(core.db, { offset: 0, limit: 100, sort: 'name', order: 'asc', under })
    .photos.map((p) => p.name)
    .sort();

test('subfolders of each library folder, with the photos under each', () => {
  const found = listSubfolders(core.db).map((d) => ({ path: d.path.slice(tmp.path.length + 1), name: d.name, depth: d.depth, photos: d.photoCount }));
  assert.deepEqual(found, [
    { path: 'Pictures/2024', name: '2024', depth: 1, photos: 3 },
    { path: 'Pictures/2024/garden', name: 'garden', depth: 2, photos: 1 },
    { path: 'Pictures/2024/garden/copies', name: 'copies', depth: 3, photos: 1 },
    { path: 'Pictures/2024/holiday', name: 'holiday', depth: 2, photos: 2 },
    { path: 'Pictures/2025', name: '2025', depth: 1, photos: 1 },
  ]);
});

test('the grid filtered to a directory holds the photos below it, and its total says so', () => {
  assert.deepEqual(names(join(photos, '2024')), ['beach.jpg', 'hills.jpg', 'rose.jpg']);
  assert.deepEqual(names(join(photos, '2024', 'holiday')), ['beach.jpg', 'hills.jpg']);
  assert.deepEqual(names(join(photos, '2024', 'garden', 'copies')), ['rose.jpg']);
  assert.deepEqual(names(photos), ['beach.jpg', 'hills.jpg', 'rose.jpg', 'snow.jpg', 'top.jpg']);
  for (const sort of ['taken', 'added', 'name'] as const) {
    const page = listPhotos(core.db, { offset: 0, limit: 1, sort, order: 'desc', under: join(photos, '2024') });
    assert.equal(page.total, 3);
    assert.equal(page.photos.length, 1);
  }
  assert.equal(listPhotos(core.db, { offset: 0, limit: 10, sort: 'taken', order: 'desc', under: join(photos, 'nowhere') }).total, 0);
});

test('the key the list is kept under changes when a file arrives or moves, not otherwise', async () => {
  const before = subfoldersKey(core.db);
  await indexFolders(core, [photos, other]);
  assert.equal(subfoldersKey(core.db), before, 'a re-scan that finds nothing new');
  await writePicture(join(photos, '2026', 'new.jpg'), 7);
  await indexFolders(core, [photos, other]);
  const added = subfoldersKey(core.db);
  assert.notEqual(added, before);
  assert.ok(listSubfolders(core.db).some((d) => d.name === '2026' && d.photoCount === 1));
  mkdirSync(join(photos, '2027'));
  renameSync(join(photos, '2026', 'new.jpg'), join(photos, '2027', 'new.jpg'));
  await indexFolders(core, [photos, other]);
  assert.notEqual(subfoldersKey(core.db), added, 'a moved file');
  assert.deepEqual(
    listSubfolders(core.db)
      .filter((d) => d.depth === 1)
      .map((d) => d.name),
    ['2024', '2025', '2027'],
  );
});
