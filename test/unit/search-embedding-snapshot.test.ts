// A new process reads the active model's embeddings from one snapshot file named by their change
// generation; after any change the snapshot is not used, and a damaged one is ignored.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { closeCore, openCore } from '../../src/main/core';
import { readSnapshot } from '../../src/main/search/embeddingSnapshot';
import { findSimilar } from '../../src/main/search/service';
import { changeGeneration, embeddingsCounter } from '../../src/main/store/changeCounters';
import { writeEmbeddings } from '../../src/main/store/embeddings';
import { insertFolder, insertPhoto } from '../../src/main/store/library';
import { tempDir } from '../helpers/images';
import { activeTestModel, barePhoto } from '../helpers/library';

const tmp = tempDir('embedding-snapshot');
after(() => tmp.cleanup());

test('find similar in a new process comes from the snapshot, never from a stale one', () => {
  const home = join(tmp.path, 'home');
  let core = openCore(home);
  const folder = insertFolder(core.db, join(tmp.path, 'photos'), '/');
  const ids = [0, 1, 2, 3].map((i) =>
    insertPhoto(core.db, barePhoto(String(i).repeat(64)), {
      path: join(tmp.path, 'photos', `${i}.jpg`),
      folderId: folder.id,
      bytes: 1000,
      mtimeMs: 0,
    }),
  );
  const model = activeTestModel(core, 2);
  const unit = (a: number) => new Float32Array([Math.cos(a), Math.sin(a)]);
  writeEmbeddings(
    core.db,
    model,
    ids.map((photoId, i) => ({ photoId, vector: unit(i * 0.3) })),
  );
  assert.deepEqual(
    findSimilar(core, ids[0]!, 1).map((r) => r.photoId),
    [ids[1]],
  );
  const generation = changeGeneration(core.db, embeddingsCounter(model));
  assert.deepEqual(readSnapshot(core, model, generation)?.photoIds, ids, 'the first search wrote the snapshot');
  closeCore(core);

  // Another process: the same answer, from the snapshot.
  core = openCore(home);
  assert.deepEqual(
    findSimilar(core, ids[0]!, 1).map((r) => r.photoId),
    [ids[1]],
  );
  // The embeddings change: photo 3 moves next to photo 0. The old snapshot is not read.
  writeEmbeddings(core.db, model, [{ photoId: ids[3]!, vector: unit(0.01) }]);
  closeCore(core);
  core = openCore(home);
  assert.deepEqual(
    findSimilar(core, ids[0]!, 1).map((r) => r.photoId),
    [ids[3]],
  );
  const files = readdirSync(core.dataDir.modelDir(model)).filter((n) => n.startsWith('embeddings-'));
  assert.equal(files.length, 1, `one snapshot is kept: ${files.join(', ')}`);
  // A damaged snapshot is ignored.
  writeFileSync(join(core.dataDir.modelDir(model), files[0]!), 'not a snapshot');
  closeCore(core);
  core = openCore(home);
  assert.deepEqual(
    findSimilar(core, ids[0]!, 1).map((r) => r.photoId),
    [ids[3]],
  );
  closeCore(core);
});
