// The Electron shell's start-up and window decisions, run under Node (no Electron binary needed):
// GPU switches left out on Wayland, the hidden GPU window not counted as the user's, and our page's
// file URL recognised however Chromium writes it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appWindows, gpuSwitches, quitWhenClosed, runsOnWayland } from '../../src/main/app/startupRules';
import { isAppUrl, sameFileUrl } from '../../src/main/security/electronPolicy';

test('WebGPU switches on Linux under X11, none on Wayland (Vulkan there leaves no window), none elsewhere', () => {
  const x11 = { DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' };
  const wayland = { WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland', DISPLAY: ':0' };
  assert.deepEqual(gpuSwitches('linux', x11, []), [['enable-unsafe-webgpu'], ['enable-features', 'Vulkan']]);
  assert.deepEqual(gpuSwitches('linux', wayland, []), []);
  assert.deepEqual(gpuSwitches('linux', { XDG_SESSION_TYPE: 'wayland' }, []), []);
  // Told to use X11 (XWayland), Vulkan works again.
  assert.equal(runsOnWayland(wayland, ['--ozone-platform=x11']), false);
  assert.equal(runsOnWayland({ ...wayland, ELECTRON_OZONE_PLATFORM_HINT: 'x11' }, []), false);
  assert.equal(runsOnWayland(x11, ['--ozone-platform=wayland']), true);
  assert.deepEqual(gpuSwitches('darwin', {}, []), []);
  assert.deepEqual(gpuSwitches('win32', {}, []), []);
});

test('the hidden GPU window is not one of the app windows: Dock re-open and quit-on-close see none left', () => {
  const gpu = { id: 7 };
  const main = { id: 1 };
  assert.deepEqual(appWindows([main, gpu], new Set([7])), [main]);
  assert.deepEqual(appWindows([gpu], new Set([7])), [], 'only the GPU window left: no app window');
  assert.equal(quitWhenClosed('linux', appWindows([gpu], new Set([7])).length), true);
  assert.equal(quitWhenClosed('win32', 0), true);
  assert.equal(quitWhenClosed('darwin', 0), false, 'macOS apps stay open without windows');
  assert.equal(quitWhenClosed('linux', 1), false);
});

test("our page's file URL matches however Chromium writes it; other files and queries do not", () => {
  const win = 'file:///C:/Program%20Files/Likeness/resources/app/out/renderer/index.html';
  assert.equal(sameFileUrl('file:///c:/Program%20Files/Likeness/resources/app/out/renderer/index.html', win, 'win32'), true, 'drive letter case');
  assert.equal(sameFileUrl('file:///C:/Program Files/Likeness/resources/app/out/renderer/index.html', win, 'win32'), true, 'encoding');
  assert.equal(sameFileUrl('file:///C:/Program%20Files/Likeness/resources/app/out/renderer/INDEX.html', win, 'win32'), true);
  assert.equal(sameFileUrl('file:///C:/Program%20Files/Likeness/resources/app/out/renderer/other.html', win, 'win32'), false);
  const linux = 'file:///opt/likeness/out/renderer/index.html';
  assert.equal(sameFileUrl('file:///opt/likeness/out/renderer/INDEX.html', linux, 'linux'), false, 'case matters on Linux');
  assert.equal(sameFileUrl('file:///opt/likeness/out/renderer/sub/../index.html', linux, 'linux'), true);
  assert.equal(sameFileUrl('file:///opt/likeness/out/renderer/index.html?x=1', linux, 'linux'), false);
  assert.equal(sameFileUrl('file://evil/opt/likeness/out/renderer/index.html', linux, 'linux'), false);
  assert.equal(sameFileUrl('https://opt/likeness/out/renderer/index.html', linux, 'linux'), false);
  assert.equal(
    isAppUrl('file:///c:/Program%20Files/Likeness/resources/app/out/renderer/index.html#/clusters', { rendererIndexUrl: win }, 'win32'),
    true,
  );
});
