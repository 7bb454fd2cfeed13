// Which photos are shown depends on stacks (a RAW behind its JPEG is not), so replacing the stacks
// with different ones counts as a change of the photos: what was computed from the shown photos
// (Find similar's copies file, duplicate groups) is not reused. The same stacks again change nothing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { closeCore, openCore } from '../../src/main/core';
import { changeGeneration, photosCounter } from '../../src/main/store/changeCounters';
import { insertFolder, insertPhoto } from '../../src/main/store/library';
import { replaceStacksAndBursts } from '../../src/main/store/stacks';
import { shownDifferenceHashes } from '../../src/main/store/photos';
import { tempDir } from '../helpers/images';
import { barePhoto } from '../helpers/library';

const tmp = tempDir('stacks-generation');
after(() => tmp.cleanup());

test('new stacks count as a change of the shown photos; the same stacks do not', () => {
  const core = openCore(join(tmp.path, 'home'));
  try {
    const folder = insertFolder(core.db, join(tmp.path, 'photos'), '/');
    const [jpeg, raw] = [0, 1].map((i) =>
      insertPhoto(core.db, barePhoto(String(i).repeat(64), { dhash: Buffer.alloc(8, i) }), {
        path: join(tmp.path, 'photos', `${i}.jpg`),
        folderId: folder.id,
        bytes: 1000,
        mtimeMs: 0,
      }),
    ) as [number, number];
    const before = changeGeneration(core.db, photosCounter);
    replaceStacksAndBursts(core.db, [], []);
    assert.equal(changeGeneration(core.db, photosCounter), before, 'no stacks before or after');
    replaceStacksAndBursts(
      core.db,
      [
        { photoId: jpeg, faceId: jpeg },
        { photoId: raw, faceId: jpeg },
      ],
      [],
    );
    const stacked = changeGeneration(core.db, photosCounter);
    assert.ok(stacked > before, 'a new stack');
    assert.deepEqual(shownDifferenceHashes(core.db).photoIds, [jpeg]);
    replaceStacksAndBursts(
      core.db,
      [
        { photoId: jpeg, faceId: jpeg },
        { photoId: raw, faceId: jpeg },
      ],
      [],
    );
    assert.equal(changeGeneration(core.db, photosCounter), stacked, 'the same stack again');
    replaceStacksAndBursts(core.db, [], []);
    assert.ok(changeGeneration(core.db, photosCounter) > stacked, 'the stack came apart');
  } finally {
    closeCore(core);
  }
});
