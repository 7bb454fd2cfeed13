// Small pure parts of the library: EXIF dates, HEIF brand sniffing, the difference hash, data dir.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { defaultDataDir } from '../../src/main/dataDir';
import { decodePhoto } from '../../src/main/library/decode';
import { exifDateToIso } from '../../src/main/library/exif';
import { isHevcHeif, looksLikePhoto } from '../../src/main/library/formats';
import { hammingDistance } from '../../src/main/library/hamming';
import { differenceHash } from '../../src/main/library/renditions';
import { picture } from '../helpers/images';

test('EXIF dates become ISO local times; impossible ones become null', () => {
  assert.equal(exifDateToIso('2019:06:15 14:30:00'), '2019-06-15T14:30:00');
  assert.equal(exifDateToIso('0000:00:00 00:00:00'), null);
  assert.equal(exifDateToIso('2021:02:30 10:00:00'), null);
  assert.equal(exifDateToIso('    '), null);
  assert.equal(exifDateToIso(12), null);
});

test('HEVC HEIF is recognised by major or compatible brand, AVIF is not', () => {
  const ftyp = (...brands: string[]) => {
    const size = 8 + 4 + 4 * brands.length;
    const box = Buffer.alloc(size);
    box.writeUInt32BE(size, 0);
    box.write('ftyp', 4);
    box.write(brands[0], 8);
    brands.slice(1).forEach((b, i) => box.write(b, 16 + 4 * i));
    return box;
  };
  assert.equal(isHevcHeif(ftyp('heic', 'mif1', 'heic')), true);
  assert.equal(isHevcHeif(ftyp('mif1', 'mif1', 'heic', 'hevc')), true);
  assert.equal(isHevcHeif(ftyp('avif', 'mif1', 'avif')), false);
  assert.equal(isHevcHeif(ftyp('mif1', 'mif1', 'avif', 'miaf')), false);
  assert.equal(isHevcHeif(Buffer.from('not a heif at all')), false);
});

test('photo file names are recognised case-insensitively; resource forks are not photos', () => {
  assert.ok(looksLikePhoto('IMG_0001.JPG'));
  assert.ok(looksLikePhoto('holiday.heic'));
  assert.ok(!looksLikePhoto('._IMG_0001.JPG'));
  assert.ok(!looksLikePhoto('notes.txt'));
});

test('the difference hash survives resizing, recompression and brightness, and tells pictures apart', async () => {
  const hashOf = async (image: Sharp) => {
    const decoded = await decodePhoto(await image.jpeg({ quality: 90 }).toBuffer());
    return differenceHash(decoded.working);
  };
  const original = await hashOf(picture(1, 640, 480));
  const small = await hashOf(picture(1, 640, 480).resize(160, 120));
  const lowQuality = await hashOf(sharp(await picture(1, 640, 480).jpeg({ quality: 20 }).toBuffer()));
  const brighter = await hashOf(picture(1, 640, 480).linear(1.15, 0));
  const other = await hashOf(picture(2, 640, 480));
  for (const variant of [small, lowQuality, brighter]) assert.ok(hammingDistance(original, variant) <= 6);
  assert.ok(hammingDistance(original, other) > 12);
});

test('an image larger than the pixel limit is refused without being decoded', async () => {
  // A PNG header claiming 50,000 × 50,000 pixels, followed by almost nothing.
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer();
  const bomb = Buffer.from(png);
  bomb.writeUInt32BE(50000, 16);
  bomb.writeUInt32BE(50000, 20);
  await assert.rejects(decodePhoto(bomb), /too large|pixel limit|not a readable image/);
});

test('the data directory follows LIKENESS_HOME, else the platform convention', () => {
  assert.equal(defaultDataDir({ LIKENESS_HOME: '/x/y' }, 'linux'), '/x/y');
  assert.equal(defaultDataDir({ XDG_DATA_HOME: '/xdg' }, 'linux'), '/xdg/likeness');
  assert.match(defaultDataDir({}, 'darwin'), /Library\/Application Support\/Likeness$/);
  assert.match(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32'), /Likeness$/);
});

const sharedHeic = new URL('../../../shared/data/edge-cases/example.heic', import.meta.url).pathname;
test('an iPhone-style HEIC (HEVC) photo decodes through the wasm decoder', { skip: existsSync(sharedHeic) ? false : 'needs ../shared/data/edge-cases/example.heic (sharp cannot write HEVC to make one)' }, async () => {
  const { readFile } = await import('node:fs/promises');
  const decoded = await decodePhoto(await readFile(sharedHeic));
  assert.equal(decoded.format, 'heic');
  assert.ok(decoded.width > 0 && decoded.height > 0);
  assert.equal(decoded.working.data.length, decoded.working.width * decoded.working.height * 3);
});
