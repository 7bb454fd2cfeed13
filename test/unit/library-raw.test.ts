// Camera RAW files read through their largest embedded JPEG: which preview is chosen in each
// container, how it is turned upright, the EXIF facts read from the RAW itself, and the reason
// given when there is no preview. Every file is written by the test (test/helpers/raw.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { DecodeError, decodePhoto, displayJpeg } from '../../src/main/library/decode';
import { readExif } from '../../src/main/library/exif';
import { largestRawPreview } from '../../src/main/library/raw';
import { writeVariants } from '../../src/main/search/variants';
import { picture, tempDir } from '../helpers/images';
import { losslessJpegStub, TAGS, writeCr3, writeDng, writeNefLike, writeRaf, writeTiff, type RawShot } from '../helpers/raw';

const shot: RawShot = {
  make: 'Canon',
  model: 'EOS R5',
  taken: '2024:05:06 07:08:09',
  orientation: 1,
  lens: 'RF24-70mm F2.8 L IS USM',
  gps: { latitude: [48, 51, 24], longitude: [2, 21, 3] },
};

const jpeg = (seed: number, width: number, height: number) => picture(seed, width, height).jpeg({ quality: 90 }).toBuffer();

/** Mean absolute difference of two RGB working images of the same size. */
function difference(a: { data: Buffer; width: number; height: number }, b: { data: Buffer; width: number; height: number }): number {
  assert.equal(`${a.width}×${a.height}`, `${b.width}×${b.height}`);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}

test('a DNG is read through its largest preview, not its thumbnail or its lossless sensor data', async () => {
  const preview = await jpeg(1, 600, 400);
  const dng = writeDng(shot, preview);
  const found = largestRawPreview(dng);
  assert.equal(`${found.width}×${found.height}`, '600×400');
  const decoded = await decodePhoto(dng, '/photos/IMG_0001.DNG');
  assert.equal(decoded.format, 'dng');
  assert.equal(`${decoded.width}×${decoded.height}`, '600×400');
  const direct = await decodePhoto(preview);
  assert.ok(difference(decoded.working, direct.working) < 1, 'the working image is the preview’s');
});

test('EXIF of a DNG comes from the RAW file: date, camera, lens, GPS, orientation', async () => {
  const exif = await readExif(writeDng({ ...shot, orientation: 8 }, await jpeg(1, 64, 48)));
  assert.equal(exif.takenAt, '2024-05-06T07:08:09');
  assert.equal(exif.cameraMake, 'Canon');
  assert.equal(exif.cameraModel, 'EOS R5');
  assert.equal(exif.lensModel, 'RF24-70mm F2.8 L IS USM');
  assert.equal(exif.orientation, 8);
  assert.ok(Math.abs(exif.latitude! - (48 + 51 / 60 + 24 / 3600)) < 1e-6);
  assert.ok(Math.abs(exif.longitude! - (2 + 21 / 60 + 3 / 3600)) < 1e-6);
});

test('a bare preview is turned by the RAW’s orientation, exactly as libvips turns a JPEG tagged with it', async () => {
  const pixels = picture(3, 120, 80);
  const bare = await pixels.clone().jpeg({ quality: 95 }).toBuffer();
  for (let orientation = 1; orientation <= 8; orientation++) {
    const raw = await decodePhoto(writeDng({ ...shot, orientation }, bare), 'shot.dng');
    const tagged = await decodePhoto(await sharp(bare).withMetadata({ orientation }).jpeg({ quality: 95 }).toBuffer());
    assert.equal(`${raw.width}×${raw.height}`, orientation >= 5 ? '80×120' : '120×80', `orientation ${orientation}`);
    assert.ok(difference(raw.working, tagged.working) < 2, `orientation ${orientation}: pixels as libvips orients them`);
    // The viewer's preview rendition is turned the same way.
    const shown = await sharp(await displayJpeg(writeDng({ ...shot, orientation }, bare), 2048, 95, 'shot.dng')).metadata();
    assert.equal(`${shown.width}×${shown.height}`, orientation >= 5 ? '80×120' : '120×80');
  }
});

test('a NEF-like file: the preview in a SubIFD beats the IFD0 thumbnail; big-endian TIFF', async () => {
  const nef = writeNefLike(
    { ...shot, make: 'NIKON CORPORATION', model: 'NIKON D850', orientation: 6 },
    await jpeg(4, 160, 120),
    await jpeg(4, 640, 424),
  );
  const decoded = await decodePhoto(nef, 'DSC_0001.NEF');
  assert.equal(decoded.format, 'nef');
  assert.equal(`${decoded.width}×${decoded.height}`, '424×640', 'orientation 6 from the RAW turns the preview upright');
  const exif = await readExif(nef);
  assert.equal(exif.cameraModel, 'NIKON D850');
  assert.equal(exif.takenAt, '2024-05-06T07:08:09');
});

test('ORF and RW2 headers (other TIFF magic numbers) and a PEF-like preview no directory names are found', async () => {
  const preview = await jpeg(5, 320, 240);
  const ifd0 = (extra: Parameters<typeof writeTiff>[0]['ifds'][0]) => [
    { tag: TAGS.make, ascii: 'OLYMPUS' },
    { tag: TAGS.model, ascii: 'E-M1' },
    { tag: TAGS.orientation, short: [1] },
    ...extra,
  ];
  const orf = writeTiff({ magic: 0x4f52, chain: [0], blobs: [preview], ifds: [ifd0([])] });
  assert.equal((await decodePhoto(orf, 'P1.ORF')).width, 320, 'ORF: found by searching the file (maker-note preview)');
  const rw2 = writeTiff({ magic: 0x55, chain: [0], blobs: [], ifds: [ifd0([{ tag: 0x2e, bytes: preview }])] });
  assert.equal((await decodePhoto(rw2, 'P1.RW2')).width, 320, 'RW2: JpgFromRaw (tag 0x2E)');
  assert.equal((await readExif(rw2)).cameraMake, 'OLYMPUS');
  const pef = writeTiff({
    chain: [0],
    blobs: [await jpeg(5, 160, 120), preview],
    ifds: [
      ifd0([
        { tag: TAGS.jpegOffset, blob: 0 },
        { tag: TAGS.jpegLength, long: [100] },
      ]),
    ],
  });
  assert.equal((await decodePhoto(pef, 'IMGP1.PEF')).width, 320, 'PEF: the larger unlisted preview wins');
});

test('a CR3: the PRVW preview, turned by CMT1’s orientation, with EXIF from the CMT boxes', async () => {
  const cr3 = writeCr3({ ...shot, orientation: 6 }, await jpeg(6, 160, 120), await jpeg(6, 480, 320), { width: 480, height: 320 });
  const decoded = await decodePhoto(cr3, 'IMG_0001.CR3');
  assert.equal(decoded.format, 'cr3');
  assert.equal(`${decoded.width}×${decoded.height}`, '320×480');
  const exif = await readExif(cr3);
  assert.deepEqual(
    [exif.cameraMake, exif.cameraModel, exif.takenAt, exif.lensModel, exif.orientation],
    ['Canon', 'EOS R5', '2024-05-06T07:08:09', 'RF24-70mm F2.8 L IS USM', 6],
  );
  // Recognised by content too, whatever its name.
  assert.equal((await decodePhoto(cr3, 'renamed.bin')).format, 'cr3');
});

test('a RAF: the header’s JPEG, whose own EXIF orientation and facts are used', async () => {
  const inner = await picture(7, 300, 200)
    .withExif({ IFD0: { Make: 'FUJIFILM', Model: 'X-T4' }, IFD2: { DateTimeOriginal: '2023:01:02 03:04:05' } })
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 90 })
    .toBuffer();
  const raf = writeRaf(inner);
  const decoded = await decodePhoto(raf, 'DSCF0001.RAF');
  assert.equal(decoded.format, 'raf');
  assert.equal(`${decoded.width}×${decoded.height}`, '200×300');
  const exif = await readExif(raf);
  assert.deepEqual([exif.cameraMake, exif.cameraModel, exif.takenAt, exif.orientation], ['FUJIFILM', 'X-T4', '2023-01-02T03:04:05', 6]);
});

test('a RAW with no usable preview, or a damaged one, gets a clear reason', async () => {
  const noPreview = writeTiff({
    chain: [0],
    blobs: [losslessJpegStub(6000, 4000)],
    ifds: [
      [
        { tag: TAGS.make, ascii: 'Canon' },
        { tag: TAGS.compression, short: [6] },
        { tag: TAGS.stripOffsets, blob: 0 },
        { tag: TAGS.stripByteCounts, long: [300] },
      ],
    ],
  });
  await assert.rejects(decodePhoto(noPreview, 'IMG_1.CR2'), (error: Error) => {
    assert.ok(error instanceof DecodeError);
    assert.match(error.message, /^CR2 file: .*no embedded JPEG preview/);
    return true;
  });
  const preview = await jpeg(8, 600, 400);
  const cut = writeDng(shot, preview.subarray(0, preview.length / 2), { sensor: null });
  await assert.rejects(
    decodePhoto(cut, 'cut.dng'),
    (error: Error) => error instanceof DecodeError && /truncated|damaged|premature/i.test(error.message),
  );
  await assert.rejects(decodePhoto(Buffer.from('not a raw file at all'), 'x.nef'), /NEF file: not a camera RAW file/);
});

test('a plain TIFF is still a TIFF, not a RAW', async () => {
  const tiff = await picture(9, 100, 80).tiff().toBuffer();
  const decoded = await decodePhoto(tiff, 'scan.tif');
  assert.equal(decoded.format, 'tiff');
  assert.equal(decoded.width, 100);
});

test('the quality gate’s edited copies of a RAW are made from its upright preview', async () => {
  const tmp = tempDir('raw-variants');
  try {
    const source = join(tmp.path, 'IMG_0009.DNG');
    writeFileSync(source, writeDng({ ...shot, orientation: 6 }, await jpeg(9, 300, 200)));
    const variants = await writeVariants(source, join(tmp.path, 'variants'), 'x');
    const quarter = await sharp(variants.get('quarter')!).metadata();
    assert.equal(`${quarter.width}×${quarter.height}`, '50×75');
    assert.equal((await decodePhoto(readFileSync(variants.get('original')!), variants.get('original')!)).format, 'dng');
  } finally {
    tmp.cleanup();
  }
});
