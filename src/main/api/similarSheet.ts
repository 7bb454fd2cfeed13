// "Save sheet" in the Find similar panel: the query and its nearest neighbours as one PNG, the
// figure `likeness similar --sheet` writes. Tiles come from the thumbnails the library already
// keeps (upright, and decodable whatever the original's format: RAW, HEIC); a photo without one
// falls back to its file.
import { readFile } from 'node:fs/promises';
import { parse } from 'node:path';
import type { ApiResponses } from '../../shared/api';
import type { Core } from '../core';
import { thumbnailFile } from '../library/thumbnails';
import { similarPhotos } from '../search/quickSimilar';
import { renderSheet, type SheetTile } from '../search/sheet';
import { photoPaths } from '../store/photos';

async function tile(core: Core, id: number, score?: number): Promise<SheetTile> {
  const path = photoPaths(core.db, id)[0] ?? '';
  const thumb = thumbnailFile(core, id);
  const image = thumb ? await readFile(thumb).catch(() => undefined) : undefined;
  return { path, image, score, label: parse(path).base };
}

export async function similarSheet(core: Core, id: number, k: number): Promise<ApiResponses['similarSheet']> {
  const { signal, results } = similarPhotos(core, id, k);
  const query = await tile(core, id);
  const neighbours = await Promise.all(results.map((r) => tile(core, r.photoId, r.score)));
  const png = await renderSheet(query, neighbours, { tile: 160 });
  return { fileName: `similar-to-${parse(query.path).name || id}.png`, png: png.toString('base64'), signal };
}
