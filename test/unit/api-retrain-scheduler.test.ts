// The overnight retrain driver, with an injected clock and machine state: a retrain is queued only
// inside the window, idle and on mains; a scheduled retrain is stopped when the user comes back.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RetrainScheduler } from '../../src/main/api/retrainScheduler';
import { LikenessService } from '../../src/main/api/service';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('api-retrain');
let core: Core;
let service: LikenessService;
const machine = { idleSeconds: 3600, onBattery: false };
let now = new Date(2026, 10, 27, 2, 30); // 02:30 local: inside the default 01:00–06:00 window

before(async () => {
  for (let i = 0; i < 8; i++) await writePicture(join(tmp.path, 'photos', `p${i}.jpg`), 70 + i);
  core = openCore(join(tmp.path, 'home'));
  await indexFolders(core, [join(tmp.path, 'photos')]);
  service = new LikenessService(core);
});

after(async () => {
  service.jobs.cancelAll();
  await service.jobs.idle();
  closeCore(core);
  tmp.cleanup();
});

const scheduler = () =>
  new RetrainScheduler(service, { idleSeconds: () => machine.idleSeconds, onBattery: () => machine.onBattery }, 60_000, () => now);

test('nothing is queued outside the window, in use, or on battery', async () => {
  const s = scheduler();
  now = new Date(2026, 10, 27, 14, 0);
  assert.equal(await s.tick(), null);
  assert.match(s.last!.reason, /outside the retraining window/);
  now = new Date(2026, 10, 27, 2, 30);
  machine.idleSeconds = 30;
  assert.equal(await s.tick(), null);
  assert.match(s.last!.reason, /in use/);
  machine.idleSeconds = 3600;
  machine.onBattery = true;
  assert.equal(await s.tick(), null);
  assert.match(s.last!.reason, /battery/);
  machine.onBattery = false;
  assert.equal(service.jobs.list().length, 0);
});

test('due: a retrain is queued once, and stopped when the user comes back', async () => {
  const s = scheduler();
  const job = await s.tick();
  assert.ok(job, s.last?.reason);
  assert.equal(job.kind, 'train');
  assert.match(job.message, /^Overnight retraining: /);
  assert.equal(await s.tick(), null, 'not queued twice while it runs');
  while (service.jobs.get(job.id)!.state === 'queued') await new Promise((r) => setTimeout(r, 5));
  machine.idleSeconds = 5; // the user is back
  await s.tick();
  await service.jobs.idle();
  assert.equal(service.jobs.get(job.id)!.state, 'cancelled');
  assert.equal(service.jobs.list().filter((j) => j.kind === 'train').length, 1);
});
