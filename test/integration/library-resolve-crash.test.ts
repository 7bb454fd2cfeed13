// Kills at any moment of a resolve: `likeness duplicates resolve <group> --yes` moving 200 files to
// the freedesktop trash ($XDG_DATA_HOME/Trash) is SIGKILLed at a random moment, LIKENESS_KILLS
// times (default 3 here; 20 for a full run). After each kill, what the next start does (the
// journal's recovery) runs, and then:
//   - no photo is lost: each of the 201 files is at its place or in the trash with a .trashinfo
//     naming that place, with its bytes unchanged, never both and never neither;
//   - the library matches the disk: every file it lists exists, every file on disk is listed;
//   - no journal row is left pending, and undo brings every moved file back.
// A second test puts a kill exactly between a move and its record, which random kills rarely hit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { closeCore, openCore } from '../../src/main/core';
import { recoverTrashJournal, undoLastResolve } from '../../src/main/library/resolve';
import { indexFolders } from '../../src/main/library/scan';
import { saveDuplicateGroups } from '../../src/main/store/duplicates';
import { photoIdByPath } from '../../src/main/store/photos';
import { addTrashItem, pendingTrashItems, startTrashBatch, trashItems } from '../../src/main/store/trashJournal';
import { packageTrash } from '../../src/main/library/trash';
import { tempDir } from '../helpers/images';

const bin = new URL('../../bin/likeness.mjs', import.meta.url).pathname;
const tmp = tempDir('crash-resolve');
after(() => tmp.cleanup());

const FILES = 201;
const template = join(tmp.path, 'template');
const photos = join(tmp.path, 'photos');
const home = join(tmp.path, 'home');
const xdg = join(tmp.path, 'xdg');
// The recovery and undo below run in this process: they must see the trash the killed resolve used,
// as the next start of the app or CLI would.
process.env.XDG_DATA_HOME = xdg;
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Runs the resolve; with `killAfterMs`, SIGKILLs it that long after it printed its plan. Returns how long the moving took. */
function runResolve(groupId: number, killAfterMs: number | null): Promise<{ signal: string | null; code: number | null; ms: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'duplicates', 'resolve', String(groupId), '--yes'], {
      env: { ...process.env, LIKENESS_HOME: home, XDG_DATA_HOME: xdg },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    let started = 0;
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!started && /would move to the system trash/.test(out)) {
        started = performance.now();
        if (killAfterMs !== null) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, ms: started ? performance.now() - started : 0 });
    });
  });
}

/** Where each original file is now: 'place', 'trash', 'both' or 'lost' — checked by content. */
function whereabouts(originals: Map<string, string>): Map<string, string> {
  const infoDir = join(xdg, 'Trash', 'info');
  const inTrash = new Map<string, string>();
  if (existsSync(infoDir)) {
    for (const name of readdirSync(infoDir)) {
      // A kill while the trash wrote a .trashinfo leaves it partial (the file was not moved yet).
      const recorded = /^Path=(.*)$/m.exec(readFileSync(join(infoDir, name), 'utf8'));
      if (!recorded) continue;
      const path = decodeURIComponent(recorded[1]!);
      const file = join(xdg, 'Trash', 'files', name.replace(/\.trashinfo$/, ''));
      if (existsSync(file)) inTrash.set(path, sha(readFileSync(file)));
    }
  }
  const where = new Map<string, string>();
  for (const [path, hash] of originals) {
    const atPlace = existsSync(path) && sha(readFileSync(path)) === hash;
    const trashed = inTrash.get(path) === hash;
    where.set(path, atPlace && trashed ? 'both' : atPlace ? 'place' : trashed ? 'trash' : 'lost');
  }
  return where;
}

test('resolve of 200 files survives SIGKILL at random moments: nothing lost, library matches the disk', async () => {
  // 201 distinct small pictures, indexed once; each round starts from a copy at the same paths.
  const templatePhotos = join(template, 'photos');
  mkdirSync(templatePhotos, { recursive: true });
  for (let i = 0; i < FILES; i++) {
    await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: i % 256, g: (i * 7) % 256, b: (i * 13) % 256 } } })
      .png()
      .toFile(join(templatePhotos, `p${String(i).padStart(3, '0')}.png`));
  }
  cpSync(templatePhotos, photos, { recursive: true, preserveTimestamps: true });
  const setup = openCore(home);
  await indexFolders(setup, [photos]);
  const ids = readdirSync(photos).map((n) => photoIdByPath(setup.db, join(photos, n))!);
  assert.equal(new Set(ids).size, FILES);
  // The group as the duplicate finder would store it (finding it is tested elsewhere).
  const [group] = saveDuplicateGroups(setup.db, 'crash-test', [{ kind: 'copies', keeperId: ids[0]!, photoIds: ids }]);
  closeCore(setup);
  cpSync(home, join(template, 'home'), { recursive: true });
  const originals = new Map(readdirSync(photos).map((n) => [join(photos, n), sha(readFileSync(join(photos, n)))]));

  const fresh = () => {
    for (const dir of [photos, home, xdg]) rmSync(dir, { recursive: true, force: true });
    cpSync(templatePhotos, photos, { recursive: true, preserveTimestamps: true });
    cpSync(join(template, 'home'), home, { recursive: true });
    mkdirSync(xdg, { recursive: true });
  };

  // One run to the end says how long moving 200 files takes here; kills fall anywhere in it.
  fresh();
  const full = await runResolve(group!.id, null);
  assert.equal(full.code, 0);
  assert.equal([...whereabouts(originals).values()].filter((w) => w === 'trash').length, FILES - 1);

  const kills = Number(process.env.LIKENESS_KILLS ?? 3);
  let random = 4242;
  let killed = 0;
  let midway = 0;
  for (let round = 0; killed < kills && round < 3 * kills; round++) {
    fresh();
    random = (random * 1103515245 + 12345) & 0x7fffffff;
    const outcome = await runResolve(group!.id, ((random % 1000) / 1000) * full.ms);
    if (outcome.signal !== 'SIGKILL') continue;
    killed++;
    const before = [...whereabouts(originals).values()];
    if (before.includes('trash') && before.filter((w) => w === 'place').length > 1) midway++;

    // The next start.
    const core = openCore(home);
    try {
      await recoverTrashJournal(core);
      assert.equal(pendingTrashItems(core.db).length, 0, 'no journal row left pending');
      const where = whereabouts(originals);
      const lost = [...where].filter(([, w]) => w === 'lost' || w === 'both');
      assert.deepEqual(lost, [], `round ${round}: every file at its place or in the trash, once`);
      const listed = (core.db.prepare('SELECT path FROM files').all() as { path: string }[]).map((r) => r.path).sort();
      const onDisk = readdirSync(photos)
        .map((n) => join(photos, n))
        .sort();
      assert.deepEqual(listed, onDisk, `round ${round}: the library lists exactly the files on disk`);
      // And the interrupted resolve can be undone.
      const undone = await undoLastResolve(core);
      const notBack = [...whereabouts(originals)].filter(([, w]) => w !== 'place');
      assert.deepEqual(notBack, [], `round ${round}: undo brought every file back (${JSON.stringify(undone.failed.slice(0, 3))})`);
      assert.equal((core.db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n, FILES);
    } finally {
      closeCore(core);
    }
  }
  assert.equal(killed, kills, 'runs killed before they finished');
  console.log(
    `${killed} resolves of ${FILES - 1} files killed with SIGKILL at random moments (${midway} with some files moved and some not); nothing lost, library = disk, undo complete`,
  );
});

test('a kill after the move and before its record: recovery finds the file by its .trashinfo, undo brings it back', async () => {
  const dir = join(tmp.path, 'window');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'moved.png');
  await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 10, b: 90 } } })
    .png()
    .toFile(path);
  // A second photo stays: an emptied folder would read as an unplugged drive.
  await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 10, g: 200, b: 90 } } })
    .png()
    .toFile(join(dir, 'kept.png'));
  const bytes = readFileSync(path);
  const core = openCore(join(tmp.path, 'window-home'));
  try {
    await indexFolders(core, [dir]);
    // What the journal and the disk hold when the kill falls in that window.
    const batch = startTrashBatch(core.db);
    addTrashItem(core.db, batch, { path, contentHash: 'not-needed', bytes: bytes.length });
    await packageTrash(path);
    assert.equal(existsSync(path), false);

    assert.equal(await recoverTrashJournal(core), 1);
    const [item] = trashItems(core.db, batch);
    assert.equal(item!.state, 'trashed');
    assert.ok(item!.trashPath?.startsWith(join(xdg, 'Trash', 'files')), `recorded where it went: ${item!.trashPath}`);
    assert.equal(photoIdByPath(core.db, path), undefined, 'the library forgot it');

    const undone = await undoLastResolve(core);
    assert.deepEqual(undone.failed, []);
    assert.deepEqual(readFileSync(path), bytes);
    assert.notEqual(photoIdByPath(core.db, path), undefined, 'and lists it again');
  } finally {
    closeCore(core);
  }
});
