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
import { COPIES_AT_MOST, findCopies, RANKED_TESTED, type CopyMatch } from './copies';
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

/** The ranking of a library photo: learned when the active model has embedded it, quick pixel matches otherwise. */
function similarRanking(core: Core, photoId: number, k: number): SimilarAnswer {
  const learned = activeModel(core.db) !== null && activeIndex(core).index.rowOfPhoto(photoId) !== undefined;
  return { signal: learned ? 'learned' : 'pixels', results: learned ? findSimilar(core, photoId, k) : findSimilarByPixels(core, photoId, k) };
}

/**
 * Learned matches when the active model has embedded the photo, quick pixel matches otherwise;
 * either way the photo's own copies first (copies.ts), scored by their pixel correlation, then the
 * photos it was cropped from and their other versions.
 */
export function similarPhotos(core: Core, photoId: number, k: number): SimilarAnswer {
  // Copies come from the hashes or from the ranking's first (copies.ts), so the ranking is asked
  // for enough to fill k after them.
  const { signal, results: ranked } = similarRanking(core, photoId, k + COPIES_AT_MOST);
  const copies = withSourceVersions(core, findCopies(core, photoId, rankedCandidates(ranked)), photoId);
  return { signal, results: copiesFirst(copies, ranked, k) };
}

/** The copies, then the other versions of the photo a crop was cut from (sourceVersions), found with that photo's own ranking. */
export function withSourceVersions(core: Core, copies: readonly CopyMatch[], query: number | null = null): CopyMatch[] {
  const ranked = (source: number) => rankedCandidates(similarRanking(core, source, RANKED_TESTED).results);
  return [...copies, ...sourceVersions(core, copies, ranked, query)];
}

/**
 * When a query is a crop (copies with `crop`), the copies and sources of the photo it was cut from
 * that the query's own ranking did not hold — a grey or a turned version of it, or, when that photo
 * is itself a crop (an 80 % one), the whole picture: the query is a crop of each. Marked as crops,
 * scored as the source is at most (their own score is their likeness to the source, not the query).
 * `ranked`: the first of a library photo's ranking, as rankedCandidates gives them.
 */
export function sourceVersions(
  core: Core,
  copies: readonly CopyMatch[],
  ranked: (photoId: number) => number[],
  query: number | null = null,
): CopyMatch[] {
  const source = copies.find((c) => c.crop);
  if (!source) return [];
  const shown = new Set([query, ...copies.map((c) => c.photoId)]);
  return findCopies(core, source.photoId, ranked(source.photoId))
    .filter((c) => !shown.has(c.photoId))
    .map((c) => ({ ...c, correlation: Math.min(c.correlation, source.correlation), crop: true }));
}

/** The first of a ranking, which the copies and crops tests also look at (copies.ts). */
export const rankedCandidates = (ranked: readonly SimilarResult[]) => ranked.slice(0, RANKED_TESTED).map((r) => r.photoId);

/** The first k of the copies (and the photos the query was cropped from), marked and scored by their correlation, then of the ranking. */
export function copiesFirst(copies: readonly CopyMatch[], ranked: readonly SimilarResult[], k: number): SimilarResult[] {
  const isCopy = new Set(copies.map((c) => c.photoId));
  return [
    ...copies.map((c) => ({ photoId: c.photoId, score: c.correlation, ...(c.crop ? { uncropped: true } : { copy: true }) })),
    ...ranked.filter((r) => !isCopy.has(r.photoId)),
  ].slice(0, k);
}
