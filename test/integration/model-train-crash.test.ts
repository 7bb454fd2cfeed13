// Crashes during training and embedding: SIGKILL `likeness train` and `likeness embed` at random
// moments, start them again, and the result is whole — the run resumes from its checkpoint (or,
// killed before its first one, starts again without leaving a half-made version behind), every
// photo ends with exactly one embedding, the stored embeddings are what the model gives for those
// photos, and the database is intact. Kills are timed from the moment the child says the work has
// begun ("model version N" for training, "embedding on …" for embedding), so they land in the work
// rather than in start-up; each embedding round first brings new photos, so there is work to cut.
// LIKENESS_KILLS sets the kills per job type (default 4; 20 for the full run).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { closeCore, openCore } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { embedImages } from '../../src/main/model/embed';
import { readEmbeddings, countEmbeddings } from '../../src/main/store/embeddings';
import { readModelInputs } from '../../src/main/store/modelInputs';
import { activeModel, listModels } from '../../src/main/store/models';
import { libraryCounts } from '../../src/main/store/photos';
import { tempDir, writePicture } from '../helpers/images';

const bin = new URL('../../bin/likeness.mjs', import.meta.url).pathname;
const tmp = tempDir('crash-train');
const home = join(tmp.path, 'home');
const folder = join(tmp.path, 'photos');
after(() => tmp.cleanup());

before(async () => {
  for (let i = 0; i < 16; i++) await writePicture(join(folder, `p${i}.jpg`), 700 + i, 'jpeg', 200, 150);
  const core = openCore(home);
  await indexFolders(core, [folder]);
  closeCore(core);
});

interface Outcome {
  code: number | null;
  signal: string | null;
  stderr: string;
  /** The kill came after the child said its work had begun. */
  killedInWork: boolean;
}

/** Runs the CLI; with `kill`, SIGKILLs it `delayMs` after a stderr line matching `after` (if it gets that far). */
function run(args: string[], kill: { after: RegExp; delayMs: number } | null): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LIKENESS_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timer: NodeJS.Timeout | null = null;
    let armed = false;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (kill && !armed && kill.after.test(stderr)) {
        armed = true;
        timer = setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr, killedInWork: signal === 'SIGKILL' && armed });
    });
  });
}

test('train and embed survive SIGKILL at random moments', async () => {
  const kills = Number(process.env.LIKENESS_KILLS ?? 4);
  const train = [
    'train',
    '--preset',
    'tiny',
    '--input-size',
    '64',
    '--max-steps',
    '150',
    '--workers',
    '1',
    '--seed',
    '3',
    '--checkpoint-every',
    '0.3',
  ];
  let random = 99;
  const next = () => (random = (random * 1103515245 + 12345) & 0x7fffffff);
  let trainKilled = 0;
  let embedKilled = 0;
  let trainRuns = 0;
  // Until `kills` runs were killed during training (a run may finish first: then train again from scratch).
  while (trainKilled < kills && trainRuns < 3 * kills) {
    trainRuns++;
    const outcome = await run(train, { after: /model version \d+/, delayMs: next() % 2500 });
    if (outcome.killedInWork) trainKilled++;
    else if (outcome.code !== 0) assert.fail(`training failed instead of being killed: ${outcome.stderr}`);
  }
  const finished = await run(train, null);
  assert.equal(finished.code, 0, finished.stderr);
  let seed = 900;
  let embedRounds = 0;
  // Until `kills` runs were killed while embedding (a run may finish its few photos first).
  while (embedKilled < kills && embedRounds < 3 * kills) {
    const k = embedRounds++;
    // New photos every round, so each embedding run has work for the kill to interrupt.
    for (let i = 0; i < 8; i++) await writePicture(join(folder, `round${k}`, `q${i}.jpg`), seed++, 'jpeg', 160, 120);
    const core = openCore(home);
    await indexFolders(core, []);
    closeCore(core);
    const outcome = await run(['embed'], { after: /embedding on/, delayMs: next() % 200 });
    if (outcome.killedInWork) embedKilled++;
  }
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
    const photos = libraryCounts(core.db).photos;
    assert.equal(photos, 16 + 8 * embedRounds);
    assert.equal(countEmbeddings(core.db, active.id), photos, 'every photo has exactly one embedding');
    // What is stored for each photo is what the model gives for that photo's input.
    const stored = readEmbeddings(core.db, active.id);
    const inputs = readModelInputs(core.db, active.inputSize, stored.photoIds);
    const fresh = await embedImages(
      core,
      active.id,
      stored.photoIds.map((id) => inputs.get(id)!),
      active.inputSize,
    );
    stored.photoIds.forEach((id, row) => {
      let dot = 0;
      for (let j = 0; j < stored.dim; j++) dot += stored.vectors[row * stored.dim + j]! * fresh[row]![j]!;
      assert.ok(dot > 0.999, `photo ${id}: stored embedding matches the photo (cosine ${dot.toFixed(4)})`);
    });
  } finally {
    closeCore(core);
  }
  assert.equal(trainKilled, kills, `training runs killed while training (${trainKilled} in ${trainRuns} runs)`);
  assert.equal(embedKilled, kills, `embedding runs killed while embedding (${embedKilled} in ${embedRounds} runs)`);
  console.log(
    `# train: ${trainKilled} runs killed while training (${trainRuns} started); embed: ${embedKilled} killed while embedding (${embedRounds} started); library whole afterwards`,
  );
});
