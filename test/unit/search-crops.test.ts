// The crop test (search/crops.ts): the wasm kernel's window sums are exact, and a part of a
// picture cut out off the centre — half of each side, and 70 % between the planes' grid points — is
// found in the picture it was cut from at above 0.95, stands out from unrelated pictures as a crop,
// and no unrelated picture is called its source. Pictures are generated with sharp and reduced to
// the square model input as ingest does (a resize that squeezes the frame to size × size).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { sceneJpeg } from '../../src/main/eval/scenes';
import { bestWindow, cropGrey, cropPlanes, cropQuery, findCrops, type CropPlanes } from '../../src/main/search/crops';
import { SimdWindows } from '../../src/main/search/simd';
import { seededRandom } from '../../src/main/util/rng';
import { picture } from '../helpers/images';

const SIZE = 64;

async function input(image: Sharp): Promise<Uint8Array> {
  return new Uint8Array(await image.resize(SIZE, SIZE, { fit: 'fill' }).removeAlpha().raw().toBuffer());
}

test('the window kernel gives every window’s exact dot product, sum and sum of squares', () => {
  const random = seededRandom(3);
  const kernel = new SimdWindows();
  const query = Int16Array.from({ length: 256 }, () => Math.round((random() * 2 - 1) * 32767));
  kernel.setQuery(query);
  for (const side of [16, 17, 23, 38]) {
    const plane = Int8Array.from({ length: side * side }, () => Math.round((random() * 2 - 1) * 127));
    const windows = kernel.windows(plane, side);
    const m = side - 15;
    assert.equal(windows.length, 3 * m * m);
    for (let y = 0; y < m; y++)
      for (let x = 0; x < m; x++) {
        let [dot, sum, squares] = [0, 0, 0];
        for (let i = 0; i < 16; i++)
          for (let j = 0; j < 16; j++) {
            const v = plane[(y + i) * side + x + j]!;
            dot += v * query[i * 16 + j]!;
            sum += v;
            squares += v * v;
          }
        const at = 3 * (y * m + x);
        assert.deepEqual([windows[at], windows[at + 1], windows[at + 2]], [dot, sum, squares], `side ${side}, window (${x}, ${y})`);
      }
  }
});

test('a crop off the centre is found in its picture and in no unrelated one', async () => {
  // Generated landscapes (sky, ridges, houses: eval/scenes.ts), alike in layout as real photos are.
  const scene = await sceneJpeg(42, 480, 320);
  const original = cropPlanes(cropGrey(await input(sharp(scene)), SIZE), SIZE);
  const unrelated: CropPlanes[] = [];
  for (let seed = 100; seed < 140; seed++) unrelated.push(cropPlanes(cropGrey(await input(sharp(await sceneJpeg(seed, 480, 320))), SIZE), SIZE));
  const cuts = [
    { left: 200, top: 40, width: 240, height: 160 }, // half of each side, right of centre
    { left: 20, top: 90, width: 336, height: 224 }, // 70 %, low and left
  ];
  for (const cut of cuts) {
    const query = cropQuery(cropGrey(await input(sharp(scene).extract(cut).jpeg({ quality: 85 })), SIZE), SIZE);
    const own = bestWindow(query, original);
    assert.ok(own > 0.95, `the ${cut.width}-wide crop matches a window of its picture (${own.toFixed(3)})`);
    const candidates = new Map<number, CropPlanes>([[1, original], ...unrelated.slice(0, 8).map((p, i) => [i + 2, p] as const)]);
    const found = findCrops(query, candidates, unrelated.slice(8), 10_000);
    assert.deepEqual(
      found.map((c) => c.photoId),
      [1],
      `only its picture is its source (z ${found.map((c) => c.z.toFixed(1)).join(', ')})`,
    );
  }
});

test('a flat picture is nobody’s crop and has none', async () => {
  const flat = await input(sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 90, g: 120, b: 150 } } }));
  const query = cropQuery(cropGrey(flat, SIZE), SIZE);
  const planes = [];
  for (let seed = 1; seed <= 8; seed++) planes.push(cropPlanes(cropGrey(await input(picture(seed)), SIZE), SIZE));
  assert.deepEqual(findCrops(query, new Map(planes.map((p, i) => [i, p])), planes, 1000), []);
  const ofPicture = cropQuery(cropGrey(await input(picture(1)), SIZE), SIZE);
  assert.deepEqual(findCrops(ofPicture, new Map([[0, cropPlanes(cropGrey(flat, SIZE), SIZE)]]), planes, 1000), []);
});
