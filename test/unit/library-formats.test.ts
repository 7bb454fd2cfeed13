// Which files are photos, and HEIF brand sniffing (library/formats.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHevcHeif, looksLikePhoto } from '../../src/main/library/formats';

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
