// Acting on duplicates through the CLI, in a temporary home whose freedesktop trash is
// $XDG_DATA_HOME/Trash: --dry-run and a missing terminal move nothing; --yes moves the rejected
// copies to the trash with a .trashinfo naming where each came from, and the library forgets them;
// a file changed since grouping and one whose folder is gone are left with a reason while the rest
// goes on; undo puts everything back; "not duplicates" survives regrouping. As root, the CLI runs
// as user `nobody` so that a read-only folder really is read-only.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { sceneJpeg } from '../../src/main/eval/scenes';
import { tempDir } from '../helpers/images';

const bin = new URL('../../bin/likeness.mjs', import.meta.url).pathname;
const tmp = tempDir('resolve');
after(() => {
  spawnSync('chmod', ['-R', 'u+w', tmp.path]);
  tmp.cleanup();
});

const home = join(tmp.path, 'home');
const xdg = join(tmp.path, 'xdg');
const photos = join(tmp.path, 'photos');
const asRoot = process.getuid?.() === 0;
const nobodyCanRun =
  asRoot && spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(bin)})`], { uid: 65534, gid: 65534 }).status === 0;

function likeness(...args: string[]): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, LIKENESS_HOME: home, XDG_DATA_HOME: xdg, HOME: tmp.path },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(nobodyCanRun ? { uid: 65534, gid: 65534 } : {}),
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

interface Listed {
  id: number;
  kind: 'copies' | 'similar';
  keeperId: number;
  photos: { id: number; path: string }[];
}
const list = (): Listed[] => JSON.parse(likeness('duplicates', '--json').out) as Listed[];
const trashInfos = () =>
  existsSync(join(xdg, 'Trash', 'info'))
    ? readdirSync(join(xdg, 'Trash', 'info')).map((n) => readFileSync(join(xdg, 'Trash', 'info', n), 'utf8'))
    : [];

test('resolve moves rejected copies to the trash with reasons for the rest; undo restores them', async () => {
  // Four scenes, each as an original and two copies, one scene's copies in a read-only folder.
  for (let seed = 1; seed <= 4; seed++) {
    const dir = join(photos, seed === 4 ? 'readonly' : `s${seed}`);
    mkdirSync(dir, { recursive: true });
    const original = await sceneJpeg(seed * 17, 640, 427);
    writeFileSync(join(dir, `scene${seed}.jpg`), original);
    await sharp(original)
      .resize(320)
      .jpeg({ quality: 80 })
      .toFile(join(dir, `scene${seed}-small.jpg`));
    await sharp(original)
      .png()
      .toFile(join(dir, `scene${seed}.png`));
  }
  mkdirSync(home, { recursive: true });
  mkdirSync(xdg, { recursive: true });
  if (nobodyCanRun) spawnSync('chown', ['-R', 'nobody', tmp.path]);
  chmodSync(join(photos, 'readonly'), 0o555);
  assert.equal(likeness('index', photos).code, 0);

  const groups = list();
  const copies = groups.filter((g) => g.kind === 'copies');
  assert.equal(copies.length, 4, `one group of copies per scene: ${JSON.stringify(groups)}`);
  const byScene = (n: number) => copies.find((g) => g.photos.some((p) => p.path.endsWith(`scene${n}.jpg`)))!;

  // Nothing moves on a dry run, nor without a terminal to confirm on.
  const dry = likeness('duplicates', 'resolve', String(byScene(1).id), '--dry-run');
  assert.equal(dry.code, 0);
  assert.match(dry.out, /2 files would move to the system trash/);
  const refused = likeness('duplicates', 'resolve', String(byScene(1).id));
  assert.equal(refused.code, 2);
  assert.match(refused.err, /no terminal to confirm on/);
  assert.equal(trashInfos().length, 0);
  assert.equal(readdirSync(join(photos, 's1')).length, 3);

  // Scene 2: one copy changed since it was grouped; scene 3: a copy's folder... is the keeper's, so
  // move the keeper away instead: nothing of that group may go.
  const scene2 = byScene(2);
  const changed = scene2.photos.find((p) => p.id !== scene2.keeperId)!.path;
  utimesSync(changed, new Date(), new Date(Date.now() - 3600_000));
  const scene3 = byScene(3);
  const keeper3 = scene3.photos.find((p) => p.id === scene3.keeperId)!.path;
  renameSync(keeper3, keeper3 + '.away');

  const ids = [1, 2, 3, 4].map((n) => String(byScene(n).id));
  const applied = likeness('duplicates', 'resolve', ...ids, '--yes');
  assert.equal(applied.code, 0, applied.err);
  assert.match(applied.out, /changed since it was grouped/);
  assert.match(applied.out, /the photo to keep is not on disk/);
  if (nobodyCanRun || !asRoot) assert.match(applied.out, /read-only/);
  // Scene 1 (2 copies) and scene 2's unchanged copy went to the trash, each with its .trashinfo.
  const moved = [
    ...byScene(1).photos.filter((p) => p.id !== byScene(1).keeperId),
    ...scene2.photos.filter((p) => p.id !== scene2.keeperId && p.path !== changed),
  ];
  for (const p of moved) {
    assert.ok(!existsSync(p.path), `${p.path} left its folder`);
    assert.ok(
      trashInfos().some((info) => info.includes(`Path=${encodeURI(p.path)}`)),
      `${p.path} is in the trash`,
    );
  }
  assert.equal(trashInfos().length, moved.length + (nobodyCanRun || !asRoot ? 0 : 2), 'nothing else went');
  assert.ok(existsSync(changed) && existsSync(keeper3 + '.away'));
  for (const p of scene3.photos.filter((x) => x.id !== scene3.keeperId))
    assert.ok(existsSync(p.path), 'nothing of a group whose keeper is gone moves');
  const status = likeness('status').out;
  assert.match(status, new RegExp(`photos: ${12 - trashInfos().length}\\b`), status);

  // Undo puts every moved file back and the library finds them again.
  const undone = likeness('duplicates', 'undo');
  assert.equal(undone.code, 0, undone.err);
  for (const p of moved) assert.ok(existsSync(p.path), `${p.path} is back`);
  assert.equal(trashInfos().length, 0, 'the trash no longer lists them');
  assert.match(likeness('status').out, /photos: 12\b/);
  assert.match(likeness('duplicates', 'undo').out, /nothing to undo/);

  // "Not duplicates" is remembered by content, across regrouping (new photo ids after undo).
  renameSync(keeper3 + '.away', keeper3);
  likeness('index', photos);
  const again = list().filter((g) => g.kind === 'copies');
  const target = again.find((g) => g.photos.some((p) => p.path.endsWith('scene1.jpg')))!;
  assert.equal(likeness('duplicates', 'not-duplicates', String(target.id)).code, 0);
  writeFileSync(join(tmp.path, 'unrelated-change'), 'x');
  likeness('index', photos);
  assert.ok(!list().some((g) => g.photos.some((p) => p.path.endsWith('scene1.jpg')) && g.kind === 'copies'), 'the group stays hidden');
});
