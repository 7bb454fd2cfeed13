// The photos a model trains on come in an order set by the photos themselves: two libraries that
// took in the same photos in different orders (so with different ids) list them alike.
import assert from 'node:assert/strict';
import { sep } from 'node:path';
import { test } from 'node:test';
import { closeCore, openCore } from '../../src/main/core';
import { insertFolder, insertPhoto } from '../../src/main/store/library';
import { photoIdsWithInputs } from '../../src/main/store/modelInputs';
import { contentHashOf } from '../../src/main/store/photos';
import { barePhoto } from '../helpers/library';
import { tempDir } from '../helpers/images';

test('two libraries with the same photos, taken in in opposite orders, train on them in the same order', (t) => {
  const tmp = tempDir('model-inputs-order');
  t.after(() => tmp.cleanup());
  const hashes = ['9f', '03', 'c4', '5a', 'e1', '27'];
  const orders: string[][] = [];
  for (const [name, order] of [
    ['forward', hashes],
    ['backward', [...hashes].reverse()],
  ] as const) {
    const core = openCore(`${tmp.path}${sep}${name}`);
    try {
      const folder = insertFolder(core.db, `${tmp.path}${sep}photos`, sep);
      for (const hash of order) {
        const inputs = [{ size: 16, rgb: new Uint8Array(16 * 16 * 3) }];
        insertPhoto(core.db, barePhoto(hash, { modelInputs: inputs }), {
          path: `${tmp.path}${sep}photos${sep}${hash}.jpg`,
          folderId: folder.id,
          bytes: 1000,
          mtimeMs: 0,
        });
      }
      orders.push(photoIdsWithInputs(core.db, 16).map((id) => contentHashOf(core.db, id)!));
      assert.deepEqual(photoIdsWithInputs(core.db, 32), [], 'no inputs of another size');
    } finally {
      closeCore(core);
    }
  }
  assert.deepEqual(orders[0], orders[1]);
  assert.equal(orders[0]!.length, hashes.length);
});
