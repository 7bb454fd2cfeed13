// Folder watching: new, changed, moved and deleted photos reach the library within seconds.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { NodeFsHandler } from 'chokidar/handler.js';
import { closeCore, openCore } from '../../src/main/core';
import { LibraryWatcher } from '../../src/main/jobs/watcher';
import type { ScanSummary } from '../../src/main/library/scan';
import { indexFolders } from '../../src/main/library/scan';
import { syncPaths } from '../../src/main/library/sync';
import { libraryCounts, photoIdByPath } from '../../src/main/store/photos';
import { CancelledError } from '../../src/main/util/progress';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('watch');
after(() => tmp.cleanup());

async function until(check: () => boolean, what: string): Promise<void> {
  // Not a time limit on the product: the loop just stops waiting eventually so a broken watcher fails.
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), what);
}

test('the watcher ingests new photos, follows moves and forgets deleted ones', async () => {
  const folder = join(tmp.path, 'photos');
  await writePicture(join(folder, 'first.jpg'), 1);
  const core = openCore(join(tmp.path, 'data'));
  const synced: ScanSummary[] = [];
  const watcher = new LibraryWatcher(core, { settleMs: 200, onSynced: (s) => synced.push(s) });
  try {
    await indexFolders(core, [folder]);
    await watcher.start();

    await writePicture(join(folder, 'new', 'second.jpg'), 2);
    await until(() => photoIdByPath(core.db, join(folder, 'new', 'second.jpg')) !== undefined, 'a new photo is ingested');

    const id = photoIdByPath(core.db, join(folder, 'first.jpg'))!;
    renameSync(join(folder, 'first.jpg'), join(folder, 'renamed.jpg'));
    await until(
      () => photoIdByPath(core.db, join(folder, 'renamed.jpg')) === id && photoIdByPath(core.db, join(folder, 'first.jpg')) === undefined,
      'a renamed photo keeps its id',
    );

    unlinkSync(join(folder, 'renamed.jpg'));
    await until(() => libraryCounts(core.db).photos === 1, 'a deleted photo leaves the library');
    await watcher.idle();
    assert.ok(synced.some((s) => s.added === 1));
  } finally {
    await watcher.stop();
    closeCore(core);
  }
});

test('syncing paths of a deleted folder removes its photos; an unreachable library folder removes nothing', async () => {
  const folder = join(tmp.path, 'sync');
  await writePicture(join(folder, 'a', 'one.jpg'), 10);
  await writePicture(join(folder, 'a', 'two.jpg'), 11);
  await writePicture(join(folder, 'b', 'three.jpg'), 12);
  const core = openCore(join(tmp.path, 'data-sync'));
  try {
    await indexFolders(core, [folder]);
    rmSync(join(folder, 'a'), { recursive: true });
    const summary = await syncPaths(core, [join(folder, 'a')]);
    assert.equal(summary.removed, 2);
    assert.equal(libraryCounts(core.db).photos, 1);

    const away = join(tmp.path, 'sync-away');
    renameSync(folder, away);
    const offline = await syncPaths(core, [join(folder, 'b', 'three.jpg'), join(folder, 'b')]);
    assert.deepEqual(offline.offline, [folder]);
    assert.equal(libraryCounts(core.db).photos, 1);
    renameSync(away, folder);
    mkdirSync(join(folder, 'c'));
  } finally {
    closeCore(core);
  }
});

test('a sync reports its progress, and a cancelled one keeps what it read', async () => {
  const folder = join(tmp.path, 'card');
  const files = Array.from({ length: 6 }, (_, i) => join(folder, `IMG_${i}.jpg`));
  await writePicture(join(folder, 'first.jpg'), 30);
  const core = openCore(join(tmp.path, 'data-card'));
  try {
    await indexFolders(core, [folder]);
    for (const [i, file] of files.entries()) await writePicture(file, 31 + i);
    const stop = new AbortController();
    const seen: number[] = [];
    const onProgress = (p: { done: number; total: number }) => {
      seen.push(p.done);
      assert.equal(p.total, files.length);
      if (p.done === 1) stop.abort(new CancelledError());
    };
    await assert.rejects(syncPaths(core, files, { onProgress, signal: stop.signal, concurrency: 1 }), CancelledError);
    assert.equal(libraryCounts(core.db).photos, 1 + 1, 'the photo read before the cancel stays');
    const rest = await syncPaths(core, files, { onProgress: (p) => seen.push(p.done) });
    assert.deepEqual([rest.added, rest.unchanged], [5, 1]);
    assert.equal(seen.at(-1), files.length);
  } finally {
    closeCore(core);
  }
});

test('a photo written into a new folder between chokidar listing it and watching it is still ingested', async () => {
  // chokidar lists a new folder, then watches it; a file written in between sends no event
  // (chokidar #1112, #1471). The race is made certain by writing the file right after the listing.
  const folder = join(tmp.path, 'race');
  await writePicture(join(folder, 'first.jpg'), 20);
  const late = join(folder, 'copied', 'late.jpg');
  const original = NodeFsHandler.prototype._handleRead;
  let raced = false;
  NodeFsHandler.prototype._handleRead = async function (this: NodeFsHandler, ...args: Parameters<typeof original>) {
    await original.apply(this, args);
    if (!raced && args[0] === dirname(late)) {
      raced = true;
      await writePicture(late, 21);
    }
  };
  const core = openCore(join(tmp.path, 'data-race'));
  const watcher = new LibraryWatcher(core, { settleMs: 200 });
  try {
    await indexFolders(core, [folder]);
    await watcher.start();
    mkdirSync(dirname(late));
    await until(() => photoIdByPath(core.db, late) !== undefined, 'the photo written during the race is ingested');
    assert.ok(raced, 'the race was staged');
  } finally {
    NodeFsHandler.prototype._handleRead = original;
    await watcher.stop();
    closeCore(core);
  }
});
