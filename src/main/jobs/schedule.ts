// When to retrain: inside the user's nightly window, only when the computer is idle and (on a
// laptop) on mains power, at most once per night unless an unfinished retrain is waiting to
// continue from its checkpoint. Pure: the clock, idle time and power state are passed in.

export interface RetrainSchedule {
  enabled: boolean;
  /** Local hour the window opens, 0–23 (default 1 = 01:00). */
  startHour: number;
  /** Local hour the window closes, 0–23 (default 6 = 06:00); before startHour means after midnight. */
  endHour: number;
  /** The computer must have seen no input for this long. */
  minIdleMinutes: number;
  /** Laptops only retrain on mains power. */
  requireMains: boolean;
}

export const DEFAULT_SCHEDULE: RetrainSchedule = { enabled: true, startHour: 1, endHour: 6, minIdleMinutes: 10, requireMains: true };

export interface MachineState {
  now: Date;
  idleSeconds: number;
  onBattery: boolean;
  /** When the last retrain finished (successfully or not), or null. */
  lastRetrainAt: Date | null;
  /** A retrain stopped at the end of an earlier window and can continue from its checkpoint. */
  unfinishedRetrain: boolean;
  /** Photos added or changed since the active model was trained. */
  newPhotosSinceTraining: number;
}

export type RetrainDecision = { due: true; reason: string; windowEndsAt: Date } | { due: false; reason: string; nextWindowStartsAt: Date | null };

/** The window containing `now`, or the next one to open. */
export function windowAround(now: Date, schedule: RetrainSchedule): { start: Date; end: Date; inside: boolean } {
  const at = (base: Date, dayOffset: number, hour: number) => {
    const d = new Date(base);
    d.setDate(d.getDate() + dayOffset);
    d.setHours(hour, 0, 0, 0);
    return d;
  };
  const length = schedule.endHour > schedule.startHour ? 0 : 1; // crosses midnight
  for (const dayOffset of [-1, 0, 1]) {
    const start = at(now, dayOffset, schedule.startHour);
    const end = at(now, dayOffset + length, schedule.endHour);
    if (now >= start && now < end) return { start, end, inside: true };
    if (now < start) return { start, end, inside: false };
  }
  const start = at(now, 1, schedule.startHour);
  return { start, end: at(now, 1 + length, schedule.endHour), inside: false };
}

export function retrainDecision(schedule: RetrainSchedule, state: MachineState): RetrainDecision {
  const window = windowAround(state.now, schedule);
  const wait = (reason: string): RetrainDecision => ({ due: false, reason, nextWindowStartsAt: schedule.enabled ? window.start : null });
  if (!schedule.enabled) return wait('overnight retraining is turned off');
  if (schedule.startHour === schedule.endHour) return wait('the retraining window is empty (start and end hours are equal)');
  if (!window.inside) return wait(`outside the retraining window (${pad(schedule.startHour)}:00–${pad(schedule.endHour)}:00)`);
  if (schedule.requireMains && state.onBattery) return wait('on battery power');
  if (state.idleSeconds < schedule.minIdleMinutes * 60)
    return wait(`the computer is in use (idle ${Math.floor(state.idleSeconds / 60)} of ${schedule.minIdleMinutes} minutes)`);
  if (state.unfinishedRetrain) return { due: true, reason: 'continuing last night’s retrain from its checkpoint', windowEndsAt: window.end };
  if (state.lastRetrainAt && state.lastRetrainAt >= window.start) return wait('already retrained in this window');
  if (state.newPhotosSinceTraining === 0 && state.lastRetrainAt) return wait('no new photos since the last retrain');
  return { due: true, reason: `${state.newPhotosSinceTraining} new or changed photos since the last training`, windowEndsAt: window.end };
}

function pad(hour: number): string {
  return String(hour).padStart(2, '0');
}
