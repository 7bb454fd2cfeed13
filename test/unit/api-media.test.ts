// The id-only media addressing shared by the HTTP server and Electron's likeness:// protocol handler:
// only /thumb/<id> and /photo/<id> with a plain positive id parse, and unknown ids resolve to nothing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseMediaPath, parseMediaUrl, resolveMedia } from '../../src/main/api/media';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('api-media');
let core: Core;

before(async () => {
  await writePicture(join(tmp.path, 'photos', 'one.jpg'), 3);
  await writePicture(join(tmp.path, 'photos', 'two.tiff'), 4, 'tiff');
  core = openCore(join(tmp.path, 'home'));
  await indexFolders(core, [join(tmp.path, 'photos')]);
});

after(() => {
  closeCore(core);
  tmp.cleanup();
});

test('protocol URLs: only likeness://thumb/<id> and likeness://photo/<id>', () => {
  assert.deepEqual(parseMediaUrl('likeness://thumb/12'), { kind: 'thumb', id: 12 });
  assert.deepEqual(parseMediaUrl('likeness://photo/7'), { kind: 'photo', id: 7 });
  for (const url of [
    'likeness://thumb/0',
    'likeness://thumb/-3',
    'likeness://thumb/012',
    'likeness://thumb/1.0',
    'likeness://thumb/12/',
    'likeness://thumb/12?x=1',
    'likeness://thumb/12#frag',
    'likeness://thumb/../../etc/passwd',
    'likeness://thumb/..%2f..%2fetc%2fpasswd',
    'likeness://thumb/%2e%2e/secret',
    'likeness://photo//etc/passwd',
    'likeness://photo/1/../../x',
    'likeness://file/etc/passwd',
    'likeness:///etc/passwd',
    'likeness://user:pw@thumb/1',
    'likeness://thumb:80/1',
    'likeness://thumb/99999999999999999999',
    'file:///etc/passwd',
    'http://thumb/1',
    'not a url',
  ]) {
    assert.equal(parseMediaUrl(url), null, url);
  }
  assert.deepEqual(parseMediaPath('/photo/3'), { kind: 'photo', id: 3 });
  assert.equal(parseMediaPath('/photo/3/'), null);
  assert.equal(parseMediaPath('/photo/%33'), null);
});

test('resolving: existing ids give image bytes, ids that do not exist give null', async () => {
  const thumb = await resolveMedia(core, { kind: 'thumb', id: 1 });
  assert.equal(thumb?.contentType, 'image/webp');
  const jpeg = await resolveMedia(core, { kind: 'photo', id: 1 });
  assert.equal(jpeg?.contentType, 'image/jpeg');
  // A TIFF is not displayable in a browser: it is rendered to JPEG.
  const tiff = await resolveMedia(core, { kind: 'photo', id: 2 });
  assert.equal(tiff?.contentType, 'image/jpeg');
  const bytes = await new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    tiff!
      .stream()
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve(Buffer.concat(chunks)));
  });
  assert.equal(bytes[0], 0xff);
  assert.equal(bytes[1], 0xd8);
  for (const id of [3, 999, 2 ** 40]) {
    assert.equal(await resolveMedia(core, { kind: 'thumb', id }), null);
    assert.equal(await resolveMedia(core, { kind: 'photo', id }), null);
  }
});
