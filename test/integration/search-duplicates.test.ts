import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { closeCore, openCore } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { listDuplicateGroups } from '../../src/main/search/service';
import { writeVariants } from '../../src/main/search/variants';
import { photoIdByPath } from '../../src/main/store/photos';
import { writePicture } from '../helpers/search-fixtures';

const work = mkdtempSync(join(tmpdir(), 'likeness-search-dup-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('near-duplicate groups on generated pictures: variants of one picture group together, different pictures do not', async () => {
  const photos = join(work, 'photos');
  const sources = join(work, 'sources');
  mkdirSync(photos, { recursive: true });
  mkdirSync(sources, { recursive: true });
  const expected: number[][] = [];
  const core = openCore(join(work, 'home'));
  try {
    const variantPaths: string[][] = [];
    for (let seed = 1; seed <= 3; seed++) {
      const source = join(sources, `picture-${seed}.jpg`);
      await writePicture(source, seed, 400, 300);
      variantPaths.push([...(await writeVariants(source, join(photos, `group-${seed}`), `picture-${seed}`)).values()]);
    }
    for (let seed = 10; seed < 16; seed++) await writePicture(join(photos, `single-${seed}.jpg`), seed);
    const summary = await indexFolders(core, [photos]);
    assert.equal(summary.failed, 0);
    for (const paths of variantPaths) expected.push(paths.map((p) => photoIdByPath(core.db, p)!).sort((a, b) => a - b));

    // No model has been trained: the perceptual hash alone decides.
    const groups = listDuplicateGroups(core);
    const found = groups.map((g) => g.photos.map((p) => p.id).sort((a, b) => a - b));
    for (const group of found) {
      assert.ok(
        expected.some((e) => group.every((id) => e.includes(id))),
        `group ${group} mixes different pictures`,
      );
    }
    for (const e of expected) {
      const best = Math.max(...found.map((g) => g.filter((id) => e.includes(id)).length));
      assert.ok(best >= e.length - 1, `the variants of one picture are found together (${best} of ${e.length})`);
    }
    for (const g of groups) {
      const keeper = g.photos.find((p) => p.id === g.keeperId)!;
      assert.ok(
        g.photos.every((p) => p.width * p.height <= keeper.width * keeper.height),
        'the keeper has the largest resolution',
      );
    }
    // Stored and reused while nothing changes.
    assert.deepEqual(listDuplicateGroups(core), groups);
  } finally {
    closeCore(core);
  }
});
