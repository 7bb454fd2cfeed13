import assert from 'node:assert/strict';
import test from 'node:test';
import { budgetFraction, learningRateAt } from '../../src/main/model/trainLoop';

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
