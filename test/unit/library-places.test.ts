// Places a library never enters, on each platform's paths, and the watcher's link-loop check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLinkLoop, placeRefusal, systemFolderReason } from '../../src/main/library/places';

test('system folders, folders inside them and folders containing them are refused on Linux', () => {
  for (const path of ['/proc', '/proc/1/cwd', '/sys/class', '/dev', '/etc', '/run/user/1000', '/usr/share', '/']) {
    assert.ok(systemFolderReason(path, { platform: 'linux', statfs: false }), path);
  }
  for (const path of ['/home/ann/Pictures', '/mnt/nas/photos', '/media/ann/CARD', '/tmp/x', '/srv/photos', '/procedures', '/etcetera']) {
    assert.equal(systemFolderReason(path, { platform: 'linux', statfs: false }), null, path);
  }
});

test('the /proc pseudo-filesystem is recognised by its type, wherever it is mounted', { skip: process.platform !== 'linux' && 'Linux only' }, () => {
  assert.match(systemFolderReason('/proc/self') ?? '', /proc/);
  assert.match(systemFolderReason('/sys/kernel') ?? '', /system folder|sysfs/);
});

test('macOS and Windows system folders, case-insensitively', () => {
  const mac = { platform: 'darwin' as const, statfs: false };
  for (const path of ['/System/Library/Desktop Pictures', '/private/var/db', '/private/etc', '/dev', '/'])
    assert.ok(systemFolderReason(path, mac), path);
  for (const path of ['/Users/ann/Pictures', '/Volumes/Photos', '/private/var/folders/xy/T/likeness-1', '/System/Volumes/Data/Users/ann']) {
    assert.equal(systemFolderReason(path, mac), null, path);
  }
  const win = { platform: 'win32' as const, statfs: false, env: { SystemDrive: 'C:', SystemRoot: 'C:\\Windows' } };
  for (const path of ['C:\\Windows', 'c:\\windows\\System32', 'C:\\Program Files\\App', 'C:\\', '\\\\.\\PhysicalDrive0', 'C:\\$Recycle.Bin']) {
    assert.ok(systemFolderReason(path, win), path);
  }
  for (const path of ['C:\\Users\\ann\\Pictures', 'D:\\', 'D:\\Photos', '\\\\nas\\photos', '\\\\?\\D:\\Photos'])
    assert.equal(systemFolderReason(path, win), null, path);
  assert.ok(systemFolderReason('\\\\?\\C:\\Windows\\Temp', win), 'the long-path form of a system folder');
});

test("Likeness's own data folder, inside or around it", () => {
  const options = { platform: 'linux' as const, statfs: false };
  assert.match(placeRefusal('/home/ann/.local/share/likeness/thumbnails', '/home/ann/.local/share/likeness', '/', options)!, /own data folder/);
  assert.match(placeRefusal('/home/ann/.local', '/home/ann/.local/share/likeness', '/', options)!, /own data folder/);
  assert.equal(placeRefusal('/home/ann/Pictures', '/home/ann/.local/share/likeness', '/', options), null);
});

test('a link back to an ancestor is a loop; a link elsewhere is not', () => {
  // Real paths as the OS would give them: /r/a/self → /r/a, /r/a/up → /r, /r/a/x → /r/b, /r/b/y → /r/a.
  const links: Record<string, string> = { '/r/a/self': '/r/a', '/r/a/up': '/r', '/r/a/side': '/r/b', '/r/a/side/back': '/r/a', '/r/a/top': '/' };
  const realpath = (p: string) => links[p] ?? p;
  assert.equal(isLinkLoop('/r/a/self', '/r', '/', realpath), true);
  assert.equal(isLinkLoop('/r/a/up', '/r', '/', realpath), true);
  assert.equal(isLinkLoop('/r/a/top', '/r', '/', realpath), true);
  assert.equal(isLinkLoop('/r/a/side', '/r', '/', realpath), false);
  assert.equal(isLinkLoop('/r/a/side/back', '/r', '/', realpath), true, 'two links that lead to each other');
  assert.equal(isLinkLoop('/r/a/plain', '/r', '/', realpath), false);
});
