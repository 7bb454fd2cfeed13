// The service behind the contract, through dispatch (what both transports call): validation,
// errors as ApiErrors, adding a folder queues an indexing job whose progress and results arrive as
// events, removing a folder waits for indexing and never touches the files.
import assert from 'node:assert/strict';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ApiEvent, Job } from '../../src/shared/api';
import { dispatch } from '../../src/main/api/dispatch';
import { LikenessService } from '../../src/main/api/service';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('api-service');
let core: Core;
let service: LikenessService;
const events: ApiEvent[] = [];
const photos = join(tmp.path, 'photos');

before(async () => {
  for (let i = 0; i < 6; i++) await writePicture(join(photos, `p${i}.jpg`), 40 + i);
  core = openCore(join(tmp.path, 'home'));
  service = new LikenessService(core);
  service.events.subscribe((e) => events.push(e));
});

after(() => {
  closeCore(core);
  tmp.cleanup();
});

const call = (method: unknown, payload: unknown) => dispatch(service, method, payload);

async function until(check: () => boolean, what: string): Promise<void> {
  // Not a time limit on the product: the loop just stops waiting eventually so that a missing event fails.
  for (let i = 0; i < 600 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), what);
}

test('requests are validated; failures come back as ApiErrors, never thrown', async () => {
  assert.deepEqual((await call('nope', {})).ok, false);
  const bad = await call('listPhotos', { limit: 0 });
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.error.code, 'invalid-request');
  const missing = await call('getPhoto', { id: 12345 });
  assert.equal(!missing.ok && missing.error.code, 'not-found');
  const notFolder = await call('addFolder', { path: join(photos, 'p0.jpg') });
  assert.equal(!notFolder.ok && notFolder.error.code, 'invalid-request');
  assert.match(!notFolder.ok ? notFolder.error.message : '', /not a folder/);
  const noJob = await call('cancelJob', { id: 999 });
  assert.equal(!noJob.ok && noJob.error.code, 'not-found');
  const status = await call('status', {});
  assert.ok(status.ok);
  assert.equal(status.ok && (status.result as { photos: number }).photos, 0);
});

test('adding a folder queues indexing; progress and the new photos arrive as events', async () => {
  const added = await call('addFolder', { path: photos });
  assert.ok(added.ok);
  const { folder, job } = added.result as { folder: { id: number; path: string }; job: Job };
  assert.equal(folder.path, photos);
  assert.equal(job.kind, 'scan');

  // Removing the folder while it is being indexed is refused, plainly.
  const early = await call('removeFolder', { id: folder.id });
  assert.equal(!early.ok && early.error.code, 'unavailable');

  await service.jobs.idle();
  const jobEvents = events.filter((e): e is Extract<ApiEvent, { type: 'job' }> => e.type === 'job' && e.job.id === job.id);
  assert.deepEqual([...new Set(jobEvents.map((e) => e.job.state))], ['queued', 'running', 'done']);
  assert.ok(
    jobEvents.some((e) => e.job.state === 'running' && e.job.total === 6),
    'progress with a total',
  );
  assert.match(jobEvents.at(-1)!.job.message, /6 added/);
  assert.ok(events.some((e) => e.type === 'library-changed'));

  const listed = await call('listPhotos', { sort: 'name', order: 'asc' });
  assert.ok(listed.ok);
  const { total, photos: list } = listed.result as { total: number; photos: { id: number; name: string }[] };
  assert.equal(total, 6);
  assert.deepEqual(
    list.map((p) => p.name),
    ['p0.jpg', 'p1.jpg', 'p2.jpg', 'p3.jpg', 'p4.jpg', 'p5.jpg'],
  );

  // Before there is a model, Find similar answers with quick matches from the pixels, and says so.
  const similar = await call('findSimilar', { id: list[0].id });
  assert.ok(similar.ok, JSON.stringify(similar));
  const found = similar.result as { photo: { id: number }; signal: string }[];
  assert.equal(found.length, 5);
  assert.ok(found.every((r) => r.signal === 'pixels' && r.photo.id !== list[0].id));
  const clusters = await call('listClusters', {});
  assert.deepEqual(clusters.ok && clusters.result, []);

  const removed = await call('removeFolder', { id: folder.id });
  assert.ok(removed.ok, JSON.stringify(removed));
  const after = await call('listPhotos', {});
  assert.equal(after.ok && (after.result as { total: number }).total, 0);
  assert.ok(existsSync(join(photos, 'p0.jpg')), 'the photos themselves are untouched');
});

test('while watching, a photo copied into a library folder appears without a rescan', async () => {
  const added = await call('addFolder', { path: photos });
  assert.ok(added.ok);
  await service.jobs.idle();
  await service.work.startWatching();
  const changed = events.length;
  await writePicture(join(photos, 'new-arrival.jpg'), 99);
  while (!events.slice(changed).some((e) => e.type === 'library-changed')) await new Promise((r) => setTimeout(r, 50));
  await service.work.watcherIdle();
  const listed = await call('listPhotos', { sort: 'name', order: 'asc' });
  assert.ok(listed.ok);
  assert.ok((listed.result as { photos: { name: string }[] }).photos.some((p) => p.name === 'new-arrival.jpg'));
  await service.work.stopWatching();
});

test('while watching, a card copied into a library folder is read by a job that shows progress', async () => {
  await service.work.startWatching();
  const card = join(tmp.path, 'card', 'DCIM');
  for (let i = 0; i < 24; i++) await writePicture(join(card, `IMG_${i}.jpg`), 200 + i);
  await new Promise((r) => setTimeout(r, 1000)); // the copy is complete before it arrives
  const seen = events.length;
  renameSync(card, join(photos, 'DCIM'));
  const jobEvents = () => events.slice(seen).flatMap((e) => (e.type === 'job' ? [e.job] : []));
  const started = () => jobEvents().find((j) => j.message === 'Updating the library with 24 changes in your folders');
  await until(() => started() !== undefined, 'a job reads the batch');
  const { id, kind } = started()!;
  assert.equal(kind, 'scan');
  const ofJob = () => jobEvents().filter((j) => j.id === id);
  await until(() => ofJob().some((j) => j.state === 'done'), 'the job ends');
  assert.ok(
    ofJob().some((j) => j.state === 'running' && j.total === 24),
    'the job says how many files it reads',
  );
  assert.equal(ofJob().at(-1)!.message, 'Library updated: 24 added');
  const listed = await call('listPhotos', { limit: 1000 });
  assert.ok(listed.ok);
  const names = (listed.result as { photos: { name: string }[] }).photos.map((p) => p.name);
  assert.equal(names.filter((n) => n.startsWith('IMG_')).length, 24);
  await service.work.stopWatching();
});
