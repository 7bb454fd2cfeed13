// RAW files in a real scan: RAW+JPEG stacks (one photo in the grid, the JPEG its face, both files
// in its detail, the RAW not embedded), bursts, a RAW without a preview, and the photos untouched.
import assert from 'node:assert/strict';
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { listDuplicateGroups } from '../../src/main/search/service';
import { photosMissingEmbedding } from '../../src/main/store/embeddings';
import { photoIdsWithInputs } from '../../src/main/store/modelInputs';
import { getPhoto, libraryCounts, listFolders, listPhotos, listProblems, photoIdByPath } from '../../src/main/store/photos';
import { stacksAndBursts } from '../../src/main/store/stacks';
import { folderSnapshot } from '../helpers/files';
import { pictureRgb, tempDir } from '../helpers/images';
import { activeTestModel } from '../helpers/library';
import { writeCr3, writeDng, type RawShot } from '../helpers/raw';

const canon = { make: 'Canon', model: 'EOS R5' };

/** A JPEG of picture `seed` as a camera writes it, brightened by `lift` (a burst's next frame). */
async function cameraJpeg(seed: number, camera: { make: string; model: string }, taken: string, lift = 0): Promise<Buffer> {
  const rgb = pictureRgb(seed, 480, 320).map((v) => Math.min(255, v + lift));
  return sharp(Buffer.from(rgb), { raw: { width: 480, height: 320, channels: 3 } })
    .withExif({ IFD0: { Make: camera.make, Model: camera.model }, IFD2: { DateTimeOriginal: taken } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

async function rawOf(seed: number, shot: RawShot): Promise<Buffer> {
  return writeDng(
    shot,
    await sharp(pictureRgb(seed, 480, 320), { raw: { width: 480, height: 320, channels: 3 } })
      .jpeg({ quality: 80 })
      .toBuffer(),
  );
}

describe('RAW files, stacks and bursts in a scan', () => {
  const tmp = tempDir('raw-stacks');
  const photos = join(tmp.path, 'photos');
  const file = (...parts: string[]) => join(photos, ...parts);
  let core: Core;

  before(async () => {
    core = openCore(join(tmp.path, 'data'));
    for (const dir of ['shoot', 'jpegs', 'raws', 'burst']) mkdirSync(file(dir), { recursive: true });
    const shot = (taken: string): RawShot => ({ ...canon, taken, orientation: 1 });
    // Stacked by name: same folder, same base name.
    writeFileSync(file('shoot', 'IMG_0001.JPG'), await cameraJpeg(1, canon, '2024:05:06 10:00:00'));
    writeFileSync(file('shoot', 'IMG_0001.DNG'), await rawOf(1, shot('2024:05:06 10:00:00')));
    // Stacked by camera and capture second, in different folders.
    writeFileSync(file('jpegs', 'holiday.jpg'), await cameraJpeg(2, canon, '2024:05:06 11:00:00'));
    writeFileSync(file('raws', 'IMG_0002.DNG'), await rawOf(2, shot('2024:05:06 11:00:00')));
    // A RAW on its own.
    const preview = await sharp(pictureRgb(3, 480, 320), { raw: { width: 480, height: 320, channels: 3 } })
      .jpeg()
      .toBuffer();
    writeFileSync(file('raws', 'IMG_0003.CR3'), writeCr3(shot('2024:05:06 12:00:00'), preview, preview, { width: 480, height: 320 }));
    // A RAW whose only image is its sensor data.
    writeFileSync(file('raws', 'broken.nef'), Buffer.concat([Buffer.from('MM\0*\0\0\0\x08\0\0\0\0\0\0', 'latin1'), Buffer.alloc(512)]));
    // A burst of three frames a second apart, then a different picture a second later, then the
    // burst's picture again a minute later: neither of the last two belongs to it.
    const sony = { make: 'SONY', model: 'ILCE-7M4' };
    writeFileSync(file('burst', 'DSC01.JPG'), await cameraJpeg(4, sony, '2024:05:07 09:00:00'));
    writeFileSync(file('burst', 'DSC02.JPG'), await cameraJpeg(4, sony, '2024:05:07 09:00:01', 6));
    writeFileSync(file('burst', 'DSC03.JPG'), await cameraJpeg(4, sony, '2024:05:07 09:00:02', 12));
    writeFileSync(file('burst', 'DSC04.JPG'), await cameraJpeg(5, sony, '2024:05:07 09:00:03'));
    writeFileSync(file('burst', 'DSC05.JPG'), await cameraJpeg(4, sony, '2024:05:07 09:01:03', 3));
  });
  after(() => {
    closeCore(core);
    tmp.cleanup();
  });

  const id = (...parts: string[]) => photoIdByPath(core.db, file(...parts))!;

  test('indexes the RAWs, stacks each with its JPEG and finds the burst, writing nothing under the folder', async () => {
    const untouched = folderSnapshot(photos);
    const summary = await indexFolders(core, [photos]);
    assert.deepEqual(folderSnapshot(photos), untouched);
    assert.equal(summary.added, 10);
    assert.equal(summary.failed, 1);
    assert.match(listProblems(core.db, 10).find((p) => p.path.endsWith('broken.nef'))!.reason, /^NEF file: .*no embedded JPEG preview/);

    const raw = getPhoto(core.db, id('raws', 'IMG_0003.CR3'))!;
    assert.equal(raw.format, 'cr3');
    assert.equal(raw.cameraModel, 'EOS R5');
    assert.equal(raw.takenAt, '2024-05-06T12:00:00');

    // The grid shows each stack once, by its JPEG.
    const grid = listPhotos(core.db, { sort: 'taken', order: 'asc', limit: 100, offset: 0 });
    assert.equal(grid.total, 8);
    const names = grid.photos.map((p) => p.name);
    assert.ok(names.includes('IMG_0001.JPG') && names.includes('holiday.jpg') && names.includes('IMG_0003.CR3'));
    assert.ok(!names.includes('IMG_0001.DNG') && !names.includes('IMG_0002.DNG'));
    const inFolder = listPhotos(core.db, { sort: 'name', order: 'asc', limit: 100, offset: 0, folderId: grid.photos[0].folderId! });
    assert.equal(inFolder.total, 8);
    assert.equal(libraryCounts(core.db).photos, 8);
    assert.equal(listFolders(core.db)[0].photoCount, 8);

    // Both files of a stack are listed in the face's detail, the face's first.
    const face = getPhoto(core.db, id('shoot', 'IMG_0001.JPG'))!;
    assert.deepEqual(
      face.files.map((f) => [relative(photos, f.path), f.format]),
      [
        ['shoot/IMG_0001.JPG', 'jpeg'],
        ['shoot/IMG_0001.DNG', 'dng'],
      ],
    );
    assert.deepEqual(
      getPhoto(core.db, id('jpegs', 'holiday.jpg'))!.files.map((f) => f.format),
      ['jpeg', 'dng'],
    );

    const groups = stacksAndBursts(core.db, [
      id('shoot', 'IMG_0001.DNG'),
      id('shoot', 'IMG_0001.JPG'),
      id('raws', 'IMG_0002.DNG'),
      id('raws', 'IMG_0003.CR3'),
    ]);
    assert.deepEqual(
      [...groups.values()].map((g) => g.stackId),
      [id('shoot', 'IMG_0001.JPG'), id('shoot', 'IMG_0001.JPG'), id('jpegs', 'holiday.jpg'), null],
    );

    const frames = ['DSC01.JPG', 'DSC02.JPG', 'DSC03.JPG', 'DSC04.JPG', 'DSC05.JPG'].map((name) => id('burst', name));
    const bursts = stacksAndBursts(core.db, frames);
    const burstId = Math.min(...frames.slice(0, 3));
    assert.deepEqual(
      frames.map((f) => bursts.get(f)!.burstId),
      [burstId, burstId, burstId, null, null],
    );
    assert.equal(getPhoto(core.db, frames[1])!.burstId, burstId);
  });

  test('a stack is embedded and trained on once, through its face', () => {
    const model = activeTestModel(core, 8);
    const hidden = [id('shoot', 'IMG_0001.DNG'), id('raws', 'IMG_0002.DNG')];
    const toEmbed = photosMissingEmbedding(core.db, model, 1000);
    assert.equal(toEmbed.length, 8);
    assert.ok(hidden.every((h) => !toEmbed.includes(h)));
    assert.ok(toEmbed.includes(id('raws', 'IMG_0003.CR3')));
    assert.ok(hidden.every((h) => !photoIdsWithInputs(core.db, 64).includes(h)));
  });

  test('a RAW and its JPEG are one shot, never near-duplicates of each other', () => {
    const stacked = [
      [id('shoot', 'IMG_0001.DNG'), id('shoot', 'IMG_0001.JPG')],
      [id('raws', 'IMG_0002.DNG'), id('jpegs', 'holiday.jpg')],
    ];
    for (const group of listDuplicateGroups(core)) {
      const members = new Set(group.photos.map((p) => p.id));
      for (const [raw, face] of stacked) assert.ok(!(members.has(raw!) && members.has(face!)), `group ${group.id} pairs a RAW with its own JPEG`);
    }
  });

  test('a RAW whose JPEG is deleted is a photo of its own again', async () => {
    const rawId = id('shoot', 'IMG_0001.DNG');
    unlinkSync(file('shoot', 'IMG_0001.JPG'));
    await indexFolders(core, [photos]);
    assert.equal(stacksAndBursts(core.db, [rawId]).get(rawId)!.stackId, null);
    assert.ok(listPhotos(core.db, { sort: 'taken', order: 'asc', limit: 100, offset: 0 }).photos.some((p) => p.id === rawId));
    assert.deepEqual(
      getPhoto(core.db, rawId)!.files.map((f) => f.format),
      ['dng'],
    );
  });
});
