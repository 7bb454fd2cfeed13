// Which model-input sizes the library prepares at ingest: the configured one (64 by default)
// and that of the active model, so new photos can be embedded without decoding them again.
import type { Db } from '../store/db';
import { activeModelInputSize } from '../store/library';
import { getSetting } from '../store/settings';

export const DEFAULT_INPUT_SIZE = 64;

export function modelInputSizes(db: Db): number[] {
  const sizes = new Set<number>([getSetting(db, 'model.inputSize', DEFAULT_INPUT_SIZE)]);
  const active = activeModelInputSize(db);
  if (active !== undefined) sizes.add(active);
  return [...sizes].sort((a, b) => a - b);
}
