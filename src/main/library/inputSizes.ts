// Which model-input sizes the library prepares at ingest: the configured one (64 by default)
// and that of the active model, so new photos can be embedded without decoding them again.
import type { Db } from '../store/db';
import { activeModelInputSize } from '../store/library';
import { getSetting, SETTINGS } from '../store/settings';

export const DEFAULT_INPUT_SIZE = SETTINGS['model.inputSize'].fallback;

export function modelInputSizes(db: Db): number[] {
  const sizes = new Set<number>([getSetting(db, 'model.inputSize')]);
  const active = activeModelInputSize(db);
  if (active !== undefined) sizes.add(active);
  return [...sizes].sort((a, b) => a - b);
}
