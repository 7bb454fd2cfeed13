// Find similar on a crop (search/crops.ts through copies.ts): a real library of generated landscapes
// (eval/scenes.ts), one of them also cut to half of each side off the centre and to 70 % low and
// left. Each crop's Find similar shows the photo it was cut from first, marked uncropped, before
// any model exists (the quick pixel ranking); a crop from outside the library finds it too
// (`likeness similar --image`); no photo is a crop of an unrelated one.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { sceneJpeg } from '../../src/main/eval/scenes';
import { similarPhotos } from '../../src/main/search/quickSimilar';
import { findSimilarToImage } from '../../src/main/search/queryImage';
import { indexedLibrary } from '../helpers/library';

const others: string[] = [];
let scene = '';
let crops: string[] = [];

const library = indexedLibrary('search-crops', async (photos) => {
  scene = join(photos, 'scene.jpg');
  crops = [join(photos, 'scene-half.jpg'), join(photos, 'scene-70.jpg')];
  const original = await sceneJpeg(42, 960, 640);
  writeFileSync(scene, original);
  await sharp(original).extract({ left: 400, top: 80, width: 480, height: 320 }).jpeg({ quality: 88 }).toFile(crops[0]!);
  await sharp(original).extract({ left: 40, top: 180, width: 672, height: 448 }).jpeg({ quality: 88 }).toFile(crops[1]!);
  for (let seed = 100; seed < 130; seed++) {
    const path = join(photos, `other-${seed}.jpg`);
    writeFileSync(path, await sceneJpeg(seed, 960, 640));
    others.push(path);
  }
});
const { idOf } = library;

test('a crop’s Find similar shows the photo it was cut from first, marked', () => {
  for (const crop of crops) {
    const { signal, results } = similarPhotos(library.core, idOf(crop), 5);
    assert.equal(signal, 'pixels');
    assert.equal(
      results[0]?.photoId,
      idOf(scene),
      `${crop}: the scene first (${JSON.stringify(results)}, scene ${idOf(scene)}, crops ${crops.map(idOf)})`,
    );
    assert.equal(results[0]?.uncropped, true);
  }
});

test('no photo is called a copy or crop of an unrelated one', () => {
  const unrelated = new Set(others.map(idOf));
  for (const path of [scene, ...crops, ...others]) {
    const marked = similarPhotos(library.core, idOf(path), 10).results.filter((r) => r.copy || r.uncropped);
    if (unrelated.has(idOf(path))) assert.deepEqual(marked, [], `${path} has none (${JSON.stringify(marked)})`);
    else assert.ok(!marked.some((r) => unrelated.has(r.photoId)), `${path}: none of its marks is unrelated`);
  }
});

test('a crop from outside the library finds the photo it was cut from', async () => {
  const outside = join(library.tmp.path, 'outside.jpg');
  await sharp(await sceneJpeg(42, 960, 640))
    .extract({ left: 240, top: 240, width: 480, height: 320 })
    .resize(320)
    .jpeg({ quality: 80 })
    .toFile(outside);
  const { results } = await findSimilarToImage(library.core, outside, 5);
  assert.equal(results[0]?.photoId, idOf(scene));
  assert.equal(results[0]?.uncropped, true);
});
