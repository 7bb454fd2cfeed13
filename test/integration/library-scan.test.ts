// The library: scanning folders into a real SQLite file with real decoded images.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { thumbnailFile } from '../../src/main/library/thumbnails';
import { readModelInputs } from '../../src/main/store/modelInputs';
import { getPhoto, libraryCounts, listFolders, listPhotos, listProblems, photoIdByPath } from '../../src/main/store/photos';
import { folderSnapshot } from '../helpers/files';
import { tempDir, writeOriented, writePicture, type Format } from '../helpers/images';

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

describe('indexing a folder', () => {
  const tmp = tempDir('scan');
  const photos = join(tmp.path, 'photos');
  let core: Core;

  before(async () => {
    core = openCore(join(tmp.path, 'data'));
    const formats: Format[] = ['jpeg', 'png', 'webp', 'tiff', 'gif', 'avif'];
    for (const [i, format] of formats.entries())
      await writePicture(join(photos, 'formats', `pic-${i}.${format === 'jpeg' ? 'jpg' : format}`), 100 + i, format);
    await writePicture(join(photos, 'nested', 'deeper', 'été 📷 photo #1.jpg'), 200);
    writeFileSync(join(photos, 'not-an-image.jpg'), 'hello, I am text');
    writeFileSync(join(photos, 'empty.png'), '');
    const whole = readFileSync(await writePicture(join(tmp.path, 'whole.jpg'), 300, 'jpeg', 800, 600));
    writeFileSync(join(photos, 'truncated.jpg'), whole.subarray(0, Math.floor(whole.length / 3)));
    writeFileSync(join(photos, 'notes.txt'), 'not a photo, not even by name');
  });
  after(() => {
    closeCore(core);
    tmp.cleanup();
  });

  test('imports every supported format and records broken files with a reason, without stopping', async () => {
    const before = folderSnapshot(photos);
    const summary = await indexFolders(core, [photos]);
    assert.equal(summary.added, 7);
    assert.equal(summary.failed, 3);
    assert.deepEqual(folderSnapshot(photos), before, 'the photos folder is byte-for-byte and mtime unchanged');

    const problems = new Map(listProblems(core.db, 100).map((p) => [p.path.split('/').pop(), p.reason]));
    assert.deepEqual([...problems.keys()].sort(), ['empty.png', 'not-an-image.jpg', 'truncated.jpg']);
    assert.match(problems.get('empty.png')!, /empty/);
    assert.match(problems.get('not-an-image.jpg')!, /not a readable image/);
    // libvips's own words, or ours when its shared error buffer lost them under concurrent decodes.
    assert.match(problems.get('truncated.jpg')!, /premature end|truncated|corrupt|damaged/i);

    const { photos: listed } = listPhotos(core.db, { offset: 0, limit: 100, sort: 'name', order: 'asc' });
    const formats = listed.map((p) => getPhoto(core.db, p.id)!.format).sort();
    assert.deepEqual(formats, ['avif', 'gif', 'jpeg', 'jpeg', 'png', 'tiff', 'webp']);
    assert.ok(listed.some((p) => p.name === 'été 📷 photo #1.jpg'));
  });

  test('writes a WebP thumbnail and a 64×64 RGB model input per photo, in the data directory', async () => {
    const { photos: listed } = listPhotos(core.db, { offset: 0, limit: 100, sort: 'name', order: 'asc' });
    const inputs = readModelInputs(
      core.db,
      64,
      listed.map((p) => p.id),
    );
    for (const photo of listed) {
      const thumb = thumbnailFile(core, photo.id)!;
      assert.ok(thumb.startsWith(core.dataDir.root));
      const meta = await sharp(thumb).metadata();
      assert.equal(meta.format, 'webp');
      assert.equal(Math.max(meta.width!, meta.height!), 256);
      assert.equal(inputs.get(photo.id)?.length, 64 * 64 * 3);
    }
  });

  test('a second run reads nothing again; a changed file is updated', async () => {
    const again = await indexFolders(core, []);
    assert.deepEqual(
      { ...again, offline: again.offline.length },
      { added: 0, updated: 0, moved: 0, removed: 0, unchanged: 7, failed: 3, offline: 0 },
    );

    const path = join(photos, 'formats', 'pic-0.jpg');
    const id = photoIdByPath(core.db, path)!;
    await writePicture(path, 999);
    const changed = await indexFolders(core, []);
    assert.equal(changed.updated, 1);
    assert.equal(changed.removed, 1, 'the old content had no other path, so it left the library');
    assert.notEqual(photoIdByPath(core.db, path), id);
    assert.equal(getPhoto(core.db, id), null);
  });

  test('a broken file that is fixed is picked up', async () => {
    await writePicture(join(photos, 'truncated.jpg'), 300);
    const summary = await indexFolders(core, []);
    assert.equal(summary.added, 1);
    assert.equal(summary.failed, 2);
    assert.ok(!listProblems(core.db, 100).some((p) => p.path.endsWith('truncated.jpg')));
  });

  test('a moved or renamed photo keeps its id and what was computed for it', async () => {
    const from = join(photos, 'formats', 'pic-1.png');
    const to = join(photos, 'moved here', 'renamed.png');
    const id = photoIdByPath(core.db, from)!;
    mkdirSync(join(photos, 'moved here'));
    renameSync(from, to);
    const summary = await indexFolders(core, []);
    assert.equal(summary.moved, 1);
    assert.equal(summary.removed, 0);
    assert.equal(photoIdByPath(core.db, to), id);
    assert.deepEqual(getPhoto(core.db, id)!.paths, [to]);
    assert.equal(readModelInputs(core.db, 64, [id]).size, 1);
  });

  test('the same file at two paths is one photo with two paths', async () => {
    const original = join(photos, 'formats', 'pic-2.webp');
    const copy = join(photos, 'copy of pic-2.webp');
    copyFileSync(original, copy);
    const photosBefore = libraryCounts(core.db).photos;
    const summary = await indexFolders(core, []);
    assert.equal(summary.added, 0);
    assert.equal(libraryCounts(core.db).photos, photosBefore);
    const id = photoIdByPath(core.db, copy)!;
    assert.equal(photoIdByPath(core.db, original), id);
    assert.deepEqual(getPhoto(core.db, id)!.paths.sort(), [copy, original].sort());

    // Deleting one of the two paths keeps the photo.
    unlinkSync(copy);
    const afterDelete = await indexFolders(core, []);
    assert.equal(afterDelete.removed, 0);
    assert.deepEqual(getPhoto(core.db, id)!.paths, [original]);
  });

  test('a deleted photo leaves the library with its thumbnail', async () => {
    const path = join(photos, 'formats', 'pic-3.tiff');
    const id = photoIdByPath(core.db, path)!;
    const thumb = thumbnailFile(core, id)!;
    assert.ok(existsSync(thumb));
    unlinkSync(path);
    const summary = await indexFolders(core, []);
    assert.equal(summary.removed, 1);
    assert.equal(getPhoto(core.db, id), null);
    assert.equal(readModelInputs(core.db, 64, [id]).size, 0);
    assert.ok(!existsSync(thumb));
  });

  test('a folder that cannot be reached is marked offline and keeps its photos', async () => {
    const count = libraryCounts(core.db).photos;
    const away = join(tmp.path, 'unplugged');
    renameSync(photos, away);
    try {
      const summary = await indexFolders(core, []);
      assert.deepEqual(summary.offline, [photos]);
      assert.equal(summary.removed, 0);
      assert.equal(libraryCounts(core.db).photos, count);
      assert.equal(listFolders(core.db)[0].status, 'offline');
    } finally {
      renameSync(away, photos);
    }
    await indexFolders(core, []);
    assert.equal(listFolders(core.db)[0].status, 'online');
  });
});

describe('orientation', () => {
  const tmp = tempDir('orient');
  let core: Core;
  before(() => {
    core = openCore(join(tmp.path, 'data'));
  });
  after(() => {
    closeCore(core);
    tmp.cleanup();
  });

  test('EXIF orientations 1–8 all give the upright picture and its displayed size', async () => {
    const folder = join(tmp.path, 'photos');
    for (let o = 1; o <= 8; o++) await writeOriented(join(folder, `o${o}.jpg`), 42, o);
    await writePicture(join(folder, 'other.jpg'), 43);
    await indexFolders(core, [folder]);
    const id = (o: number) => photoIdByPath(core.db, join(folder, `o${o}.jpg`))!;
    const inputs = readModelInputs(core.db, 64, [1, 2, 3, 4, 5, 6, 7, 8].map(id));
    const upright = inputs.get(id(1))!;
    const other = readModelInputs(core.db, 64, [photoIdByPath(core.db, join(folder, 'other.jpg'))!])
      .values()
      .next().value!;
    const unrelated = meanAbsDiff(upright, other);
    for (let o = 2; o <= 8; o++) {
      const photo = getPhoto(core.db, id(o))!;
      assert.equal(photo.orientation, o);
      assert.deepEqual([photo.width, photo.height], [320, 240], `orientation ${o}: displayed size`);
      const diff = meanAbsDiff(inputs.get(id(o))!, upright);
      assert.ok(diff < 4, `orientation ${o}: differs from upright by ${diff.toFixed(2)} (an unrelated picture differs by ${unrelated.toFixed(2)})`);
    }
  });
});

describe('EXIF facts', () => {
  const tmp = tempDir('exif');
  after(() => tmp.cleanup());

  test('date taken, camera and GPS are read; absurd values become null', async () => {
    const core = openCore(join(tmp.path, 'data'));
    try {
      const folder = join(tmp.path, 'photos');
      mkdirSync(folder);
      const base = await writePicture(join(tmp.path, 'base.jpg'), 5);
      await sharp(base)
        .withExif({
          IFD0: { Make: 'TestMaker', Model: 'Model 7', DateTime: '2020:01:02 03:04:05' },
          IFD2: { DateTimeOriginal: '2019:06:15 14:30:00' },
          IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '33/1 52/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '151/1 12/1 36/1' },
        })
        .toFile(join(folder, 'tagged.jpg'));
      await sharp(base)
        .withExif({ IFD0: { Make: 'X' }, IFD2: { DateTimeOriginal: '9999:99:99 99:99:99' } })
        .toFile(join(folder, 'absurd.jpg'));
      await indexFolders(core, [folder]);
      const tagged = getPhoto(core.db, photoIdByPath(core.db, join(folder, 'tagged.jpg'))!)!;
      assert.equal(tagged.takenAt, '2019-06-15T14:30:00');
      assert.equal(tagged.cameraMake, 'TestMaker');
      assert.equal(tagged.cameraModel, 'Model 7');
      assert.ok(tagged.gps);
      assert.ok(Math.abs(tagged.gps.latitude - -33.8667) < 1e-3, String(tagged.gps.latitude));
      assert.ok(Math.abs(tagged.gps.longitude - 151.21) < 1e-3, String(tagged.gps.longitude));
      const absurd = getPhoto(core.db, photoIdByPath(core.db, join(folder, 'absurd.jpg'))!)!;
      assert.equal(absurd.takenAt, null);
      assert.equal(absurd.gps, null);
    } finally {
      closeCore(core);
    }
  });
});
