// The first model, by itself: when indexing has left photos in a library with no active model,
// queue a training run (budget: jobs/firstModel.ts), make the result active, then embed the library
// with it — which queues clustering and near-duplicates in turn. Each is a job of its own in the
// status bar, with progress and ETA, and can be cancelled. A cancelled or failed first run is not
// queued again until more photos arrive (or the next start). The setting firstModel.enabled turns
// this off. Until the model is active, Find similar answers from the pixel signal (search/quickSimilar.ts).
import type { Job } from '../../shared/api';
import type { Core } from '../core';
import type { JobContext } from '../jobs/runner';
import { firstModelBudget, firstModelSetting, NOMINAL_IMAGES_PER_SECOND, speedClassOf } from '../jobs/firstModel';
import { modelInputSizes } from '../library/inputSizes';
import { trainingBackendStatus } from '../model/backendStatus';
import { trainModel } from '../model/train';
import { defaultWorkers } from '../model/workerStart';
import { countModelInputs } from '../store/modelInputs';
import { activeModel } from '../store/models';
import type { LikenessService } from './service';

/** Kept with the job: marks it as the first-model run, which the flow (not resumeInterrupted) restarts. */
export interface FirstModelParams {
  firstModel: true;
}

/** Fewest photos trainModel accepts. */
const MIN_PHOTOS = 4;

export class FirstModelFlow {
  /** Photos the library had when the last first run was queued: a cancelled run waits for more. */
  private queuedAt = -1;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly service: LikenessService) {}

  /** Listens for indexing that leaves the library without a model, and looks once now. */
  start(): void {
    this.stop();
    this.unsubscribe = this.service.events.subscribe((event) => {
      if (event.type === 'library-changed' || (event.type === 'job' && event.job.kind === 'scan' && event.job.state === 'done')) this.check();
    });
    this.check();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Queues the first training run if it is due; returns it. */
  check(): Job | null {
    const { core, jobs } = this.service;
    if (!firstModelSetting(core).enabled || activeModel(core.db)) return null;
    // Wait for indexing to finish, so the first model sees the whole folder.
    if (jobs.pending('scan') || jobs.pending('train')) return null;
    const photos = countModelInputs(core.db, modelInputSizes(core.db)[0]!);
    if (photos < MIN_PHOTOS || photos <= this.queuedAt) return null;
    this.queuedAt = photos;
    return jobs.enqueue('train', 'Training a first model on your photos', (ctx) => this.train(core, ctx), { firstModel: true } satisfies FirstModelParams);
  }

  private async train(core: Core, { onProgress, signal }: JobContext): Promise<string> {
    const photos = countModelInputs(core.db, modelInputSizes(core.db)[0]!);
    const backend = await trainingBackendStatus(core);
    const speed = speedClassOf(backend.uses, backend.reason);
    const rate = NOMINAL_IMAGES_PER_SECOND[speed] * (speed === 'gpu' ? 1 : defaultWorkers());
    const budget = firstModelBudget(photos, rate, firstModelSetting(core).maxMinutes);
    const model = await trainModel(
      core,
      { minutes: budget.minutes, epochs: budget.epochs, activate: true },
      {
        signal,
        onProgress: (p) => onProgress({ ...p, message: `first model (up to ${formatMinutes(budget.minutes)}): ${p.message ?? 'training'}` }),
        onLoss: (point, modelId) => this.service.events.publish({ type: 'loss', modelId, point }),
      },
    );
    this.service.events.publish({ type: 'library-changed' });
    this.service.embed();
    return `First model #${model.id} is active (${model.steps} steps in ${formatMinutes(model.durationMs / 60_000)}); embedding your photos with it next`;
  }
}

function formatMinutes(minutes: number): string {
  return minutes < 1 ? `${Math.max(1, Math.round(minutes * 60))} s` : `${+minutes.toFixed(1)} min`;
}
