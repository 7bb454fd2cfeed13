// The viewer's image for photos browsers cannot show: a HEIC (HEVC, which sharp's libvips cannot
// decode) and a TIFF are served as an upright JPEG preview at full size up to 2048 px, made once and
// kept in the data directory by content hash, never beside the photos; an unreadable original gives
// a clear error (HTTP 422 with the reason; the viewer asks photoProblem why), and links planted in the data directory are not followed.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { dispatch } from '../../src/main/api/dispatch';
import { startServer, type RunningServer } from '../../src/main/api/http';
import { MediaUnavailableError, resolveMedia } from '../../src/main/api/media';
import { LikenessService } from '../../src/main/api/service';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { PREVIEW_LONG_SIDE } from '../../src/main/library/preview';
import { indexFolders } from '../../src/main/library/scan';
import { contentHashOf, photoIdByPath } from '../../src/main/store/photos';
import { MEDIUM_HEIC_SEED, MEDIUM_HEIC_SIZE, mediumHeic } from '../helpers/heic';
import { picture, pictureRgb, tempDir } from '../helpers/images';

const tmp = tempDir('media-preview');
const photos = join(tmp.path, 'photos');
let core: Core;
let server: RunningServer;
const BROKEN_DATE = 1_700_000_000;
const id = (name: string) => photoIdByPath(core.db, join(photos, name))!;

before(async () => {
  mkdirSync(photos, { recursive: true });
  writeFileSync(join(photos, 'phone.heic'), mediumHeic());
  // A tall scan stored on its side: EXIF orientation 6 shows it 1000×3000.
  await picture(5, 3000, 1000).tiff({ compression: 'lzw' }).withMetadata({ orientation: 6 }).toFile(join(photos, 'scan.tif'));
  await picture(6, 800, 600).tiff().toFile(join(photos, 'broken.tif'));
  // A whole second, so that the test below can put the same date back exactly (utimes takes float
  // seconds: a millisecond date can come back a nanosecond short, and then the file has 'changed').
  utimesSync(join(photos, 'broken.tif'), BROKEN_DATE, BROKEN_DATE);
  await picture(7, 800, 600).tiff().toFile(join(photos, 'linked.tif'));
  await picture(8, 800, 600).tiff().toFile(join(photos, 'escape.tif'));
  core = openCore(join(tmp.path, 'home'));
  const summary = await indexFolders(core, [photos]);
  assert.equal(summary.failed, 0);
  server = await startServer({ service: new LikenessService(core), core });
});

after(async () => {
  await server?.close();
  closeCore(core);
  tmp.cleanup();
});

async function body(id: number): Promise<{ type: string; bytes: Buffer }> {
  const media = await resolveMedia(core, { kind: 'photo', id });
  assert.ok(media);
  const chunks: Buffer[] = [];
  for await (const chunk of media.stream()) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  assert.equal(media.size, bytes.length);
  return { type: media.contentType, bytes };
}

function get(path: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, path, headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('a HEIC is shown at its own size as a JPEG made once and kept by content hash', async () => {
  const photoId = id('phone.heic');
  const preview = core.dataDir.previewPath(contentHashOf(core.db, photoId)!);
  assert.ok(!existsSync(preview), 'made on demand, not at indexing');
  const first = await body(photoId);
  assert.equal(first.type, 'image/jpeg');
  const { data, info } = await sharp(first.bytes).raw().toBuffer({ resolveWithObject: true });
  // Full size (512×384), not the 256 px thumbnail the viewer showed before.
  assert.deepEqual({ width: info.width, height: info.height }, MEDIUM_HEIC_SIZE);
  // The decoded pixels are the picture that was encoded (HEVC at q50, then JPEG: lossy, close).
  const expected = pictureRgb(MEDIUM_HEIC_SEED, MEDIUM_HEIC_SIZE.width, MEDIUM_HEIC_SIZE.height);
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff += Math.abs(expected[i]! - data[i]!);
  assert.ok(diff / expected.length < 12, `mean difference ${diff / expected.length}`);
  // Kept in the data directory; the second view reads that file, not the original.
  assert.ok(existsSync(preview));
  const made = statSync(preview);
  const second = await body(photoId);
  assert.deepEqual(second.bytes, first.bytes);
  assert.equal(statSync(preview).mtimeMs, made.mtimeMs);
  assert.equal(statSync(preview).ino, made.ino);
  // Over HTTP too (the same resolver serves likeness://photo/<id> in the desktop app).
  const http = await get(`/photo/${photoId}`);
  assert.equal(http.status, 200);
  assert.equal(http.type, 'image/jpeg');
  assert.deepEqual(http.body, first.bytes);
});

test('a TIFF is shown upright, long side 2048', async () => {
  const { type, bytes } = await body(id('scan.tif'));
  assert.equal(type, 'image/jpeg');
  const meta = await sharp(bytes).metadata();
  assert.equal(meta.height, PREVIEW_LONG_SIDE);
  assert.equal(meta.width, Math.round((PREVIEW_LONG_SIDE * 1000) / 3000));
  assert.equal(meta.orientation ?? 1, 1, 'the pixels are upright; no orientation tag is left to apply');
});

test('nothing is written beside the photos', () => {
  assert.deepEqual(readdirSync(photos).sort(), ['broken.tif', 'escape.tif', 'linked.tif', 'phone.heic', 'scan.tif']);
});

test('an unreadable original gives a clear error, over HTTP a 422 with the reason', async () => {
  const photoId = id('broken.tif');
  // Damaged in place since it was indexed (same size and date: a file that changed is not shown at all).
  const broken = join(photos, 'broken.tif');
  const before = statSync(broken);
  writeFileSync(broken, Buffer.alloc(before.size, 'this is no longer an image '));
  utimesSync(broken, BROKEN_DATE, BROKEN_DATE);
  await assert.rejects(resolveMedia(core, { kind: 'photo', id: photoId }), (error: Error) => {
    assert.ok(error instanceof MediaUnavailableError);
    assert.match(error.message, /cannot show .*broken\.tif: not a readable image/);
    return true;
  });
  const http = await get(`/photo/${photoId}`);
  assert.equal(http.status, 422);
  assert.match(JSON.parse(http.body.toString()).error.message, /broken\.tif: not a readable image/);
  assert.ok(!existsSync(core.dataDir.previewPath(contentHashOf(core.db, photoId)!)));
});

test('the viewer is told why a photo cannot be shown: damaged, gone, or nothing wrong', async () => {
  const service = new LikenessService(core);
  const ask = async (photoId: number) => {
    const outcome = await dispatch(service, 'photoProblem', { id: photoId });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    return (outcome.result as { problem: string | null }).problem;
  };
  assert.equal(await ask(id('phone.heic')), null);
  // Damaged since it was indexed (the test above).
  assert.match((await ask(id('broken.tif'))) ?? '', /cannot show .*broken\.tif: not a readable image/);
  const original = join(photos, 'phone.heic');
  const moved = join(tmp.path, 'phone-moved.heic');
  renameSync(original, moved);
  try {
    assert.match((await ask(id('phone.heic'))) ?? '', /phone\.heic is not there any more: moved, renamed or deleted/);
  } finally {
    renameSync(moved, original);
  }
  const unknown = await dispatch(service, 'photoProblem', { id: 999_999 });
  assert.ok(!unknown.ok && unknown.error.code === 'not-found');
});

test('links planted in the data directory are replaced or refused, never followed', async () => {
  const secret = join(tmp.path, 'secret.txt');
  writeFileSync(secret, 'TOP-SECRET');
  // A link at the preview's own path: replaced by the real preview; the secret is neither served nor overwritten.
  const linked = core.dataDir.previewPath(contentHashOf(core.db, id('linked.tif'))!);
  mkdirSync(dirname(linked), { recursive: true });
  symlinkSync(secret, linked);
  const served = await body(id('linked.tif'));
  assert.equal(served.type, 'image/jpeg');
  assert.equal(served.bytes[0], 0xff);
  assert.equal(readFileSync(secret, 'utf8'), 'TOP-SECRET');
  // A previews sub-folder that is a link out of the data directory: refused, nothing written there.
  const escape = core.dataDir.previewPath(contentHashOf(core.db, id('escape.tif'))!);
  const outside = join(tmp.path, 'outside');
  mkdirSync(outside);
  rmSync(dirname(escape), { recursive: true, force: true });
  symlinkSync(outside, dirname(escape));
  await assert.rejects(resolveMedia(core, { kind: 'photo', id: id('escape.tif') }), MediaUnavailableError);
  assert.deepEqual(readdirSync(outside), []);
});

test('when a photo changes or goes, its old preview and thumbnail go too', async () => {
  const photoId = id('scan.tif');
  const hash = contentHashOf(core.db, photoId)!;
  await body(photoId);
  assert.ok(existsSync(core.dataDir.previewPath(hash)) && existsSync(core.dataDir.thumbnailPath(hash)));
  await picture(9, 900, 700).tiff().toFile(join(photos, 'scan.tif')); // edited in place: new content
  await indexFolders(core, [photos]);
  assert.notEqual(contentHashOf(core.db, id('scan.tif')), hash);
  assert.ok(!existsSync(core.dataDir.previewPath(hash)), 'the old preview is deleted');
  assert.ok(!existsSync(core.dataDir.thumbnailPath(hash)), 'the old thumbnail is deleted');
});
