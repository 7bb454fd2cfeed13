// Settings go through a typed registry: a stored value that does not fit its schema reads as the
// default, and a wrong value is refused before it is written.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../../src/main/store/db';
import { getSetting, setSetting, type SettingValue } from '../../src/main/store/settings';
import { tempDir } from '../helpers/images';

const tmp = tempDir('store-settings');
after(() => tmp.cleanup());

test('a stored value that does not fit reads as the default; a fitting one as it is', () => {
  const db = openDatabase(join(tmp.path, 'library.sqlite'));
  const write = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  assert.equal(getSetting(db, 'model.backend'), 'auto', 'unset: the default');
  write.run('model.backend', JSON.stringify('quantum'));
  assert.equal(getSetting(db, 'model.backend'), 'auto', 'not a backend: the default');
  write.run('retrain.schedule', '{not json');
  assert.deepEqual(getSetting(db, 'retrain.schedule'), {});
  write.run('retrain.schedule', JSON.stringify({ startHour: 25 }));
  assert.deepEqual(getSetting(db, 'retrain.schedule'), {}, 'an hour of 25 is not kept');
  setSetting(db, 'retrain.schedule', { enabled: false, startHour: 2 });
  assert.deepEqual(getSetting(db, 'retrain.schedule'), { enabled: false, startHour: 2 });
  assert.throws(() => setSetting(db, 'model.inputSize', 'big' as unknown as SettingValue<'model.inputSize'>));
  assert.equal(getSetting(db, 'model.inputSize'), 64);
  db.close();
});
