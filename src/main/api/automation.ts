// What Likeness does by itself, as the Training screen shows and switches it: the first model
// after photos arrive (api/firstModel.ts) and overnight retraining (api/retrainScheduler.ts).
import type { ApiRequest, Automation } from '../../shared/api';
import type { Core } from '../core';
import { firstModelSetting, saveFirstModelSetting } from '../jobs/firstModel';
import { retrainSchedule, saveRetrainSchedule } from '../jobs/retrain';
import { windowAround } from '../jobs/schedule';

/** `heldBack`: why this process does not run the overnight schedule (a flag at start), or null. */
export function automation(core: Core, set: ApiRequest<'automation'>['set'], heldBack: string | null, now = new Date()): Automation {
  if (set?.firstModel !== undefined) saveFirstModelSetting(core, { enabled: set.firstModel });
  if (set?.overnight !== undefined) saveRetrainSchedule(core, { enabled: set.overnight });
  const first = firstModelSetting(core);
  const schedule = retrainSchedule(core);
  const window = windowAround(now, schedule);
  return {
    firstModel: { enabled: first.enabled, maxMinutes: first.maxMinutes },
    overnight: {
      enabled: schedule.enabled,
      startHour: schedule.startHour,
      endHour: schedule.endHour,
      nextWindowStartsAt: schedule.enabled ? window.start.toISOString() : null,
      inWindow: schedule.enabled && window.inside,
      heldBack: schedule.enabled ? heldBack : null,
    },
  };
}
