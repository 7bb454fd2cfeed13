// The first model, trained by itself once a library has photos and no model: how long it trains
// (the budget rule) and the setting that turns it off.
//
// The rule: aim for FIRST_EPOCHS passes over the library, and at least MIN_IMAGES images seen (a
// handful of photos still gets ~100 steps of batch 64), at the backend's nominal training speed;
// spend at least MIN_MINUTES and never more than the cap (setting firstModel.maxMinutes, default
// 20; LIKENESS_FIRST_MODEL_MINUTES overrides it, for tests and trials). Training stops at whichever
// of the two (the epochs or the minutes) comes first. So a small library gets its full passes in a
// minute or two, a large one is capped, and a faster backend reaches its passes sooner — or, when
// capped, sees more images in the same minutes (a GPU trains more in the same minutes).
// Later models come from the overnight retrain, which has the whole night.
import type { Core } from '../core';
import { getSetting, setSetting } from '../store/settings';

export const FIRST_EPOCHS = 10;
export const MIN_IMAGES = 100 * 64;
export const MIN_MINUTES = 1;
export const DEFAULT_MAX_MINUTES = 20;

/**
 * Nominal training throughput in images a second, per backend. wasm is measured here (64×64
 * inputs, the fast preset, batch 64: ~55 img/s per core, DESIGN.md); the others are estimates
 * that only set how soon the budget's epochs are reached — the cap bounds the time either way.
 */
export const NOMINAL_IMAGES_PER_SECOND = { gpu: 400, tensorflow: 150, wasm: 55, cpu: 0.4 } as const;
export type SpeedClass = keyof typeof NOMINAL_IMAGES_PER_SECOND;

/** A backend as the Training screen names it ('wasm', 'webgpu', 'Vulkan (GPU window)', …) and its reason → its speed class. */
export function speedClassOf(uses: string, reason: string): SpeedClass {
  if (uses === 'webgpu' || uses.includes('GPU window') || (uses === 'tensorflow' && reason.includes('CUDA'))) return 'gpu';
  if (uses === 'tensorflow') return 'tensorflow';
  if (uses === 'cpu') return 'cpu';
  return 'wasm';
}

export interface FirstModelBudget {
  /** Passes over the library to aim for. */
  epochs: number;
  /** The time limit; training stops at whichever comes first. */
  minutes: number;
  /** Images the epochs amount to. */
  images: number;
}

/** The budget for a library of `photos` on a backend training `imagesPerSecond` (all its workers together). */
export function firstModelBudget(photos: number, imagesPerSecond: number, maxMinutes = DEFAULT_MAX_MINUTES): FirstModelBudget {
  if (!(photos > 0) || !(imagesPerSecond > 0) || !(maxMinutes > 0)) throw new RangeError('photos, speed and cap must be positive');
  const images = Math.max(FIRST_EPOCHS * photos, MIN_IMAGES);
  const minutes = Math.min(maxMinutes, Math.max(MIN_MINUTES, images / imagesPerSecond / 60));
  return { epochs: images / photos, minutes, images };
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
