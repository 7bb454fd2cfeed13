// What the evaluations share with the command line that runs them.
import type { TrainOptions } from '../model/train';
import type { ProgressSink } from '../util/progress';

/** The caller's input cannot be evaluated (too few photos, no such model): a usage error at the command line. */
export class EvalInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalInputError';
  }
}

/** A progress line for one stage of a run ('index', 'train'), ended when the stage ends. */
export interface StageProgress {
  show: ProgressSink;
  end(): void;
}

/** No progress lines. */
export const quietStage: StageProgress = { show: () => {}, end: () => {} };

/** What every training evaluation takes: the recipe it trains, its sheets, and how it reports. */
export interface EvalRunOptions {
  recipe: TrainOptions;
  /** Write this many sheets (query + 9 neighbours, learned and raw pixels) into sheetDir. */
  sheetDir?: string;
  sheetCount?: number;
  /** Leave the temporary library (and generated pictures) for the caller to look at. */
  keep?: boolean;
  signal?: AbortSignal;
  say?: (line: string) => void;
}
