// The first model, by itself: when indexing has left photos in a library with no active model,
// queue a training run (the job spec { kind: 'train', mode: 'first-model' }, budget:
// jobs/firstModel.ts), make the result active, then embed the library with it — which queues
// clustering and near-duplicates in turn. Each is a job of its own in the status bar, with progress
// and ETA, and can be cancelled. A cancelled or failed first run is not
// queued again until more photos arrive (or the next start). The setting firstModel.enabled turns
// this off. Until the model is active, Find similar answers from the pixel signal (search/quickSimilar.ts).
import type { Job } from '../../shared/api';
import { firstModelSetting } from '../jobs/firstModel';
import { modelInputSizes } from '../library/inputSizes';
import { countModelInputs } from '../store/modelInputs';
import { activeModel } from '../store/models';
import type { LikenessService } from './service';

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
    return this.service.work.run({ kind: 'train', mode: 'first-model' });
  }
}
