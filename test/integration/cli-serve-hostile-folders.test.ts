// Hostile folders against the real `likeness serve` (loopback, port 0): system folders and
// pseudo-filesystems are refused as library folders; symbolic-link loops, links into /proc and a
// link into Likeness's own data folder are neither followed by the scan nor by the watcher, and the
// server keeps answering and keeps watching. Before the fix two links to "." kept the watcher
// walking (memory grew by hundreds of MB, requests timed out) and a link to the data folder
// indexed Likeness's own thumbnails as photos.
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServe, type ServeProcess } from '../e2e/harness';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('serve-hostile');
const home = join(tmp.path, 'home');
const photos = join(tmp.path, 'photos');
let serve: ServeProcess;
let token: string;

before(async () => {
  await writePicture(join(photos, 'one.jpg'), 1);
  await writePicture(join(photos, 'bomb', 'two.jpg'), 2);
  // Loops: two links to "." (2^depth paths for a walker that follows them), one to "..", one to "/".
  symlinkSync('.', join(photos, 'bomb', 'l1'));
  symlinkSync('.', join(photos, 'bomb', 'l2'));
  symlinkSync('..', join(photos, 'bomb', 'up'));
  symlinkSync('/', join(photos, 'root'));
  symlinkSync('/proc', join(photos, 'proc'));
  serve = await startServe(home);
  token = new URL(serve.url).searchParams.get('token')!;
});

after(async () => {
  await serve?.stop();
  tmp.cleanup();
});

async function api<T>(method: string, payload: unknown = {}): Promise<{ status: number; body: { result?: T; error?: { message: string } } }> {
  const reply = await fetch(`${serve.origin}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(payload),
  });
  return { status: reply.status, body: (await reply.json()) as { result?: T; error?: { message: string } } };
}

interface Status {
  photos: number;
  dataDir: string;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  // Not a time limit on the product: the loop gives up eventually so that a hung server fails the test.
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(what);
}

async function scanned(photoCount: number): Promise<void> {
  await until(async () => {
    const jobs = (await api<{ kind: string; state: string }[]>('listJobs')).body.result ?? [];
    const busy = jobs.some((j) => j.kind === 'scan' && (j.state === 'queued' || j.state === 'running'));
    return !busy && (await api<Status>('status')).body.result?.photos === photoCount;
  }, `the library reaches ${photoCount} photos`);
}

function serverRssMb(): number {
  const status = readFileSync(`/proc/${serve.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

test('system folders and pseudo-filesystems are refused as library folders, saying why', async () => {
  for (const path of ['/proc', '/sys', '/etc', '/dev', '/', '/proc/self/cwd']) {
    const reply = await api('addFolder', { path });
    assert.equal(reply.status, 400, `${path} → ${reply.status}`);
    assert.match(reply.body.error!.message, /system folder|pseudo-filesystem|contains system folders/, path);
  }
  assert.deepEqual((await api('listFolders')).body.result, []);
});

test('links that loop, lead to / or /proc are not followed; the server keeps answering', async () => {
  const added = await api('addFolder', { path: photos });
  assert.equal(added.status, 200);
  await scanned(2);
  const problems = (await api<{ path: string; reason: string }[]>('listProblems')).body.result!;
  for (const link of ['root', 'proc']) {
    assert.ok(
      problems.some((p) => p.path === join(photos, link) && /system folder|pseudo-filesystem/.test(p.reason)),
      `${link} is said to be skipped`,
    );
  }
  // The watcher is in place once the scan is done: a new photo arrives through it, deep links and all.
  await writePicture(join(photos, 'bomb', 'three.jpg'), 3);
  await scanned(3);
  assert.ok(serverRssMb() < 600, `the server holds ${serverRssMb()} MB`);
});

test("a link into Likeness's own data folder indexes none of its thumbnails", async () => {
  const dataDir = (await api<Status>('status')).body.result!.dataDir;
  symlinkSync(dataDir, join(photos, 'own'));
  // Through the watcher (a new link), then through a full rescan (adding the folder again).
  await writePicture(join(photos, 'four.jpg'), 4);
  await scanned(4);
  assert.equal((await api('addFolder', { path: photos })).status, 200);
  await scanned(4);
  const problems = (await api<{ path: string; reason: string }[]>('listProblems')).body.result!;
  assert.ok(problems.some((p) => p.path === join(photos, 'own') && /own data folder/.test(p.reason)));
});
