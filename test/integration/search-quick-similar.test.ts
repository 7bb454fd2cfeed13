// Find similar before there is a model (search/quickSimilar.ts): real photos decoded by sharp into
// a real library; with no model the pixel signature answers, at once, near-duplicates first; once
// the active model has embedded a photo its embeddings answer, and a photo it has not embedded yet
// still gets quick matches; so does a picture outside the library. The API says which signal answered.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { dispatch } from '../../src/main/api/dispatch';
import { LikenessService } from '../../src/main/api/service';
import { indexFolders } from '../../src/main/library/scan';
import { findSimilarToImage } from '../../src/main/search/queryImage';
import { similarPhotos } from '../../src/main/search/quickSimilar';
import { SearchError } from '../../src/main/search/service';
import { writeEmbeddings } from '../../src/main/store/embeddings';
import type { SimilarPhoto } from '../../src/shared/api';
import { activeTestModel, indexedLibrary } from '../helpers/library';
import { picture } from '../helpers/images';

/** Per scene, the paths of its original and edited copies. */
const scenes: string[][] = [];
const singles: string[] = [];

const library = indexedLibrary('search-quick-similar', async (photos) => {
  for (let s = 0; s < 3; s++) {
    const base = picture(100 + s, 480, 360);
    const paths = [
      join(photos, `scene${s}-original.jpg`),
      join(photos, `scene${s}-small.jpg`),
      join(photos, `scene${s}-q25.jpg`),
      join(photos, `scene${s}-bright.png`),
    ];
    await base.clone().jpeg({ quality: 92 }).toFile(paths[0]!);
    await base.clone().resize(160).jpeg({ quality: 85 }).toFile(paths[1]!);
    await base.clone().jpeg({ quality: 25 }).toFile(paths[2]!);
    await base.clone().modulate({ brightness: 1.15 }).png().toFile(paths[3]!);
    scenes.push(paths);
  }
  for (let i = 0; i < 6; i++) {
    const path = join(photos, `single${i}.jpg`);
    await picture(500 + i, 400, 300)
      .jpeg()
      .toFile(path);
    singles.push(path);
  }
});
const { idOf } = library;

test('with no model, the pixel signature answers: each photo’s own copies come first', () => {
  for (const scene of scenes) {
    for (const path of scene) {
      const answer = similarPhotos(library.core, idOf(path), 5);
      assert.equal(answer.signal, 'pixels');
      const copies = new Set(scene.filter((p) => p !== path).map(idOf));
      assert.deepEqual(new Set(answer.results.slice(0, copies.size).map((r) => r.photoId)), copies, `copies of ${path} first`);
      assert.ok(!answer.results.some((r) => r.photoId === idOf(path)), 'never the photo itself');
      const scores = answer.results.map((r) => r.score);
      assert.deepEqual(
        [...scores].sort((a, b) => b - a),
        scores,
        'best first',
      );
    }
  }
  assert.throws(
    () => similarPhotos(library.core, 999_999, 5),
    (e: unknown) => e instanceof SearchError && e.code === 'not-found',
  );
});

test('photos indexed after the first question are found too (the signatures are read again only for them)', async () => {
  const before = similarPhotos(library.core, idOf(scenes[2]![0]!), 20).results.length;
  const late = join(library.photos, 'scene2-late.jpg');
  await picture(102, 480, 360).jpeg({ quality: 50 }).toFile(late);
  await indexFolders(library.core, [library.photos]);
  const after = similarPhotos(library.core, idOf(scenes[2]![0]!), 20);
  assert.equal(after.results.length, before + 1);
  assert.ok(
    after.results.slice(0, scenes[2]!.length).some((r) => r.photoId === idOf(late)),
    'the new copy ranks with the others',
  );
  scenes[2]!.push(late);
});

test('a picture outside the library, before any model: quick matches from its pixels, its copies first, nothing added', async () => {
  const outside = join(library.tmp.path, 'outside.jpg');
  await picture(101, 480, 360).resize(320).jpeg({ quality: 60 }).toFile(outside);
  const count = () => (library.core.db.prepare('SELECT count(*) AS n FROM photos').get() as { n: number }).n;
  const photosBefore = count();
  const answer = await findSimilarToImage(library.core, outside, 6);
  assert.equal(answer.signal, 'pixels');
  assert.deepEqual(new Set(answer.results.slice(0, scenes[1]!.length).map((r) => r.photoId)), new Set(scenes[1]!.map(idOf)));
  assert.equal(count(), photosBefore);
});

test('once the active model has embedded a photo, its embeddings answer; photos it has not embedded get quick matches', async () => {
  // A model whose embeddings the test writes: each scene's photos share a direction, as a trained encoder would give them.
  const dim = 8;
  const modelId = activeTestModel(library.core, dim);
  const embedded = [...scenes.flat(), ...singles.slice(0, 3)];
  writeEmbeddings(
    library.core.db,
    modelId,
    embedded.map((path, i) => {
      const vector = new Float32Array(dim);
      const scene = scenes.findIndex((s) => s.includes(path));
      vector[scene >= 0 ? scene : 3 + (i % 5)] = 1;
      vector[7] = 0.01 * i;
      return { photoId: idOf(path), vector };
    }),
  );
  const learned = similarPhotos(library.core, idOf(scenes[1]![0]!), 3);
  assert.equal(learned.signal, 'learned');
  assert.deepEqual(new Set(learned.results.map((r) => r.photoId)), new Set(scenes[1]!.slice(1).map(idOf)));
  assert.equal(similarPhotos(library.core, idOf(singles[5]!), 3).signal, 'pixels', 'not embedded yet');

  // Through the API, every result carries the signal that ranked it.
  const service = new LikenessService(library.core);
  const viaApi = await dispatch(service, 'findSimilar', { id: idOf(singles[5]!), k: 4 });
  assert.ok(viaApi.ok);
  const rows = viaApi.result as SimilarPhoto[];
  assert.equal(rows.length, 4);
  assert.ok(rows.every((r) => r.signal === 'pixels'));
  const learnedViaApi = await dispatch(service, 'findSimilar', { id: idOf(scenes[0]![0]!), k: 3 });
  assert.ok(learnedViaApi.ok && (learnedViaApi.result as SimilarPhoto[]).every((r) => r.signal === 'learned'));
});
