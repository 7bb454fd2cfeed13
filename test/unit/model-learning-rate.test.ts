import assert from 'node:assert/strict';
import test from 'node:test';
import { budgetFraction, budgetImages, learningRateAt } from '../../src/main/model/trainLoop';

test('budget fraction: the furthest of the budgets given, capped at 1', () => {
  // Epochs count every image seen, so a resumed run carries on where it was.
  assert.equal(budgetFraction({ epochs: 2 }, 50, 100, 0, 0, 0), 0.25);
  assert.equal(budgetFraction({ epochs: 2 }, 500, 100, 0, 0, 0), 1);
  // Time counts from this run's start.
  assert.equal(budgetFraction({ deadline: 10_000 }, 0, 100, 0, 2_000, 4_000), 0.25);
  assert.equal(budgetFraction({ maxSteps: 8 }, 0, 100, 6, 0, 0), 0.75);
  assert.equal(budgetFraction({ epochs: 10, maxSteps: 8 }, 100, 100, 4, 0, 0), 0.5);
  assert.equal(budgetFraction({}, 100, 100, 4, 0, 0), 0);
  // A deadline already past at the start is not a budget to divide by.
  assert.equal(budgetFraction({ deadline: 1_000 }, 0, 100, 0, 2_000, 3_000), 0);
});

test('budget images: the progress total ends at the nearest budget', () => {
  const run = { seen: 640, seenAtStart: 0, photos: 76, batch: 64, elapsedMs: 10_000, now: 10_000 };
  // A first model: ten passes would be 6,400 images, but its minute at 64 images a second ends at 3,840.
  assert.equal(budgetImages({ epochs: 6400 / 76, deadline: 60_000 }, run), 3840);
  // A fast backend reaches its passes first.
  assert.equal(budgetImages({ epochs: 10, deadline: 60_000 }, run), 760);
  assert.equal(budgetImages({ maxSteps: 300, deadline: 60_000 }, run), 3840);
  assert.equal(budgetImages({ maxSteps: 30 }, { ...run, seenAtStart: 320 }), 320 + 30 * 64);
  // Never below what is already seen; with no budget, what is seen.
  assert.equal(budgetImages({ epochs: 1 }, run), 640);
  assert.equal(budgetImages({}, run), 640);
  assert.equal(budgetImages({ deadline: 60_000 }, { ...run, elapsedMs: 0 }), 640);
});

test('learning rate: constant, or a half cosine from the set rate to 0', () => {
  assert.equal(learningRateAt({ learningRate: 0.01 }, 0.7), 0.01);
  assert.equal(learningRateAt({ learningRate: 0.01, lrSchedule: 'constant' }, 0.7), 0.01);
  const cosine = { learningRate: 0.01, lrSchedule: 'cosine' as const };
  assert.equal(learningRateAt(cosine, 0), 0.01);
  assert.ok(Math.abs(learningRateAt(cosine, 0.5) - 0.005) < 1e-12);
  assert.ok(Math.abs(learningRateAt(cosine, 1)) < 1e-12);
  let last = Infinity;
  for (let f = 0; f <= 1; f += 0.05) {
    const lr = learningRateAt(cosine, f);
    assert.ok(lr <= last, 'never rises');
    last = lr;
  }
});
