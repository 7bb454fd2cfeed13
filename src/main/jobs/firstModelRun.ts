// The first model's training run (the job spec { kind: 'train', mode: 'first-model' }): its budget
// is worked out when it starts, from the library's size (jobs/firstModel.ts),
// and the version it trains becomes the active one. What queues it is api/firstModel.ts.
import type { LossPoint, ModelVersion } from '../../shared/api';
import { formatDuration } from '../../shared/format';
import type { Core } from '../core';
import { modelInputSizes } from '../library/inputSizes';
import { trainModel } from '../model/train';
import { countModelInputs } from '../store/modelInputs';
import { firstModelBudget, firstModelSetting } from './firstModel';
import type { JobContext } from './runner';

export async function trainFirstModel(
  core: Core,
  { onProgress, signal }: JobContext,
  onLoss?: (point: LossPoint, modelId: number) => void,
): Promise<{ model: ModelVersion; summary: string }> {
  const photos = countModelInputs(core.db, modelInputSizes(core.db)[0]!);
  const budget = firstModelBudget(photos, firstModelSetting(core).maxMinutes);
  const model = await trainModel(
    core,
    { minutes: budget.minutes, epochs: budget.epochs, activate: true },
    {
      signal,
      onProgress: (p) => onProgress({ ...p, message: `first model (up to ${formatDuration(budget.minutes * 60)}): ${p.message ?? 'training'}` }),
      onLoss,
    },
  );
  const summary = `First model #${model.id} is active (${model.steps} steps in ${formatDuration(model.durationMs / 1000)}); embedding your photos with it next`;
  return { model, summary };
}
