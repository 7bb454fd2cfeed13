// Whether `likeness serve --open` (and so `npm start` in the browser) opens a browser, or says why not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noBrowserReason } from '../../src/main/cli/openBrowser';

test('npm start / serve --open: no browser in CI, with LIKENESS_NO_BROWSER, or on Linux with no display', () => {
  assert.equal(noBrowserReason({ CI: '1', DISPLAY: ':0' }, 'linux'), 'running in CI');
  assert.equal(noBrowserReason({ LIKENESS_NO_BROWSER: '1' }, 'darwin'), 'LIKENESS_NO_BROWSER is set');
  assert.match(noBrowserReason({}, 'linux') ?? '', /no display/);
  assert.equal(noBrowserReason({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux'), null);
  assert.equal(noBrowserReason({}, 'darwin'), null);
  assert.equal(noBrowserReason({}, 'win32'), null);
});
