// Copies first in Find similar (search/copies.ts): a real library of sharp-made photos holding a
// scene, its grey copy, the scene turned 90° with no EXIF to undo it, the scene letterboxed, and
// unrelated pictures, one of them letterboxed too. Each copy finds the scene, no unrelated picture
// is called a copy, and Find similar (API and core) puts the copies first and says they are
// copies; a picture outside the library finds its copies in it. The duplicate rule, whose pixels
// ignore bars (search/bars.ts), does not join the two letterboxed pictures, and groups the
// letterboxed copy with the scene.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dispatch } from '../../src/main/api/dispatch';
import { LikenessService } from '../../src/main/api/service';
import { closeCore, openCore } from '../../src/main/core';
import { findCopies } from '../../src/main/search/copies';
import { findSimilarToImage } from '../../src/main/search/queryImage';
import { currentDuplicateGroups } from '../../src/main/search/service';
import { similarPhotos } from '../../src/main/search/quickSimilar';
import type { SimilarPhoto } from '../../src/shared/api';
import { picture } from '../helpers/images';
import { indexedLibrary } from '../helpers/library';

const scene = { original: '', grey: '', turned: '', letterbox: '' };
const unrelated: string[] = [];

const library = indexedLibrary('search-copies', async (photos) => {
  const base = () => picture(42, 480, 320);
  scene.original = join(photos, 'scene.jpg');
  scene.grey = join(photos, 'scene-grey.jpg');
  scene.turned = join(photos, 'scene-turned.jpg');
  scene.letterbox = join(photos, 'scene-letterbox.jpg');
  await base().jpeg({ quality: 92 }).toFile(scene.original);
  await base().greyscale().jpeg({ quality: 90 }).toFile(scene.grey);
  // Turned pixels, no orientation tag: nothing undoes the turn at ingest.
  await base().rotate(90).jpeg({ quality: 90 }).toFile(scene.turned);
  await base()
    .extend({ top: 60, bottom: 60, background: { r: 0, g: 0, b: 0 } })
    .jpeg({ quality: 90 })
    .toFile(scene.letterbox);
  for (let i = 0; i < 16; i++) {
    const path = join(photos, `other${i}.jpg`);
    await picture(300 + i, 400, 300)
      .jpeg({ quality: 90 })
      .toFile(path);
    unrelated.push(path);
  }
  const otherLetterbox = join(photos, 'other-letterbox.jpg');
  await picture(400, 480, 320)
    .extend({ top: 60, bottom: 60, background: { r: 0, g: 0, b: 0 } })
    .jpeg({ quality: 90 })
    .toFile(otherLetterbox);
  unrelated.push(otherLetterbox);
});
const { idOf } = library;

test('a grey, a turned and a letterboxed copy each find the scene; the scene finds its grey and turned copies', () => {
  for (const copy of [scene.grey, scene.turned, scene.letterbox]) {
    const found = findCopies(library.core, idOf(copy)).map((c) => c.photoId);
    assert.ok(found.includes(idOf(scene.original)), `${copy} finds the scene`);
  }
  const ofScene = findCopies(library.core, idOf(scene.original)).map((c) => c.photoId);
  assert.ok(ofScene.includes(idOf(scene.grey)) && ofScene.includes(idOf(scene.turned)), 'the scene finds its grey and turned copies');
  // The library's hashes and null sample are kept for the next process, and a new one (a fresh library.core) answers the same.
  assert.deepEqual(readdirSync(library.core.dataDir.caches).filter((n) => n.startsWith('copies-')).length, 1);
  const again = openCore(join(library.tmp.path, 'home'));
  try {
    assert.deepEqual(findCopies(again, idOf(scene.original)), findCopies(library.core, idOf(scene.original)));
  } finally {
    closeCore(again);
  }
});

test('no unrelated picture is a copy of anything, and nothing is a copy of itself', () => {
  const others = new Set(unrelated.map(idOf));
  for (const path of [...Object.values(scene), ...unrelated]) {
    const found = findCopies(library.core, idOf(path)).map((c) => c.photoId);
    assert.ok(!found.includes(idOf(path)), 'not itself');
    if (others.has(idOf(path))) assert.deepEqual(found, [], `${path} has no copies`);
    else assert.ok(!found.some((id) => others.has(id)), `${path}: no unrelated picture among its copies`);
  }
});

test('Find similar puts the copies first and says so, through the API too', async () => {
  const answer = similarPhotos(library.core, idOf(scene.turned), 5);
  assert.equal(answer.results[0]?.copy, true);
  const copies = answer.results.filter((r) => r.copy).map((r) => r.photoId);
  assert.ok(copies.includes(idOf(scene.original)));
  assert.deepEqual(
    answer.results.slice(0, copies.length).map((r) => r.photoId),
    copies,
    'copies before the rest',
  );
  // The scene's letterboxed copy has a hash of bars and all, far from the scene's: Find similar's
  // own first matches are tested as well, so it is marked too.
  const ofScene = similarPhotos(library.core, idOf(scene.original), 5)
    .results.filter((r) => r.copy)
    .map((r) => r.photoId);
  assert.ok(ofScene.includes(idOf(scene.letterbox)), 'the scene marks its letterboxed copy');
  const service = new LikenessService(library.core);
  const viaApi = await dispatch(service, 'findSimilar', { id: idOf(scene.grey), k: 5 });
  assert.ok(viaApi.ok);
  const reply = viaApi.result as SimilarPhoto[];
  const first = reply[0]!;
  assert.equal(first.copy, true);
  assert.ok([idOf(scene.original), idOf(scene.turned), idOf(scene.letterbox)].includes(first.photo.id));
  assert.ok(reply.every((r) => typeof r.copy === 'boolean'));
});

test('a picture outside the library finds its copies in it first (likeness similar --image)', async () => {
  const outside = join(library.tmp.path, 'outside');
  mkdirSync(outside, { recursive: true });
  const grey = join(outside, 'scene-grey-small.jpg');
  await picture(42, 480, 320).resize(240).greyscale().jpeg({ quality: 80 }).toFile(grey);
  const { results } = await findSimilarToImage(library.core, grey, 5);
  const copies = results.filter((r) => r.copy).map((r) => r.photoId);
  assert.ok(copies.includes(idOf(scene.original)) && copies.includes(idOf(scene.turned)), 'the scene and its turned copy are marked');
  assert.deepEqual(
    results.slice(0, copies.length).map((r) => r.photoId),
    copies,
    'copies before the rest',
  );
  const unrelatedPicture = join(outside, 'unrelated.jpg');
  await picture(999, 400, 300).jpeg({ quality: 90 }).toFile(unrelatedPicture);
  assert.ok(!(await findSimilarToImage(library.core, unrelatedPicture, 5)).results.some((r) => r.copy), 'an unrelated picture has none');
});

test('the duplicate rule groups the letterboxed copy with the scene, and never two different letterboxed pictures', () => {
  const groups = currentDuplicateGroups(library.core).map((g) => g.photoIds);
  const withScene = groups.find((g) => g.includes(idOf(scene.original))) ?? [];
  assert.ok(withScene.includes(idOf(scene.letterbox)), 'the letterboxed copy is a duplicate of the scene');
  const others = new Set(unrelated.map(idOf));
  assert.ok(!withScene.some((id) => others.has(id)), 'no unrelated picture is in the scene’s group');
  const otherLetterbox = idOf(unrelated.at(-1)!);
  assert.ok(!groups.some((g) => g.includes(otherLetterbox)), 'the other letterboxed picture is in no group');
});
