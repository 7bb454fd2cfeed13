// The file behind Open and Show in Folder in the desktop app: the service finds a path of the photo
// that exists now (the Electron shell only wires it to IPC), and says plainly when there is none.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ServiceError } from '../../src/main/api/errors';
import { LikenessService } from '../../src/main/api/service';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { listPhotos } from '../../src/main/store/photos';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('api-photo-file');
const photos = join(tmp.path, 'photos');
let core: Core;

before(async () => {
  await writePicture(join(photos, 'a.jpg'), 301);
  core = openCore(join(tmp.path, 'home'));
  await indexFolders(core, [photos]);
});

after(() => {
  closeCore(core);
  tmp.cleanup();
});

test('a photo’s reachable file, or not-found saying why', () => {
  const service = new LikenessService(core);
  const [photo] = listPhotos(core.db, { sort: 'name', order: 'asc', offset: 0, limit: 10 }).photos;
  assert.equal(service.photoFile(photo!.id), join(photos, 'a.jpg'));
  const notFound = (id: number) => (error: unknown) =>
    error instanceof ServiceError && error.code === 'not-found' && error.message === `photo ${id} has no reachable file`;
  assert.throws(() => service.photoFile(99999), notFound(99999));
  rmSync(join(photos, 'a.jpg'));
  assert.throws(() => service.photoFile(photo!.id), notFound(photo!.id));
});
