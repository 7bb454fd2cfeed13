// Where the library's data directory is (src/main/dataDir.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultDataDir } from '../../src/main/dataDir';

test('the data directory follows LIKENESS_HOME, else the platform convention', () => {
  assert.equal(defaultDataDir({ LIKENESS_HOME: '/x/y' }, 'linux'), '/x/y');
  assert.equal(defaultDataDir({ XDG_DATA_HOME: '/xdg' }, 'linux'), '/xdg/likeness');
  assert.match(defaultDataDir({}, 'darwin'), /Library\/Application Support\/Likeness$/);
  assert.match(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32'), /Likeness$/);
});
