// Model inputs outside a scan: for an image that is not in the library (query by image, evals),
// and for library photos that lack an input of a newly chosen size.
import type { Core } from '../core';
import { ProgressTracker, throwIfCancelled, type ProgressSink } from '../util/progress';
import { insertModelInput, photosMissingInput } from '../store/library';
import { readFile } from 'node:fs/promises';
import { decodePhoto } from './decode';
import { modelInput } from './renditions';

/** Decodes an image file (orientation applied) into a size×size RGB model input. Writes nothing. */
export async function modelInputFromFile(path: string, size: number): Promise<Uint8Array> {
  const decoded = await decodePhoto(await readFile(path), path);
  return modelInput(decoded.working, size);
}

/**
 * Makes the size×size input for every photo that has none, reading the photo from the first of its
 * paths that still decodes. Resumable: each input is committed as it is made.
 */
export async function ensureModelInputs(
  core: Core,
  size: number,
  options: { onProgress?: ProgressSink; signal?: AbortSignal } = {},
): Promise<{ made: number; failed: number }> {
  const pending = photosMissingInput(core.db, size, Number.MAX_SAFE_INTEGER);
  const progress = new ProgressTracker(options.onProgress ?? (() => {}), pending.length);
  let made = 0;
  let failed = 0;
  for (const photo of pending) {
    throwIfCancelled(options.signal);
    let input: Uint8Array | null = null;
    for (const path of photo.paths) {
      try {
        input = await modelInputFromFile(path, size);
        break;
      } catch {
        // try the photo's next path; an offline copy is not an error
      }
    }
    if (input) {
      insertModelInput(core.db, photo.id, size, input);
      made++;
    } else failed++;
    progress.update(made + failed, `${size}×${size} model inputs`);
  }
  return { made, failed };
}
