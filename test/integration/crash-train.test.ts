// Crashes during training and embedding: SIGKILL `likeness train` and `likeness embed` at random
// moments, start them again, and the result is whole — the run resumes from its checkpoint (or,
// killed before its first one, starts again without leaving a half-made version behind), every
// photo ends with exactly one embedding, and the database is intact.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { closeCore, openCore } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { countEmbeddings } from '../../src/main/store/embeddings';
import { activeModel, listModels } from '../../src/main/store/models';
import { libraryCounts } from '../../src/main/store/photos';
import { tempDir, writePicture } from '../helpers/images';

const bin = new URL('../../bin/likeness.mjs', import.meta.url).pathname;
const tmp = tempDir('crash-train');
const home = join(tmp.path, 'home');
after(() => tmp.cleanup());

before(async () => {
  const folder = join(tmp.path, 'photos');
  for (let i = 0; i < 16; i++) await writePicture(join(folder, `p${i}.jpg`), 700 + i, 'jpeg', 200, 150);
  const core = openCore(home);
  await indexFolders(core, [folder]);
  closeCore(core);
});

function run(args: string[], killAfterMs: number | null): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LIKENESS_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

test('train and embed survive SIGKILL at random moments', async () => {
  const kills = Number(process.env.LIKENESS_KILLS ?? 4);
  const train = ['train', '--preset', 'tiny', '--input-size', '64', '--max-steps', '150', '--workers', '1', '--seed', '3', '--checkpoint-every', '0.3'];
  let random = 99;
  const next = () => (random = (random * 1103515245 + 12345) & 0x7fffffff);
  let trainKilled = 0;
  let embedKilled = 0;
  for (let k = 0; k < kills; k++) {
    const outcome = await run(train, 700 + (next() % 2500));
    if (outcome.signal === 'SIGKILL') trainKilled++;
  }
  const finished = await run(train, null);
  assert.equal(finished.code, 0, finished.stderr);
  for (let k = 0; k < kills; k++) if ((await run(['embed'], 600 + (next() % 900))).signal === 'SIGKILL') embedKilled++;
  const embedded = await run(['embed'], null);
  assert.equal(embedded.code, 0, embedded.stderr);

  const core = openCore(home);
  try {
    assert.equal(core.db.pragma('integrity_check', { simple: true }), 'ok');
    const models = listModels(core.db);
    assert.equal(models.filter((m) => m.status === 'training').length, 0, 'no version is left half-made');
    const active = activeModel(core.db)!;
    assert.ok(active, 'one version finished and is active');
    assert.ok(active.steps >= 150, `the finished run did its steps across restarts (${active.steps})`);
    assert.equal(countEmbeddings(core.db, active.id), libraryCounts(core.db).photos);
  } finally {
    closeCore(core);
  }
  console.log(`# train: ${trainKilled} of ${kills} runs killed with SIGKILL; embed: ${embedKilled} of ${kills}; library whole afterwards`);
});
