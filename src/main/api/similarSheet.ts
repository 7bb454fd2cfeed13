// "Save sheet" in the Find similar panel: the query and its nearest neighbours as one PNG, the
// figure `likeness similar --sheet` writes (search/sheet.ts).
import { parse } from 'node:path';
import type { ApiResponses } from '../../shared/api';
import type { Core } from '../core';
import { similarPhotos } from '../search/quickSimilar';
import { similarSheet as renderSimilarSheet } from '../search/sheet';
import { photoPaths } from '../store/photos';

export async function similarSheet(core: Core, id: number, k: number): Promise<ApiResponses['similarSheet']> {
  const { signal, results } = similarPhotos(core, id, k);
  const png = await renderSimilarSheet(core, id, results);
  return { fileName: `similar-to-${parse(photoPaths(core.db, id)[0] ?? '').name || id}.png`, png: png.toString('base64'), signal };
}
