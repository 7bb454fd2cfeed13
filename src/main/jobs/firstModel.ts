// The first model, trained by itself once a library has photos and no model: how long it trains
// (the budget rule) and the setting that turns it off.
//
// The rule: FIRST_EPOCHS passes over the library, and at least MIN_STEPS steps of the default batch
// (of the whole library, when it has fewer photos), never longer than the cap (setting firstModel.maxMinutes,
// default 20; LIKENESS_FIRST_MODEL_MINUTES overrides it, for tests and trials). Training stops at
// whichever comes first. So a small library gets its steps in about four minutes, a large one is
// capped, and a faster backend reaches the passes sooner or, when capped, sees more images. The
// time is only a cap: a laptop slower than expected, or busy with something else, still gets its
// steps (until session 15 the limit was the time the passes take at a nominal speed, and a busy
// 2-core machine stopped after 50 of its 100 steps). Later models come from the overnight retrain.
import type { Core } from '../core';
import { effectiveBatch, presetConfig } from '../model/config';
import { getSetting, setSetting } from '../store/settings';

export const FIRST_EPOCHS = 10;
/**
 * Until session 20 the floor was 6,400 images: 100 steps for libraries of 64 to 640 photos, and more
 * steps for fewer photos (168 for 38). Category precision@5 on the two labelled sets is about 5
 * points higher after 300 steps than after 100, for about two and a half more minutes on two cores;
 * on 38 photos, 505 steps (19,200 images) fall under raw pixels while 300 are the best measured
 * (docs/model.md, thirteenth round). So the floor counts steps, not images.
 */
export const MIN_STEPS = 300;
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
  const images = Math.max(FIRST_EPOCHS * photos, MIN_STEPS * effectiveBatch(presetConfig('fast'), photos));
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
