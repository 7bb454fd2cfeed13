// At start-up the app catches up with what changed on disk while it was closed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LikenessService } from '../../src/main/api/service';
import { closeCore, openCore } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { libraryCounts } from '../../src/main/store/photos';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('catchup');
after(() => tmp.cleanup());

test('a photo added while Likeness was closed is in the library after start-up', async () => {
  const folder = join(tmp.path, 'photos');
  await writePicture(join(folder, 'a.jpg'), 1);
  const home = join(tmp.path, 'home');
  const first = openCore(home);
  assert.equal(new LikenessService(first).work.catchUp(), null, 'nothing to catch up with in an empty library');
  await indexFolders(first, [folder]);
  closeCore(first);

  await writePicture(join(folder, 'added while closed.jpg'), 2);
  const core = openCore(home);
  try {
    const service = new LikenessService(core);
    const job = service.work.catchUp();
    assert.equal(job?.kind, 'scan');
    assert.equal(service.work.catchUp()?.id, job!.id, 'one catch-up scan at a time');
    await service.jobs.idle();
    assert.equal(service.jobs.get(job!.id)?.state, 'done');
    assert.equal(libraryCounts(core.db).photos, 2);
  } finally {
    closeCore(core);
  }
});
