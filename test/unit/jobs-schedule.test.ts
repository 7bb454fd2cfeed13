// The overnight retraining schedule, with an injected clock, idle time and power state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SCHEDULE, retrainDecision, windowAround, type MachineState } from '../../src/main/jobs/schedule';

const local = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo - 1, d, h, mi);
const state = (over: Partial<MachineState>): MachineState => ({
  now: local(2026, 3, 10, 2),
  idleSeconds: 3600,
  onBattery: false,
  lastRetrainAt: local(2026, 3, 9, 3),
  unfinishedRetrain: false,
  newPhotosSinceTraining: 40,
  ...over,
});

test('due inside the window when idle on mains with new photos; the decision says when to stop', () => {
  const d = retrainDecision(DEFAULT_SCHEDULE, state({}));
  assert.equal(d.due, true);
  assert.ok(d.due && d.windowEndsAt.getTime() === local(2026, 3, 10, 6).getTime());
});

test('not due outside the window, on battery, in use, twice a night, or with nothing new', () => {
  const cases: [Partial<MachineState>, RegExp][] = [
    [{ now: local(2026, 3, 10, 12) }, /outside the retraining window \(01:00–06:00\)/],
    [{ now: local(2026, 3, 10, 6, 0) }, /outside/],
    [{ onBattery: true }, /battery/],
    [{ idleSeconds: 120 }, /in use \(idle 2 of 10 minutes\)/],
    [{ lastRetrainAt: local(2026, 3, 10, 1, 30) }, /already retrained/],
    [{ newPhotosSinceTraining: 0 }, /no new photos/],
  ];
  for (const [over, reason] of cases) {
    const d = retrainDecision(DEFAULT_SCHEDULE, state(over));
    assert.equal(d.due, false, JSON.stringify(over));
    assert.match(d.reason, reason);
  }
  assert.match(retrainDecision({ ...DEFAULT_SCHEDULE, enabled: false }, state({})).reason, /turned off/);
  assert.equal(retrainDecision({ ...DEFAULT_SCHEDULE, requireMains: false }, state({ onBattery: true })).due, true);
});

test('an unfinished retrain continues the next night even if one ran in this window', () => {
  const d = retrainDecision(
    DEFAULT_SCHEDULE,
    state({ unfinishedRetrain: true, lastRetrainAt: local(2026, 3, 10, 1, 30), newPhotosSinceTraining: 0 }),
  );
  assert.equal(d.due, true);
  assert.match(d.reason, /checkpoint/);
});

test('the first ever retrain is due with no history', () => {
  assert.equal(retrainDecision(DEFAULT_SCHEDULE, state({ lastRetrainAt: null, newPhotosSinceTraining: 0 })).due, true);
});

test('a window that crosses midnight', () => {
  const schedule = { ...DEFAULT_SCHEDULE, startHour: 23, endHour: 5 };
  const late = windowAround(local(2026, 3, 10, 23, 30), schedule);
  assert.equal(late.inside, true);
  assert.equal(late.end.getTime(), local(2026, 3, 11, 5).getTime());
  const early = windowAround(local(2026, 3, 11, 4), schedule);
  assert.equal(early.inside, true);
  assert.equal(early.start.getTime(), local(2026, 3, 10, 23).getTime());
  const afternoon = windowAround(local(2026, 3, 11, 15), schedule);
  assert.equal(afternoon.inside, false);
  assert.equal(afternoon.start.getTime(), local(2026, 3, 11, 23).getTime());
  const noon = retrainDecision(schedule, state({ now: local(2026, 3, 11, 12) }));
  assert.ok(!noon.due && noon.nextWindowStartsAt?.getTime() === local(2026, 3, 11, 23).getTime());
});
