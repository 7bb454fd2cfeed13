// Find similar for every photo at once, model or not: the active model's embeddings answer when
// they cover the query photo ('learned'); before the first model exists, or for a photo it has not
// embedded yet, the stored pixel signature answers ('pixels': pixelSignatures.ts — the photo's
// model input at 16×16, with centre views, compared by correlation). The pixel signal needs no
// training and is ready as soon as a photo is indexed; `likeness eval near-duplicates` measures it
// ("pixelViews") beside the learned embeddings. Either way the photo's own copies (grey, turned,
// letterboxed…: copies.ts) come first. One code path for the API and the CLI.
import type { SimilarSignal } from '../../shared/api';
import type { Core } from '../core';
import { modelInputSizes } from '../library/inputSizes';
import { changeGeneration, photosCounter } from '../store/changeCounters';
import type { Db } from '../store/db';
import { photoIdsWithInputs } from '../store/modelInputs';
import { activeModel } from '../store/models';
import { photoSummaries } from '../store/photos';
import { loadPixelSignatures, pixelRows, pixelSignatures, pixelSimilarity, type PixelSignatures } from './pixelSignatures';
import { COPIES_AT_MOST, findCopies, RANKED_CANDIDATES, type CopyMatch } from './copies';
import { activeIndex, findSimilar, SearchError, type SimilarResult } from './service';
import { TopK } from './topk';

export interface SimilarAnswer {
  /** Which signal ranked the results. */
  signal: SimilarSignal;
  results: SimilarResult[];
}

interface CachedSignatures {
  generation: number;
  signatures: PixelSignatures;
  rows: Map<number, number>;
}

const signatureCache = new WeakMap<Db, CachedSignatures>();

/** The input size the pixel signatures are read at: every photo has the configured one; the smallest stored is the cheapest to read. */
const signatureSize = (db: Db) => modelInputSizes(db)[0]!;

/**
 * Every indexed photo's pixel signature. When the photos changed, only the new ones are read (an
 * open Similar panel asks again each time a scan adds photos: reading all of them each time would
 * cost ~0.25 ms a photo of main thread, again and again); removed ones are dropped.
 */
function librarySignatures(db: Db): CachedSignatures {
  const generation = changeGeneration(db, photosCounter);
  const cached = signatureCache.get(db);
  if (cached && cached.generation === generation) return cached;
  const size = signatureSize(db);
  const current = photoIdsWithInputs(db, size);
  const known = cached?.rows ?? new Map<number, number>();
  const added = loadPixelSignatures(
    db,
    size,
    current.filter((id) => !known.has(id)),
  );
  const signatures = cached
    ? merged(
        cached.signatures,
        current.filter((id) => known.has(id)).map((id) => known.get(id)!),
        added,
      )
    : added;
  const fresh = { generation, signatures, rows: pixelRows(signatures) };
  signatureCache.set(db, fresh);
  return fresh;
}

/** The given rows of `old`, then every row of `added`, packed into one set of signatures. */
function merged(old: PixelSignatures, keepRows: number[], added: PixelSignatures): PixelSignatures {
  const n = keepRows.length + added.photoIds.length;
  const perPhoto = old.views * old.dim;
  const codes = new Int8Array(n * perPhoto);
  const inverseNorms = new Float32Array(n * old.views);
  const coarse = new Float32Array(n * old.coarseDim);
  keepRows.forEach((row, i) => {
    codes.set(old.codes.subarray(row * perPhoto, (row + 1) * perPhoto), i * perPhoto);
    inverseNorms.set(old.inverseNorms.subarray(row * old.views, (row + 1) * old.views), i * old.views);
    coarse.set(old.coarse.subarray(row * old.coarseDim, (row + 1) * old.coarseDim), i * old.coarseDim);
  });
  codes.set(added.codes, keepRows.length * perPhoto);
  inverseNorms.set(added.inverseNorms, keepRows.length * old.views);
  coarse.set(added.coarse, keepRows.length * old.coarseDim);
  return { ...old, photoIds: [...keepRows.map((row) => old.photoIds[row]!), ...added.photoIds], codes, inverseNorms, coarse };
}

/** The k photos whose pixel signatures correlate best with this photo's, best first, itself excluded. */
export function findSimilarByPixels(core: Core, photoId: number, k: number): SimilarResult[] {
  const { signatures, rows } = librarySignatures(core.db);
  const row = rows.get(photoId);
  if (row === undefined) {
    const known = photoSummaries(core.db, [photoId]).length > 0;
    throw new SearchError(known ? 'unavailable' : 'not-found', known ? `photo ${photoId} is still being indexed` : `photo ${photoId} not found`);
  }
  const top = new TopK(k);
  for (let other = 0; other < signatures.photoIds.length; other++) {
    if (other !== row) top.push(other, pixelSimilarity(signatures, row, other));
  }
  return top.sorted().map((s) => ({ photoId: signatures.photoIds[s.index]!, score: s.score }));
}

/**
 * The k library photos whose pixel signatures correlate best with a picture outside the library,
 * given as a function making its model input at a size (the library's signatures' size).
 */
export async function findSimilarByPixelsTo(core: Core, modelInputAt: (size: number) => Promise<Uint8Array>, k: number): Promise<SimilarResult[]> {
  const size = signatureSize(core.db);
  const query = pixelSignatures(new Map([[0, await modelInputAt(size)]]), size);
  const { signatures } = librarySignatures(core.db);
  const top = new TopK(k);
  for (let row = 0; row < signatures.photoIds.length; row++) top.push(row, pixelSimilarity(query, 0, row, signatures));
  return top.sorted().map((s) => ({ photoId: signatures.photoIds[s.index]!, score: s.score }));
}

/**
 * Learned matches when the active model has embedded the photo, quick pixel matches otherwise;
 * either way the photo's own copies first (copies.ts), scored by their pixel correlation.
 */
export function similarPhotos(core: Core, photoId: number, k: number): SimilarAnswer {
  const learned = activeModel(core.db) !== null && activeIndex(core).index.rowOfPhoto(photoId) !== undefined;
  // Copies come from the hashes or from the ranking's first (copies.ts), so the ranking is asked
  // for enough to fill k after them.
  const wanted = k + COPIES_AT_MOST;
  const ranked = learned ? findSimilar(core, photoId, wanted) : findSimilarByPixels(core, photoId, wanted);
  const copies = findCopies(core, photoId, rankedCandidates(ranked));
  return { signal: learned ? 'learned' : 'pixels', results: copiesFirst(copies, ranked, k) };
}

/** The first of a ranking, which the copies test also looks at (copies.ts). */
export const rankedCandidates = (ranked: readonly SimilarResult[]) => ranked.slice(0, RANKED_CANDIDATES).map((r) => r.photoId);

/** The first k of the copies, marked and scored by their correlation, then of the ranking. */
export function copiesFirst(copies: readonly CopyMatch[], ranked: readonly SimilarResult[], k: number): SimilarResult[] {
  const isCopy = new Set(copies.map((c) => c.photoId));
  return [...copies.map((c) => ({ photoId: c.photoId, score: c.correlation, copy: true })), ...ranked.filter((r) => !isCopy.has(r.photoId))].slice(
    0,
    k,
  );
}
