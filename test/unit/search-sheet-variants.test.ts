import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { renderSheet } from '../../src/main/search/sheet';
import { HARD_EDITS, VARIANTS, writeVariants } from '../../src/main/search/variants';

const work = mkdtempSync(join(tmpdir(), 'likeness-sheet-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A 300×200 picture: left half red, right half green, so crops and turns are visible in the pixels. */
async function source(): Promise<string> {
  const path = join(work, 'source.jpg');
  const left = await sharp({ create: { width: 150, height: 200, channels: 3, background: '#e02020' } })
    .png()
    .toBuffer();
  await sharp({ create: { width: 300, height: 200, channels: 3, background: '#20c020' } })
    .composite([{ input: left, left: 0, top: 0 }])
    .jpeg()
    .toFile(path);
  return path;
}

test('harder near-duplicate edits: half crop, greyscale, letterbox, caption, 90° turn without EXIF', async () => {
  const paths = await writeVariants(await source(), join(work, 'variants'), 's', HARD_EDITS);
  assert.deepEqual([...paths.keys()], [...VARIANTS, ...HARD_EDITS]);
  const meta = async (v: string) => sharp(paths.get(v as never)!).metadata();
  const crop = await meta('crop50');
  assert.deepEqual([crop.width, crop.height], [150, 100]);
  const letterbox = await meta('letterbox');
  assert.deepEqual([letterbox.width, letterbox.height], [300, 260]);
  const turned = await meta('rot90');
  assert.deepEqual([turned.width, turned.height, turned.orientation], [200, 300, undefined], 'turned in the pixels, no orientation tag');
  // Turned clockwise: the red left half is now on top.
  const { data, info } = await sharp(paths.get('rot90')!).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
  assert.ok(at(100, 20)[0]! > 150 && at(100, 280)[1]! > 150);
  const grey = await sharp(paths.get('grey')!).raw().toBuffer({ resolveWithObject: true });
  const channels = grey.info.channels;
  for (let i = 0; i < grey.data.length; i += channels * 97)
    assert.ok(channels === 1 || Math.abs(grey.data[i]! - grey.data[i + 1]!) <= 2, 'greyscale');
  const original = await sharp(paths.get('original')!).raw().toBuffer();
  const captioned = await sharp(paths.get('caption')!).raw().toBuffer();
  const bottom = (b: Buffer) => b[(195 * 300 + 5) * 3]!;
  assert.ok(bottom(captioned) < bottom(original) - 40, 'the caption bar darkens the bottom');
});

test('a sheet: the query and its neighbours in one row, captions under each; unreadable files get a grey tile', async () => {
  const query = await source();
  const neighbours = Array.from({ length: 9 }, (_, i) => ({
    path: i === 4 ? join(work, 'missing.jpg') : query,
    score: 1 - i / 10,
    label: `n${i}`,
    correct: i % 2 === 0,
  }));
  const png = await renderSheet({ path: query, label: 'query' }, neighbours, { tile: 64 });
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.width, 10 * (64 + 6) + 12);
  assert.ok(meta.height! > 64);
});

test('augmentation: greyscale 1 makes every view grey, greyscale 0 keeps colour and the random stream', async () => {
  const { augmentInto, defaultAugment } = await import('../../src/main/model/augment');
  const { Rng } = await import('../../src/main/util/rng');
  const size = 8;
  const data = new Uint8Array(16 * 16 * 3).map((_, i) => (i % 3 === 0 ? 200 : i % 3 === 1 ? 40 : 90));
  const src = { data, width: 16, height: 16, channels: 3 };
  const view = (greyscale: number, seed: number) => {
    const out = new Float32Array(size * size * 3);
    augmentInto(src, size, new Rng(seed), out, 0, { ...defaultAugment, greyscale });
    return out;
  };
  const grey = view(1, 5);
  for (let i = 0; i < size * size; i++)
    assert.ok(Math.abs(grey[i * 3]! - grey[i * 3 + 1]!) < 1e-5 && Math.abs(grey[i * 3 + 1]! - grey[i * 3 + 2]!) < 1e-5);
  const colour = view(0, 5);
  assert.ok(Math.abs(colour[0]! - colour[1]!) > 0.1, 'colour kept');
  assert.deepEqual(view(0, 5), view(0, 5));
});

test('augmentation: rotate 1 turns every view a quarter, so a left/right split becomes top/bottom', async () => {
  const { augmentInto, defaultAugment } = await import('../../src/main/model/augment');
  const { Rng } = await import('../../src/main/util/rng');
  const size = 8;
  const data = new Uint8Array(16 * 16 * 3);
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) data.set(x < 8 ? [230, 20, 20] : [20, 230, 20], (y * 16 + x) * 3);
  const src = { data, width: 16, height: 16, channels: 3 };
  const red = (v: Float32Array, x: number, y: number) => v[(y * size + x) * 3]! > 0;
  for (let seed = 1; seed <= 5; seed++) {
    const opt = { ...defaultAugment, minScale: 1, flip: false, jitter: 0 };
    const plain = new Float32Array(size * size * 3);
    augmentInto(src, size, new Rng(seed), plain, 0, opt);
    assert.ok(red(plain, 0, 0) && !red(plain, size - 1, 0), 'unturned: red on the left');
    const turned = new Float32Array(size * size * 3);
    augmentInto(src, size, new Rng(seed), turned, 0, { ...opt, rotate: 1 });
    assert.equal(red(turned, 0, 0), red(turned, size - 1, 0), 'turned: one colour along the top row');
    assert.notEqual(red(turned, 0, 0), red(turned, 0, size - 1), 'and the other along the bottom');
  }
});

test('augmentation: hue turns colours about the grey axis, keeping grey pixels and luminance', async () => {
  const { augmentInto, defaultAugment } = await import('../../src/main/model/augment');
  const { Rng } = await import('../../src/main/util/rng');
  const size = 8;
  const source = (rgb: number[]) => ({ data: new Uint8Array(16 * 16 * 3).map((_, i) => rgb[i % 3]!), width: 16, height: 16, channels: 3 });
  const opt = { ...defaultAugment, jitter: 0 };
  const view = (src: ReturnType<typeof source>, hue: number, seed: number) => {
    const out = new Float32Array(size * size * 3);
    augmentInto(src, size, new Rng(seed), out, 0, { ...opt, hue });
    return [...out.subarray(0, 3)].map((v) => (v + 1) * 127.5);
  };
  for (let seed = 1; seed <= 5; seed++) {
    const grey = view(source([120, 120, 120]), 0.5, seed);
    assert.ok(
      grey.every((v) => Math.abs(v - 120) < 1e-3),
      'a grey pixel stays grey',
    );
    // A colour whose every turn stays within 0–255, so nothing is clipped.
    const [r, g, b] = view(source([160, 100, 100]), 0.5, seed);
    const luminance = (x: number, y: number, z: number) => 0.213 * x + 0.715 * y + 0.072 * z;
    assert.ok(Math.abs(luminance(r!, g!, b!) - luminance(160, 100, 100)) < 0.5, 'luminance kept, to the matrix rounding');
    assert.deepEqual(
      view(source([200, 60, 60]), 0, seed),
      [200, 60, 60].map((v) => Math.fround(v / 127.5 - 1)).map((v) => (v + 1) * 127.5),
      'hue 0 leaves the colour as it is',
    );
  }
  // Up to a quarter turn either way: over seeds the red pixel turns both ways round the circle.
  const turns = Array.from({ length: 20 }, (_, i) => view(source([200, 60, 60]), 0.25, i + 1));
  assert.ok(turns.some(([, g, b]) => g! > b! + 20) && turns.some(([, g, b]) => b! > g! + 20), 'towards yellow and towards magenta');
});
