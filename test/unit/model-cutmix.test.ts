// CutMix (recipe option cutMix): the pasted box, the InfoNCE targets that follow it, and the
// objective trained through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/main/model/backend';
import { presetConfig, validateConfig, type ModelConfig } from '../../src/main/model/config';
import { CUTMIX_GRID, cutMix, keptShare, mixedLocalTargets, mixedTargets } from '../../src/main/model/cutMix';
import { dimLoss, infoNceLoss } from '../../src/main/model/loss';
import { Params } from '../../src/main/model/params';
import { stepNoise, type HostBatch } from '../../src/main/model/trainer';
import { Rng } from '../../src/main/util/rng';

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);

/** Three 16×16 views, each photo's pixels all (i + 1) / 10 in its first view. */
function batchOf(count = 3, size = 16): HostBatch {
  const per = size * size * 3;
  const x1 = new Float32Array(count * per);
  for (let i = 0; i < count; i++) x1.fill((i + 1) / 10, i * per, (i + 1) * per);
  return { x1, x2: x1.slice(), size, count };
}

test('cutMix pastes the same box of the partner photo into each first view, on a copy', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const given = batchOf();
    const original = given.x1;
    const perm = [2, 0, 1];
    const batch = cutMix(given, perm, new Rng(seed));
    const box = batch.cutMix;
    assert.equal(given.x1, original, 'the batch given is not changed');
    assert.equal(given.cutMix, undefined);
    assert.ok(box.x0 >= 0 && box.x0 < box.x1 && box.x1 <= CUTMIX_GRID && box.y0 >= 0 && box.y0 < box.y1 && box.y1 <= CUTMIX_GRID);
    assert.ok(box.x1 - box.x0 < CUTMIX_GRID && box.y1 - box.y0 < CUTMIX_GRID, 'never the whole picture');
    assert.notEqual(batch.x1, original, 'the mixed views are a copy');
    assert.ok(original.every((v, k) => v === Math.fround((Math.floor(k / (16 * 16 * 3)) + 1) / 10)));
    const cell = 16 / CUTMIX_GRID;
    let kept = 0;
    for (let i = 0; i < 3; i++)
      for (let y = 0; y < 16; y++)
        for (let x = 0; x < 16; x++) {
          const inBox = x >= box.x0 * cell && x < box.x1 * cell && y >= box.y0 * cell && y < box.y1 * cell;
          const v = batch.x1[i * 768 + (y * 16 + x) * 3 + 1]!;
          assert.equal(v, Math.fround(((inBox ? perm[i]! : i) + 1) / 10), `photo ${i} at ${x},${y}`);
          if (!inBox) kept++;
        }
    close(kept / (3 * 256), keptShare(box));
  }
});

test('the targets: each row shares its weight between its photo and the pasted one, and the other direction is the transpose', async () => {
  await initBackend('wasm');
  const box = { x0: 2, y0: 0, x1: 6, y1: 4 };
  const perm = [1, 2, 3, 0];
  const kept = keptShare(box);
  assert.equal(kept, 0.75);
  const rows = mixedTargets(box, perm, false).arraySync();
  const columns = mixedTargets(box, perm, true).arraySync();
  rows.forEach((row, i) => {
    assert.deepEqual(
      row,
      row.map((_, j) => (j === i ? kept : j === perm[i] ? 1 - kept : 0)),
    );
    row.forEach((v, j) => assert.equal(columns[j]![i], v));
  });
  for (const t of [rows, columns])
    for (const row of t)
      close(
        row.reduce((a, b) => a + b),
        1,
      );
  // On the 8×8 map each position names one photo: perm[i] inside the box's 16 cells.
  const local = mixedLocalTargets(box, perm, 8, 8).arraySync();
  assert.equal(local.length, 4 * 64);
  for (let i = 0; i < 4; i++) {
    const own = local.slice(i * 64, (i + 1) * 64);
    assert.ok(own.every((row) => row.reduce((a, b) => a + b) === 1));
    assert.equal(own.filter((row) => row[perm[i]!] === 1).length, 16);
    assert.equal(own[0 * 8 + 2]![perm[i]!], 1, 'cell (2, 0) is in the box');
    assert.equal(own[4 * 8 + 2]![i], 1, 'cell (2, 4) is not');
  }
  // On a 4×4 map, by where each position's centre falls: 2 × 2 of 16.
  const coarse = mixedLocalTargets(box, perm, 4, 4).arraySync();
  assert.equal(coarse.slice(0, 16).filter((row) => row[perm[0]!] === 1).length, 4);
});

test('InfoNCE with soft targets is the cross-entropy against them', async () => {
  await initBackend('wasm');
  const logits = tf.tensor2d([
    [2, 0],
    [1, 3],
  ]);
  const targets = tf.tensor2d([
    [0.7, 0.3],
    [0.25, 0.75],
  ]);
  const expected = (Math.log(Math.exp(2) + 1) - 0.7 * 2 + Math.log(Math.exp(1) + Math.exp(3)) - (0.25 + 0.75 * 3)) / 2;
  close(infoNceLoss(logits, targets).dataSync()[0]!, expected);
});

test('the objective trains through a mixed batch, and its targets change the loss', async () => {
  await initBackend('wasm');
  const c: ModelConfig = { ...presetConfig('tiny', 32), localMapSize: 8, cutMix: 1 };
  validateConfig(c);
  const p = Params.init(c, 3);
  const x1 = tf.randomUniform([4, 32, 32, 3], -1, 1) as tf.Tensor4D;
  const x2 = tf.randomUniform([4, 32, 32, 3], -1, 1) as tf.Tensor4D;
  const eps = tf.randomNormal([8, c.zDim]) as tf.Tensor2D;
  const plain = { x1, x2, eps, perm: [1, 2, 3, 0] };
  const mixed = { ...plain, cutMix: { x0: 0, y0: 0, x1: 4, y1: 8 } };
  assert.notEqual(dimLoss(p, c, plain).total.dataSync()[0], dimLoss(p, c, mixed).total.dataSync()[0]);
  const { grads } = tf.variableGrads(() => dimLoss(p, c, mixed).total, p.trainableVariables());
  for (const [name, g] of Object.entries(grads)) assert.ok(Array.from(g.dataSync()).every(Number.isFinite), name);
  p.dispose();
});

test('stepNoise mixes only when the option is on, and draws nothing more when it is off', () => {
  const c = presetConfig('tiny', 16);
  const [a, b] = [batchOf(), batchOf()];
  const off = stepNoise({ ...c, cutMix: 0 }, a, new Rng(7));
  assert.equal(off.batch, a, 'not mixed');
  const on = stepNoise({ ...c, cutMix: 1 }, b, new Rng(7));
  assert.ok(on.batch.cutMix, 'mixed');
  assert.equal(b.cutMix, undefined, 'on a copy');
  assert.equal(stepNoise({ ...c, cutMix: 1, estimator: 'js' }, batchOf(), new Rng(7)).batch.cutMix, undefined, 'only where it applies');
  assert.deepEqual(on.perm, off.perm);
  assert.deepEqual(on.eps, off.eps);
  assert.throws(() => validateConfig({ ...c, cutMix: 1, views: 1 }), /cutmix needs two views/);
  assert.throws(() => validateConfig({ ...c, cutMix: 1, estimator: 'js' }), /cutmix needs two views and plain InfoNCE/);
  assert.throws(() => validateConfig({ ...c, cutMix: 1.5 }), /cutmix must be in/);
});
