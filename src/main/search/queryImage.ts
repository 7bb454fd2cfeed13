// Find similar for an image that is not in the library: decoded exactly as ingest decodes, embedded
// with the active model in memory, searched. Nothing is written to the library.
import { readFile } from 'node:fs/promises';
import type { Core } from '../core';
import { decodePhoto } from '../library/decode';
import { modelInput } from '../library/renditions';
import { embedImages } from '../model/embed';
import { activeIndex, type SimilarResult } from './service';

export async function findSimilarToImage(core: Core, filePath: string, k: number): Promise<SimilarResult[]> {
  const active = activeIndex(core);
  const decoded = await decodePhoto(await readFile(filePath), filePath);
  const rgb = await modelInput(decoded.working, active.inputSize);
  const [vector] = await embedImages(core, active.modelId, [rgb], active.inputSize);
  const { index } = active;
  return index.search(vector!, k).map((n) => ({ photoId: index.photoIds[n.row]!, score: n.score }));
}
