// Model inputs of another size, made later from the originals; and inputs for images outside the library.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { closeCore, openCore } from '../../src/main/core';
import { ensureModelInputs, modelInputFromFile } from '../../src/main/library/modelInput';
import { indexFolders } from '../../src/main/library/scan';
import { countModelInputs, readModelInputs } from '../../src/main/store/modelInputs';
import { photoIdByPath } from '../../src/main/store/photos';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('inputs');
after(() => tmp.cleanup());

test('inputs of a new size are made for every photo, once, matching a direct decode', async () => {
  const core = openCore(join(tmp.path, 'data'));
  try {
    const folder = join(tmp.path, 'photos');
    for (let i = 0; i < 3; i++) await writePicture(join(folder, `p${i}.png`), i);
    await indexFolders(core, [folder]);
    assert.equal(countModelInputs(core.db, 32), 0);
    const progress: number[] = [];
    const first = await ensureModelInputs(core, 32, { onProgress: (p) => progress.push(p.done) });
    assert.deepEqual(first, { made: 3, failed: 0 });
    assert.equal(progress.at(-1), 3);
    assert.deepEqual(await ensureModelInputs(core, 32), { made: 0, failed: 0 });

    const path = join(folder, 'p1.png');
    const stored = readModelInputs(core.db, 32, [photoIdByPath(core.db, path)!])
      .values()
      .next().value!;
    assert.deepEqual(stored, await modelInputFromFile(path, 32));
    assert.equal(stored.length, 32 * 32 * 3);
  } finally {
    closeCore(core);
  }
});
