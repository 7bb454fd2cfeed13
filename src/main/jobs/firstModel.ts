// The first model, trained by itself once a library has photos and no model: how long it trains
// (the budget rule) and the setting that turns it off.
//
// The rule: FIRST_EPOCHS passes over the library, and at least MIN_IMAGES images seen (a handful of
// photos still gets 300 steps of batch 64), never longer than the cap (setting firstModel.maxMinutes,
// default 20; LIKENESS_FIRST_MODEL_MINUTES overrides it, for tests and trials). Training stops at
// whichever comes first. So a small library gets its steps in about four minutes, a large one is
// capped, and a faster backend reaches the passes sooner or, when capped, sees more images. The
// time is only a cap: a laptop slower than expected, or busy with something else, still gets its
// steps (until session 15 the limit was the time the passes take at a nominal speed, and a busy
// 2-core machine stopped after 50 of its 100 steps). Later models come from the overnight retrain.
import type { Core } from '../core';
import { getSetting, setSetting } from '../store/settings';

export const FIRST_EPOCHS = 10;
/**
 * 300 steps of batch 64. Until session 20 it was 100 steps, which is what every library under 640
 * photos got; category precision@5 on the two labelled sets is about 5 points higher after 300 steps
 * than after 100 (docs/model.md, thirteenth round), for about two and a half more minutes on two cores.
 */
export const MIN_IMAGES = 300 * 64;
export const DEFAULT_MAX_MINUTES = 20;

export interface FirstModelBudget {
  /** Passes over the library to aim for. */
  epochs: number;
  /** The time limit; training stops at whichever comes first. */
  minutes: number;
  /** Images the epochs amount to. */
  images: number;
}

/** The budget for a library of `photos`. */
export function firstModelBudget(photos: number, maxMinutes = DEFAULT_MAX_MINUTES): FirstModelBudget {
  if (!(photos > 0) || !(maxMinutes > 0)) throw new RangeError('photos and cap must be positive');
  const images = Math.max(FIRST_EPOCHS * photos, MIN_IMAGES);
  return { epochs: images / photos, minutes: maxMinutes, images };
}

export interface FirstModelSetting {
  enabled: boolean;
  maxMinutes: number;
}

const SETTING = 'firstModel' as const;

/** The saved setting; LIKENESS_FIRST_MODEL=on|off and LIKENESS_FIRST_MODEL_MINUTES override it (tests, trials). */
export function firstModelSetting(core: Core, env: NodeJS.ProcessEnv = process.env): FirstModelSetting {
  const setting = { enabled: true, maxMinutes: DEFAULT_MAX_MINUTES, ...getSetting(core.db, SETTING) };
  if (env.LIKENESS_FIRST_MODEL === 'on' || env.LIKENESS_FIRST_MODEL === 'off') setting.enabled = env.LIKENESS_FIRST_MODEL === 'on';
  const minutes = Number(env.LIKENESS_FIRST_MODEL_MINUTES);
  if (minutes > 0) setting.maxMinutes = minutes;
  return setting;
}

export function saveFirstModelSetting(core: Core, change: Partial<FirstModelSetting>): void {
  setSetting(core.db, SETTING, { ...getSetting(core.db, SETTING), ...change });
}
