// Nested library folders: a folder inside a library folder is already covered; a folder that
// contains library folders takes them over, keeping their photos' ids.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { closeCore, openCore } from '../../src/main/core';
import { removeFolder } from '../../src/main/library/folders';
import { addFolder, FolderError, indexFolders } from '../../src/main/library/scan';
import { libraryCounts, listFolders, photoIdByPath } from '../../src/main/store/photos';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('folders');
after(() => tmp.cleanup());

test('nested folders merge into one library folder; removing it forgets photos but not files', async () => {
  const root = join(tmp.path, 'Pictures');
  const child = join(root, '2024', 'summer');
  await writePicture(join(child, 'beach.jpg'), 1);
  await writePicture(join(root, 'cat.jpg'), 2);
  const core = openCore(join(tmp.path, 'data'));
  try {
    await indexFolders(core, [child]);
    const beach = photoIdByPath(core.db, join(child, 'beach.jpg'));
    const summary = await indexFolders(core, [root]);
    assert.equal(summary.added, 1, 'only the new photo is added');
    assert.deepEqual(
      listFolders(core.db).map((f) => [f.path, f.photoCount]),
      [[root, 2]],
    );
    assert.equal(photoIdByPath(core.db, join(child, 'beach.jpg')), beach, 'the merged folder keeps its photos');

    assert.equal((await addFolder(core, join(root, '2024'))).path, root, 'a sub-folder is already covered');
    await assert.rejects(addFolder(core, join(root, 'cat.jpg')), FolderError);
    await assert.rejects(addFolder(core, core.dataDir.root), /Likeness's own data folder/);

    const forgotten = await removeFolder(core, listFolders(core.db)[0].id);
    assert.equal(forgotten, 2);
    assert.equal(libraryCounts(core.db).photos, 0);
    assert.ok((await import('node:fs')).existsSync(join(child, 'beach.jpg')), 'files on disk are untouched');
  } finally {
    closeCore(core);
  }
});
