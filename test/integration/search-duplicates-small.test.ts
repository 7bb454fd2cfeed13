// A small library with no trained model: the same picture re-encoded, resized, cropped a little or
// brightened must still be grouped, and different pictures of the same kind must not be. Scenes
// share a layout (sky over ground), so unrelated pairs resemble each other the way real photos do.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { closeCore, openCore } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { sceneJpeg } from '../../src/main/eval/scenes';
import { listDuplicateGroups } from '../../src/main/search/service';
import { photoIdByPath } from '../../src/main/store/photos';

const work = mkdtempSync(join(tmpdir(), 'likeness-search-dup-small-'));
after(() => rmSync(work, { recursive: true, force: true }));

const WIDTH = 640;
const HEIGHT = 427;

/** Copies of one picture as they turn up in a library. */
async function copies(original: Buffer): Promise<Record<string, { ext: string; bytes: Buffer }>> {
  const crop = { left: Math.round(WIDTH * 0.05), top: Math.round(HEIGHT * 0.05), width: Math.round(WIDTH * 0.9), height: Math.round(HEIGHT * 0.9) };
  return {
    original: { ext: '.jpg', bytes: original },
    jpeg60: { ext: '.jpg', bytes: await sharp(original).jpeg({ quality: 60 }).toBuffer() },
    png: { ext: '.png', bytes: await sharp(original).png().toBuffer() },
    half: {
      ext: '.jpg',
      bytes: await sharp(original)
        .resize(WIDTH / 2)
        .jpeg({ quality: 85 })
        .toBuffer(),
    },
    bright: { ext: '.jpg', bytes: await sharp(original).modulate({ brightness: 1.12 }).jpeg({ quality: 90 }).toBuffer() },
    crop90: { ext: '.jpg', bytes: await sharp(original).extract(crop).jpeg({ quality: 90 }).toBuffer() },
  };
}

test('no model, 40 photos: copies of a scene are grouped, different scenes are not', async () => {
  const photos = join(work, 'photos');
  mkdirSync(photos, { recursive: true });
  const pictures: { seed: number; paths: Map<string, string> }[] = [];
  for (let seed = 1; seed <= 4; seed++) {
    const paths = new Map<string, string>();
    for (const [name, copy] of Object.entries(await copies(await sceneJpeg(seed, WIDTH, HEIGHT)))) {
      const path = join(photos, `scene-${seed}-${name}${copy.ext}`);
      writeFileSync(path, copy.bytes);
      paths.set(name, path);
    }
    pictures.push({ seed, paths });
  }
  for (let seed = 100; seed < 116; seed++) writeFileSync(join(photos, `other-${seed}.jpg`), await sceneJpeg(seed, WIDTH, HEIGHT));

  const core = openCore(join(work, 'home'));
  try {
    const summary = await indexFolders(core, [photos]);
    assert.equal(summary.failed, 0);
    assert.equal(summary.added, 40);
    const groups = listDuplicateGroups(core).map((g) => new Set(g.photos.map((p) => p.id)));
    const pictureOf = new Map<number, number>();
    for (const p of pictures) for (const path of p.paths.values()) pictureOf.set(photoIdByPath(core.db, path)!, p.seed);
    for (const g of groups) {
      const seeds = new Set([...g].map((id) => pictureOf.get(id) ?? -id));
      assert.equal(seeds.size, 1, `a group mixes different pictures: ${[...g]}`);
    }
    for (const p of pictures) {
      const ids = [...p.paths].map(([name, path]) => ({ name, id: photoIdByPath(core.db, path)! }));
      const group = groups.find((g) => g.has(ids[0]!.id));
      const missing = ids.filter((x) => !group?.has(x.id)).map((x) => x.name);
      assert.deepEqual(missing, [], `scene ${p.seed}: copies not grouped with the original`);
    }
  } finally {
    closeCore(core);
  }
});
