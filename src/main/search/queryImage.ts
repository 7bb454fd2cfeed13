// Find similar for an image that is not in the library: decoded exactly as ingest decodes, then
// embedded with the active model in memory and searched ('learned'), or, before there is a model
// with embeddings, compared by its pixel signature as quick matches are ('pixels'). Either way its
// copies in the library come first, as for a library photo (copies.ts). Nothing is written to the
// library.
import { readFile } from 'node:fs/promises';
import type { Core } from '../core';
import { decodePhoto } from '../library/decode';
import { differenceHash } from '../library/differenceHash';
import { modelInput } from '../library/renditions';
import { embedImages } from '../model/embed';
import { activeModel } from '../store/models';
import { COPIES_AT_MOST, copiesInputSize, findCopiesOfPicture } from './copies';
import { copiesFirst, findSimilarByPixelsTo, rankedCandidates, withSourceVersions, type SimilarAnswer } from './quickSimilar';
import { activeIndex } from './service';

export async function findSimilarToImage(core: Core, filePath: string, k: number): Promise<SimilarAnswer> {
  const decoded = await decodePhoto(await readFile(filePath), filePath);
  const active = activeModel(core.db) ? activeIndex(core) : null;
  // Enough of the ranking to fill k after the copies, as for a library photo.
  const wanted = k + COPIES_AT_MOST;
  let answer: SimilarAnswer;
  if (!active || active.index.photoIds.length === 0) {
    answer = { signal: 'pixels', results: await findSimilarByPixelsTo(core, (size) => modelInput(decoded.working, size), wanted) };
  } else {
    const [vector] = await embedImages(core, active.modelId, [await modelInput(decoded.working, active.inputSize)], active.inputSize);
    const { index } = active;
    answer = { signal: 'learned', results: index.search(vector!, wanted).map((n) => ({ photoId: index.photoIds[n.row]!, score: n.score })) };
  }
  // Its copies in the library first: the same picture already there, resized, grey, turned… or the
  // photo it was cropped from.
  const picture = { input: await modelInput(decoded.working, copiesInputSize(core.db)), hash: differenceHash(decoded.working) };
  const copies = withSourceVersions(core, findCopiesOfPicture(core, picture, rankedCandidates(answer.results)));
  return { signal: answer.signal, results: copiesFirst(copies, answer.results, k) };
}
