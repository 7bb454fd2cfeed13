// Hostile and odd files: each must end as a correct photo or a per-file problem with a reason —
// never a crash, a hang, or a half-written row.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { thumbnailFile } from '../../src/main/library/thumbnails';
import { readModelInputs } from '../../src/main/store/modelInputs';
import { getPhoto, listPhotos, listProblems, photoIdByPath } from '../../src/main/store/photos';
import { decodePhoto } from '../../src/main/library/decode';
import { sha256 } from '../../src/main/util/hash';
import { contentHashOf } from '../../src/main/store/photos';
import { TINY_HEIC_SEED, TINY_HEIC_SIZE, tinyHeic } from '../helpers/heic';
import { picture, tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('hostile');
after(() => {
  try {
    chmodSync(join(tmp.path, 'hostile', 'unreadable.jpg'), 0o644);
  } catch {
    // not made (the test failed before)
  }
  tmp.cleanup();
});

/** Every photo row is whole: a path, a model input, a thumbnail; no path is both a photo and a problem. */
function assertConsistent(core: Core): void {
  assert.equal(core.db.pragma('integrity_check', { simple: true }) as string, 'ok');
  const { photos } = listPhotos(core.db, { offset: 0, limit: 5000, sort: 'added', order: 'asc' });
  const inputs = readModelInputs(
    core.db,
    64,
    photos.map((p) => p.id),
  );
  for (const p of photos) {
    assert.ok(getPhoto(core.db, p.id)!.paths.length > 0, `photo ${p.id} has a path`);
    assert.equal(inputs.get(p.id)?.length, 64 * 64 * 3, `photo ${p.id} has a model input`);
    assert.ok(existsSync(thumbnailFile(core, p.id)!), `photo ${p.id} has a thumbnail`);
  }
  for (const problem of listProblems(core.db, 5000)) assert.equal(photoIdByPath(core.db, problem.path), undefined);
}

test('a corpus of odd files gives photos or reasons, and a consistent library', async () => {
  const root = join(tmp.path, 'hostile');
  mkdirSync(root, { recursive: true });
  const good = readFileSync(await writePicture(join(tmp.path, 'good.jpg'), 1, 'jpeg', 640, 480));
  const goodPng = await picture(2, 200, 150).png().toBuffer();
  const expectPhoto: string[] = [];
  const expectProblem: string[] = [];
  const add = (name: string, data: Buffer | string, outcome: 'photo' | 'problem') => {
    const path = join(root, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, data);
    (outcome === 'photo' ? expectPhoto : expectProblem).push(path);
  };

  add('zero.jpg', Buffer.alloc(0), 'problem');
  add('text.jpg', 'this is not a JPEG, it is a text file', 'problem');
  add('truncated.jpg', good.subarray(0, good.length >> 1), 'problem');
  add('truncated.png', goodPng.subarray(0, goodPng.length >> 1), 'problem');
  add('header-only.jpg', good.subarray(0, 700), 'problem');
  const bomb = Buffer.from(
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
      .png()
      .toBuffer(),
  );
  bomb.writeUInt32BE(50000, 16);
  bomb.writeUInt32BE(50000, 20);
  add('bomb.png', bomb, 'problem');
  add('random-bytes.webp', Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 255)), 'problem');

  const red = await sharp({ create: { width: 60, height: 40, channels: 3, background: '#d00' } })
    .png()
    .toBuffer();
  const blue = await sharp({ create: { width: 60, height: 40, channels: 3, background: '#00d' } })
    .png()
    .toBuffer();
  add(
    'animated.gif',
    await sharp([red, blue], { join: { animated: true } })
      .gif()
      .toBuffer(),
    'photo',
  );
  add('cmyk.jpg', await picture(3).toColourspace('cmyk').jpeg().toBuffer(), 'photo');
  add('sixteen-bit.png', await picture(4).toColourspace('rgb16').png().toBuffer(), 'photo');
  add('grey.png', await picture(5).greyscale().png().toBuffer(), 'photo');
  add('alpha.png', await picture(6).ensureAlpha(0.5).png().toBuffer(), 'photo');
  add(
    'tiny.png',
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#123456' } })
      .png()
      .toBuffer(),
    'photo',
  );
  add('panorama.jpg', await picture(7, 4000, 50).jpeg().toBuffer(), 'photo');
  add(
    'absurd-exif.jpg',
    await sharp(good)
      .withExif({ IFD0: { Make: 'x'.repeat(5000), DateTime: '0000:00:00 00:00:00' } })
      .toBuffer(),
    'photo',
  );
  add('name with spaces, ünïcödé and 🐱.jpg', await picture(8).jpeg().toBuffer(), 'photo');
  add('new\nline.jpg', await picture(9).jpeg().toBuffer(), 'photo');
  add(`${'deep/'.repeat(60)}bottom.jpg`, await picture(10).jpeg().toBuffer(), 'photo');
  add('UPPER.JPEG', await picture(11).jpeg().toBuffer(), 'photo');

  // HEIC (HEVC, through the wasm decoder) and AVIF (AV1, through libvips), whole and damaged.
  const heic = tinyHeic();
  add('iphone.heic', heic, 'photo');
  add('truncated.heic', heic.subarray(0, heic.length >> 1), 'problem');
  add('junk-after-header.heic', Buffer.concat([heic.subarray(0, 64), Buffer.alloc(3000, 0x5a)]), 'problem');
  // Its image claims 12,000 × 10,000 (120 MP, under the general limit, over the HEVC one): refused
  // before the WebAssembly decoder allocates it.
  const heicBomb = Buffer.from(heic);
  const imageSize = heicBomb.lastIndexOf(Buffer.from('ispe'));
  heicBomb.writeUInt32BE(12000, imageSize + 8);
  heicBomb.writeUInt32BE(10000, imageSize + 12);
  add('bomb.heic', heicBomb, 'problem');
  const avif = await picture(12, 120, 90).avif({ quality: 50 }).toBuffer();
  add('photo.avif', avif, 'photo');
  add('truncated.avif', avif.subarray(0, avif.length >> 1), 'problem');
  add('unreadable.jpg', await picture(13).jpeg().toBuffer(), 'problem');
  chmodSync(join(root, 'unreadable.jpg'), 0);
  // As root, mode 000 does not stop reading: then it is an ordinary photo.
  if (process.getuid?.() === 0) expectPhoto.push(expectProblem.pop()!);

  // A folder that links back to its parent, a link to itself, and a link to nowhere.
  symlinkSync(root, join(root, 'loop'));
  symlinkSync(join(root, 'self.jpg'), join(root, 'self.jpg'));
  symlinkSync(join(root, 'missing.jpg'), join(root, 'dangling.jpg'));
  expectProblem.push(join(root, 'self.jpg'), join(root, 'dangling.jpg'));

  const core = openCore(join(tmp.path, 'data'));
  try {
    const summary = await indexFolders(core, [root]);
    assert.equal(summary.added, expectPhoto.length, JSON.stringify(summary));
    for (const path of expectPhoto) assert.notEqual(photoIdByPath(core.db, path), undefined, `${path} is a photo`);
    const problems = new Map(listProblems(core.db, 1000).map((p) => [p.path, p.reason]));
    for (const path of expectProblem) assert.ok(problems.get(path), `${path} is a problem with a reason`);
    assert.match(problems.get(join(root, 'bomb.png'))!, /too large|pixel/i);
    assert.match(problems.get(join(root, 'bomb.heic'))!, /too large.*12000×10000/);
    assert.match(problems.get(join(root, 'dangling.jpg'))!, /link to nothing/);
    assert.match(problems.get(join(root, 'self.jpg'))!, /loop/);
    assertConsistent(core);

    const grey = readModelInputs(core.db, 64, [photoIdByPath(core.db, join(root, 'grey.png'))!])
      .values()
      .next().value!;
    for (let i = 0; i < grey.length; i += 3) assert.ok(grey[i] === grey[i + 1] && grey[i + 1] === grey[i + 2], 'grey stays grey');
    const heicPhoto = getPhoto(core.db, photoIdByPath(core.db, join(root, 'iphone.heic'))!)!;
    assert.deepEqual([heicPhoto.format, heicPhoto.width, heicPhoto.height], ['heic', TINY_HEIC_SIZE.width, TINY_HEIC_SIZE.height]);
    const avifPhoto = getPhoto(core.db, photoIdByPath(core.db, join(root, 'photo.avif'))!)!;
    assert.deepEqual([avifPhoto.format, avifPhoto.width, avifPhoto.height], ['avif', 120, 90]);
    // The HEIC's pixels are the picture it was made from (lossy, so close, not equal).
    const decoded = await decodePhoto(heic);
    const source = await picture(TINY_HEIC_SEED, TINY_HEIC_SIZE.width, TINY_HEIC_SIZE.height).raw().toBuffer();
    let difference = 0;
    for (let i = 0; i < source.length; i++) difference += Math.abs(source[i]! - decoded.working.data[i]!);
    assert.ok(difference / source.length < 12, `HEIC decodes to its picture (mean difference ${(difference / source.length).toFixed(1)})`);
    const gif = getPhoto(core.db, photoIdByPath(core.db, join(root, 'animated.gif'))!)!;
    assert.deepEqual([gif.width, gif.height], [60, 40], 'an animated GIF is its first frame');

    console.log(
      `# ${expectPhoto.length + expectProblem.length} hostile or odd inputs: ${expectPhoto.length} photos, ${expectProblem.length} problems`,
    );
    // Scanning again changes nothing and stays consistent.
    const again = await indexFolders(core, []);
    assert.equal(again.added + again.updated + again.removed, 0);
    assertConsistent(core);
  } finally {
    closeCore(core);
  }
});

test('a folder that vanishes during a scan is marked offline and loses nothing', async () => {
  const folder = join(tmp.path, 'vanishing');
  for (let i = 0; i < 12; i++) await writePicture(join(folder, `p${i}.jpg`), 100 + i);
  const core = openCore(join(tmp.path, 'data-vanish'));
  try {
    const first = await indexFolders(core, [folder]);
    assert.equal(first.added, 12);
    for (let i = 12; i < 24; i++) await writePicture(join(folder, `p${i}.jpg`), 100 + i);
    let pulled = false;
    const summary = await indexFolders(core, [], {
      concurrency: 1,
      onProgress: (p) => {
        if (!pulled && p.done >= 14) {
          pulled = true;
          rmSync(folder, { recursive: true, force: true });
        }
      },
    });
    assert.ok(pulled);
    assert.deepEqual(summary.offline, [folder]);
    assert.equal(summary.removed, 0);
    assert.ok(listPhotos(core.db, { offset: 0, limit: 100, sort: 'added', order: 'asc' }).total >= 12);
    assertConsistent(core);
  } finally {
    closeCore(core);
  }
});

test('files replaced while they are read and decoded end as one whole version, and a rescan matches the disk', async () => {
  const folder = join(tmp.path, 'replaced');
  const spare = join(tmp.path, 'replaced-versions');
  mkdirSync(spare, { recursive: true });
  const versions: Buffer[][] = [];
  for (let i = 0; i < 8; i++) {
    const a = await picture(300 + i, 800, 600)
      .jpeg()
      .toBuffer();
    const b = await picture(400 + i, 600, 450)
      .png()
      .toBuffer();
    versions.push([a, b]);
    await writePicture(join(folder, `swap${i}.jpg`), 300 + i, 'jpeg', 800, 600);
  }
  for (let i = 0; i < 8; i++) await writePicture(join(folder, `steady${i}.jpg`), 500 + i);
  const core = openCore(join(tmp.path, 'data-replaced'));
  // While the scan runs, each swap file is replaced again and again: atomically (a new file
  // renamed over it, as editors and sync tools do) for even i, rewritten in place for odd i.
  let swapping = true;
  let swaps = 0;
  const swapper = (async () => {
    while (swapping) {
      for (let i = 0; i < 8; i++) {
        const data = versions[i]![swaps % 2]!;
        const target = join(folder, `swap${i}.jpg`);
        if (i % 2 === 0) {
          writeFileSync(join(spare, `swap${i}`), data);
          renameSync(join(spare, `swap${i}`), target);
        } else writeFileSync(target, data);
      }
      swaps++;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  })();
  try {
    const first = await indexFolders(core, [folder]);
    swapping = false;
    await swapper;
    assert.ok(swaps > 2, `files were replaced during the scan (${swaps} rounds)`);
    console.log(`# ${swaps} rounds of replacements during the scan: ${first.added} added, ${first.failed} failed (kept changing)`);
    assert.equal(first.added + first.failed, 16, JSON.stringify(first));
    assertConsistent(core);
    // Whatever a swap file became, it is one whole version: its hash is one of the two versions'.
    const known = new Set(await Promise.all(versions.flat().map((v) => sha256(v))));
    for (let i = 0; i < 8; i++) {
      const id = photoIdByPath(core.db, join(folder, `swap${i}.jpg`));
      if (id !== undefined) assert.ok(known.has(contentHashOf(core.db, id)!), `swap${i} is one whole version`);
    }
    // Once the files are still, a rescan brings the library in line with the disk.
    await indexFolders(core, []);
    assertConsistent(core);
    for (let i = 0; i < 8; i++) {
      const path = join(folder, `swap${i}.jpg`);
      const id = photoIdByPath(core.db, path);
      assert.notEqual(id, undefined, `${path} is a photo after the rescan`);
      assert.equal(contentHashOf(core.db, id!), await sha256(readFileSync(path)), `${path} matches the disk`);
    }
  } finally {
    swapping = false;
    await swapper;
    closeCore(core);
  }
});
