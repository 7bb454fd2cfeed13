// Crashes at any moment: SIGKILL the CLI at random points of `likeness index`, start it again,
// and the library must be whole — integrity ok, nothing lost or duplicated, every photo complete.
// LIKENESS_KILLS sets the number of kills (default 6 here; 20+ for a full run). Kills are timed from
// the start of the scan, and each round reports whether it visibly landed mid-scan.
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

/**
 * Runs `likeness index`; with `killAfterMs`, SIGKILLs it that long after it says the scan has begun
 * ("looking for photos": start-up — tsx, SQLite — takes a second or more, and a kill there tests nothing).
 */
function runIndex(
  home: string,
  folder: string,
  killAfterMs: number | null,
): Promise<{ code: number | null; signal: string | null; inScan: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'index', folder, '--json'], {
      env: { ...process.env, LIKENESS_HOME: home },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let timer: NodeJS.Timeout | null = null;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (killAfterMs !== null && timer === null && /looking for photos/.test(stderr)) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, inScan: timer !== null });
    });
  });
}

function storedPhotos(home: string): number {
  if (!existsSync(join(home, 'library.sqlite'))) return 0;
  const core = openCore(home);
  try {
    return libraryCounts(core.db).photos;
  } finally {
    closeCore(core);
  }
}

test('index survives SIGKILL at random moments and completes with a whole library', async () => {
  const folder = join(tmp.path, 'photos');
  const home = join(tmp.path, 'home');
  const kills = Number(process.env.LIKENESS_KILLS ?? 6);
  let killed = 0;
  let killedMidScan = 0;
  let random = 12345;
  let seed = 0;
  const onDisk = new Set<string>();
  // Rounds until `kills` runs were killed in their scan (a run that finishes first does not count).
  let rounds = 0;
  for (let k = 0; killed < kills && k < 3 * kills; k++) {
    rounds++;
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
    // From the start of the scan to about its end (40 photos take a second or two).
    const delay = random % 1000;
    const storedBefore = storedPhotos(home);
    const outcome = await runIndex(home, folder, delay);
    if (outcome.signal === 'SIGKILL' && outcome.inScan) {
      killed++;
      // Where did it land? After some of this round's photos were stored but before all were: mid-scan.
      const stored = storedPhotos(home);
      if (stored > storedBefore && stored < onDisk.size) killedMidScan++;
    }
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
    const inputs = readModelInputs(
      core.db,
      64,
      photos.map((p) => p.id),
    );
    for (const p of photos) {
      assert.equal(inputs.get(p.id)?.length, 64 * 64 * 3);
      assert.ok(existsSync(thumbnailFile(core, p.id)!));
    }
  } finally {
    closeCore(core);
  }
  assert.equal(killed, kills, `runs killed in their scan (${killed} in ${rounds} rounds)`);
  assert.ok(killedMidScan >= 1, 'at least one kill landed with the round half stored');
  console.log(
    `# ${killed} index runs killed with SIGKILL during the scan (${rounds} rounds; ${killedMidScan} visibly mid-scan: some of the round's photos stored, not all); library whole afterwards`,
  );
});
