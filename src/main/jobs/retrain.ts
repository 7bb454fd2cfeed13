// A retrain, start to finish: train a new version (warm-started from the active one unless asked
// otherwise), embed the whole library with it, and make it active only if it passes the quality
// gate; then recompute clusters and duplicates. Stopped (window over, or cancelled), it leaves a
// checkpoint, and the next retrain continues from there.
import type { Core } from '../core';
import type { BackendChoice } from '../model/backend';
import { embedLibrary } from '../model/embed';
import { qualityGate, type GateResult } from './qualityGate';
import { trainModel } from '../model/train';
import { currentClusteringInWorker, duplicateGroupsInWorker } from '../search/background';
import { clustersOf } from '../store/clusters';
import { activeModel, activateModel, interruptedModel } from '../store/models';
import { photosAddedSince, recordGateResult } from '../store/retrain';
import { getSetting, setSetting } from '../store/settings';
import type { LossPoint } from '../../shared/api';
import type { ProgressSink } from '../util/progress';
import { DEFAULT_SCHEDULE, type MachineState, type RetrainSchedule } from './schedule';

export interface RetrainOptions {
  fromScratch?: boolean;
  /** Backend for training and embedding (default: the saved setting, else automatic). */
  backend?: BackendChoice;
  minutes?: number;
  epochs?: number;
  /** Photos sampled for the quality gate. */
  gateSample?: number;
  onProgress?: ProgressSink;
  onLoss?: (point: LossPoint, modelId: number) => void;
  /** Told which stage is running: training, embedding, checking, clustering. */
  onStage?: (stage: string) => void;
  signal?: AbortSignal;
}

export interface RetrainOutcome {
  modelId: number;
  activated: boolean;
  gate: GateResult;
  /** One line for a notification. */
  summary: string;
}

/**
 * Retrains continue a model night after night, so they decay the weights (AdamW, λ = 1): from a
 * first model of 300 steps, 700 more steps with it gave category precision@5 3.0 points higher on
 * the photographs and the same on the stamps as those steps without it, and from scratch it was
 * ahead on both sets at 3,000 steps (docs/model.md, fifteenth round). The first model trains
 * without it: at 300 steps it costs a little.
 */
export const RETRAIN_WEIGHT_DECAY = 1;

export function retrainSchedule(core: Core): RetrainSchedule {
  return { ...DEFAULT_SCHEDULE, ...getSetting(core.db, 'retrain.schedule') };
}

/** Saves part of the schedule (e.g. { enabled: false }: overnight retraining off), keeping the rest. */
export function saveRetrainSchedule(core: Core, change: Partial<RetrainSchedule>): void {
  setSetting(core.db, 'retrain.schedule', { ...getSetting(core.db, 'retrain.schedule'), ...change });
}

/** What the schedule needs to know about the library; the caller supplies the machine's side. */
export function libraryRetrainState(core: Core): Pick<MachineState, 'lastRetrainAt' | 'unfinishedRetrain' | 'newPhotosSinceTraining'> {
  const last = getSetting(core.db, 'retrain.lastAt');
  return {
    lastRetrainAt: last ? new Date(last) : null,
    unfinishedRetrain: interruptedModel(core.db) !== null,
    newPhotosSinceTraining: photosAddedSince(core.db, activeModel(core.db)?.id ?? null),
  };
}

export async function retrain(core: Core, options: RetrainOptions = {}): Promise<RetrainOutcome> {
  const previous = activeModel(core.db);
  options.onStage?.('training');
  const candidate = await trainModel(
    core,
    {
      fromScratch: options.fromScratch,
      minutes: options.minutes,
      epochs: options.epochs,
      activate: false,
      backend: options.backend,
      overrides: { weightDecay: RETRAIN_WEIGHT_DECAY },
    },
    { onProgress: options.onProgress, onLoss: options.onLoss, signal: options.signal },
  );
  options.onStage?.('embedding');
  await embedLibrary(core, { modelId: candidate.id, onProgress: options.onProgress, signal: options.signal, backend: options.backend });
  options.onStage?.('checking quality');
  const gate = await qualityGate(core, candidate.id, previous?.id ?? null, {
    sample: options.gateSample,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  recordGateResult(core.db, candidate.id, gate.reason, {
    nearDuplicateRecallAt5: gate.candidate,
    activeRecallAt5: gate.active,
    queries: gate.queries,
  });
  setSetting(core.db, 'retrain.lastAt', new Date().toISOString());
  if (!gate.passed) {
    return { modelId: candidate.id, activated: false, gate, summary: `Retrained, but kept model ${previous!.id}: ${gate.reason}` };
  }
  activateModel(core.db, candidate.id);
  options.onStage?.('clustering');
  // In worker threads: the app and `likeness serve` keep answering while a large library is regrouped.
  const clustering = await currentClusteringInWorker(core, { onProgress: options.onProgress, signal: options.signal });
  const clusters = clustersOf(core.db, clustering.id).length;
  const duplicates = await duplicateGroupsInWorker(core, { onProgress: options.onProgress, signal: options.signal });
  return {
    modelId: candidate.id,
    activated: true,
    gate,
    summary: `New model ${candidate.id} is active: ${clusters} clusters, ${duplicates.length} duplicate sets (${gate.reason})`,
  };
}
