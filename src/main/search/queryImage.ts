// Find similar for an image that is not in the library: decoded exactly as ingest decodes, then
// embedded with the active model in memory and searched ('learned'), or, before there is a model
// with embeddings, compared by its pixel signature as quick matches are ('pixels'). Nothing is
// written to the library.
import { readFile } from 'node:fs/promises';
import type { Core } from '../core';
import { decodePhoto } from '../library/decode';
import { modelInput } from '../library/renditions';
import { embedImages } from '../model/embed';
import { activeModel } from '../store/models';
import { findSimilarByPixelsTo, type SimilarAnswer } from './quickSimilar';
import { activeIndex } from './service';

export async function findSimilarToImage(core: Core, filePath: string, k: number): Promise<SimilarAnswer> {
  const decoded = await decodePhoto(await readFile(filePath), filePath);
  const active = activeModel(core.db) ? activeIndex(core) : null;
  if (!active || active.index.photoIds.length === 0) {
    return { signal: 'pixels', results: await findSimilarByPixelsTo(core, (size) => modelInput(decoded.working, size), k) };
  }
  const [vector] = await embedImages(core, active.modelId, [await modelInput(decoded.working, active.inputSize)], active.inputSize);
  const { index } = active;
  return { signal: 'learned', results: index.search(vector!, k).map((n) => ({ photoId: index.photoIds[n.row]!, score: n.score })) };
}
