// EXIF dates (library/exif.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exifDateToIso } from '../../src/main/library/exif';

test('EXIF dates become ISO local times; impossible ones become null', () => {
  assert.equal(exifDateToIso('2019:06:15 14:30:00'), '2019-06-15T14:30:00');
  assert.equal(exifDateToIso('0000:00:00 00:00:00'), null);
  assert.equal(exifDateToIso('2021:02:30 10:00:00'), null);
  assert.equal(exifDateToIso('    '), null);
  assert.equal(exifDateToIso(12), null);
});
