// Crashes at any moment: SIGKILL the CLI at random points of `likeness index`, start it again,
// and the library must be whole — integrity ok, nothing lost or duplicated, every photo complete.
// LIKENESS_KILLS sets the number of kills (default 6 here; 20+ for a full run).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { closeCore, openCore } from '../../src/main/core';
import { thumbnailFile } from '../../src/main/library/thumbnails';
import { readModelInputs } from '../../src/main/store/modelInputs';
import { libraryCounts, listPhotos, photoIdByPath } from '../../src/main/store/photos';
import { tempDir, writePicture } from '../helpers/images';

const bin = new URL('../../bin/likeness.mjs', import.meta.url).pathname;
const tmp = tempDir('crash');
after(() => tmp.cleanup());

function runIndex(home: string, folder: string, killAfterMs: number | null): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'index', folder, '--json'], { env: { ...process.env, LIKENESS_HOME: home }, stdio: 'ignore' });
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

test('index survives SIGKILL at random moments and completes with a whole library', async () => {
  const folder = join(tmp.path, 'photos');
  const home = join(tmp.path, 'home');
  const kills = Number(process.env.LIKENESS_KILLS ?? 6);
  let killed = 0;
  let random = 12345;
  let seed = 0;
  const onDisk = new Set<string>();
  for (let k = 0; k < kills; k++) {
    // Each round brings new photos, renames one and deletes one, so every run has real work to interrupt.
    for (let i = 0; i < 40; i++) {
      const path = join(folder, `round${k}`, `p${seed}.jpg`);
      await writePicture(path, seed++, 'jpeg', 640, 480);
      onDisk.add(path);
    }
    if (k > 0) {
      const [first, second] = [...onDisk];
      const renamed = join(folder, `renamed-${k}.jpg`);
      renameSync(first, renamed);
      onDisk.delete(first);
      onDisk.add(renamed);
      unlinkSync(second);
      onDisk.delete(second);
    }
    random = (random * 1103515245 + 12345) & 0x7fffffff;
    // Start-up (tsx, SQLite) takes a few hundred ms; the kills land from start-up to the end of the scan.
    const delay = 200 + (random % 700);
    const outcome = await runIndex(home, folder, delay);
    if (outcome.signal === 'SIGKILL') killed++;
  }
  const final = await runIndex(home, folder, null);
  assert.equal(final.code, 0);

  const core = openCore(home);
  try {
    assert.equal(core.db.pragma('integrity_check', { simple: true }), 'ok');
    const counts = libraryCounts(core.db);
    assert.equal(counts.photos, onDisk.size);
    assert.equal(counts.files, onDisk.size);
    assert.equal(counts.problems, 0);
    for (const path of onDisk) assert.notEqual(photoIdByPath(core.db, path), undefined, path);
    const { photos } = listPhotos(core.db, { offset: 0, limit: 1000, sort: 'added', order: 'asc' });
    const inputs = readModelInputs(core.db, 64, photos.map((p) => p.id));
    for (const p of photos) {
      assert.equal(inputs.get(p.id)?.length, 64 * 64 * 3);
      assert.ok(existsSync(thumbnailFile(core, p.id)!));
    }
  } finally {
    closeCore(core);
  }
  assert.ok(killed >= Math.ceil(kills / 2), `most runs were killed mid-way (${killed}/${kills})`);
  console.log(`# ${killed} of ${kills} index runs killed with SIGKILL; library whole afterwards`);
});
