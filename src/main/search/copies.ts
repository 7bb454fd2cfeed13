// Copies first: Find similar puts the query's own copies before its learned neighbours — the same
// picture resized, recompressed, made grey, turned a quarter with no EXIF to undo it, letterboxed
// or captioned. The learned embedding is trained for "alike", and misses many of these (`likeness
// eval near-duplicates --hard`: a grey copy is often far from its colour original).
//
// How, for one query photo:
//  1. Its stored model input turned by 0, 90, 180 and 270°; for the hashes each also without its
//     bars (letterbox, borders: bars.ts), which the pixel signatures cut anyway.
//  2. Candidates: library photos whose stored difference hash is as close to the query's or to a
//     view's hash as only CANDIDATE_Z spreads of the library's own unrelated pairs allow (median
//     and 1.4826·MAD of random pairs' distances), or within FLOOR_BITS whatever the library.
//     Cheap (8 bytes a photo, no pixels read). Relative to the library, because on pictures of
//     objects on white every hash is closer to every other (measured: a 12-bit bound let 39 coins
//     and fruit through the pixel test as "copies" of each other on the stamps set, the relative
//     bound 9); the floor, because a small library of smooth pictures has so wide a spread that
//     the relative bound admits nothing. The MAX_CANDIDATES nearest of them are tested, so that
//     a query costs the same in a library of any size. A barred copy of the query (letterboxed)
//     has a stored hash of bars and all, far from the query's; so the first photos of Find
//     similar's own ranking that have bars are candidates too when the hash of their picture
//     without the bars is within the bound. (Testing the ranking's first photos without that
//     check marked 59 of 840 stamps as copies of look-alike objects.)
//  3. The test: the grey pixel correlation (16×16 with centre views, pixelSignatures.ts) of the
//     candidate's model input with the best-matching turn. Grey, so that a grey copy correlates as
//     its original does. It is judged against the same statistic (best turn) for NULL_SAMPLES
//     random library photos (one sample per library state), against both the query and the
//     candidate, so neither the turns nor a smooth picture make chance matches look closer. A copy
//     is a candidate whose z exceeds the z at which the library's N photos would give fewer than
//     EXPECTED_FALSE_COPIES false copies in all (Bonferroni), read as Student's t for the sampled
//     spread, as the duplicate rule does (nearDuplicates.ts).
// Reads the query's and its candidates' model inputs (the null sample once, then from a file); no
// sharp, no model.
// Known limit: at 64×64 in grey two different objects alike in shape on one plain background (a
// dime and a nickel on white) pass as copies; measured on the stamps set, 8 of 840 results.
import type { Core } from '../core';
import { withoutBars } from './bars';
import { readNullSample, writeNullSample } from './nullSampleFile';
import { differenceHash } from '../library/differenceHash';
import { hammingDistanceAt } from '../library/hamming';
import { modelInputSizes } from '../library/inputSizes';
import { changeGeneration, photosCounter } from '../store/changeCounters';
import type { Db } from '../store/db';
import { readModelInputs } from '../store/modelInputs';
import { shownDifferenceHashes } from '../store/photos';
import { seededRandom } from '../util/rng';
import { fisherZ, MAD_EFFICIENCY, normalQuantile, robustStats, tToZ, type SignalStats } from './nearDuplicates';
import { pixelSignatures, pixelSimilarity, type PixelSignatures } from './pixelSignatures';

/** How unusually close (in spreads of unrelated pairs) a hash must be for its photo to be tested. */
const CANDIDATE_Z = 3;
/** Hash distance (of 64 bits) always close enough to be tested: 6 bits or fewer by chance is below 1e-11 for independent fair bits. */
const FLOOR_BITS = 6;
/** Random pairs behind the hashes' median and spread. */
const HASH_NULL_PAIRS = 4000;
/** At most this many photos, the nearest by hash, are tested for one query. */
const MAX_CANDIDATES = 16;
/** The first photos of Find similar's ranking, tested too. */
export const RANKED_CANDIDATES = 8;
/** The most copies one query can have. */
export const COPIES_AT_MOST = MAX_CANDIDATES + RANKED_CANDIDATES;
/** Random library photos each query and candidate are compared with, for the null. */
const NULL_SAMPLES = 128;
/** Expected false copies among all the library's photos, for one query. */
const EXPECTED_FALSE_COPIES = 0.01;

export interface CopyMatch {
  photoId: number;
  /** How far the pair stands out from unrelated pairs (normal z); above the threshold. */
  z: number;
  /** The grey pixel correlation with the best-matching view of the query. */
  correlation: number;
}

/** The same square RGB input with every pixel set to its luminance. */
export function greyInput(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    const y = Math.round(0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!);
    out[i] = out[i + 1] = out[i + 2] = y;
  }
  return out;
}

/** A square RGB input turned 90° clockwise. */
export function turned(rgb: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 3;
      const to = (x * size + (size - 1 - y)) * 3;
      out[to] = rgb[from]!;
      out[to + 1] = rgb[from + 1]!;
      out[to + 2] = rgb[from + 2]!;
    }
  return out;
}

/** The input turned by 0, 90, 180 and 270°. */
export function quarterTurns(rgb: Uint8Array, size: number): Uint8Array[] {
  const turns = [rgb];
  for (let turn = 1; turn < 4; turn++) turns.push(turned(turns[turn - 1]!, size));
  return turns;
}

interface LibraryHashes {
  generation: number;
  photoIds: number[];
  /** 8 bytes a photo, in the order of photoIds. */
  hashes: Uint8Array;
  /** The largest distance a candidate's hash may have (CANDIDATE_Z below the unrelated pairs' median, at least FLOOR_BITS). */
  candidateBits: number;
  /** Grey signatures of random library photos for the nulls, read at the first query. */
  nulls?: PixelSignatures;
}

const hashCache = new WeakMap<Db, LibraryHashes>();

function libraryHashes(db: Db): LibraryHashes {
  const generation = changeGeneration(db, photosCounter);
  const cached = hashCache.get(db);
  if (cached && cached.generation === generation) return cached;
  const { photoIds, hashes } = shownDifferenceHashes(db);
  const stats = hashNull(hashes, photoIds.length);
  const fresh = { generation, photoIds, hashes, candidateBits: Math.max(FLOOR_BITS, stats ? stats.mean - CANDIDATE_Z * stats.sd : 0) };
  hashCache.set(db, fresh);
  return fresh;
}

/** Median and spread of the distances between random pairs of the library's hashes. */
function hashNull(hashes: Uint8Array, count: number): SignalStats | null {
  const random = seededRandom(11);
  const distances: number[] = [];
  for (let s = 0; s < HASH_NULL_PAIRS && count >= 2; s++) {
    const a = Math.floor(random() * count);
    const b = Math.floor(random() * count);
    if (a !== b) distances.push(hammingDistanceAt(hashes.subarray(a * 8, a * 8 + 8), hashes, b * 8));
  }
  return robustStats(distances);
}

/**
 * The library's null sample: grey signatures of random photos, enough to leave NULL_SAMPLES after
 * setting aside a query and its candidates. Taken once while the library does not change, and kept
 * in a file (nullSampleFile.ts) for the next process, so a query reads only its candidates.
 */
function nullSample(core: Core, library: LibraryHashes, size: number): PixelSignatures {
  if (library.nulls) return library.nulls;
  const stored = readNullSample(core.dataDir.caches, size, library.generation);
  if (stored) return (library.nulls = stored);
  const random = seededRandom(11);
  const ids = new Set<number>();
  const wanted = Math.min(library.photoIds.length, NULL_SAMPLES + COPIES_AT_MOST + 1);
  while (ids.size < wanted) ids.add(library.photoIds[Math.floor(random() * library.photoIds.length)]!);
  library.nulls = greySignatures(readModelInputs(core.db, size, [...ids]), size);
  writeNullSample(core.dataDir.caches, size, library.generation, library.nulls);
  return library.nulls;
}

/** Grey signatures of these inputs, keyed as given. */
function greySignatures(inputs: Map<number, Uint8Array>, size: number): PixelSignatures {
  return pixelSignatures(new Map([...inputs].map(([id, rgb]) => [id, greyInput(rgb)])), size);
}

/** The best correlation of any query view with row `row` of `t`. */
function bestView(views: PixelSignatures, t: PixelSignatures, row: number): number {
  let best = -Infinity;
  for (let v = 0; v < views.photoIds.length; v++) best = Math.max(best, pixelSimilarity(views, v, row, t));
  return best;
}

/**
 * The library photos that are copies of this one, most alike first; none when it has no stored
 * input or hash. `ranked`: the first photos of Find similar's ranking, candidates too when they
 * have bars and their picture without them hashes close to the query.
 */
export function findCopies(core: Core, photoId: number, ranked: readonly number[] = []): CopyMatch[] {
  const db = core.db;
  const size = modelInputSizes(db)[0]!;
  const query = readModelInputs(db, size, [photoId]).get(photoId);
  if (!query) return [];
  const library = libraryHashes(db);
  const own = library.photoIds.indexOf(photoId);
  if (own < 0) return [];
  const turns = quarterTurns(query, size);
  // The hashes of each turn, and of it without its bars (the stored hashes are of whole pictures).
  const views = turns.flatMap((t) => [...new Set([t, withoutBars(t, size)])]);
  const hashes = [library.hashes.slice(own * 8, own * 8 + 8), ...views.map((v) => differenceHash({ data: v, width: size, height: size }))];
  const near: { id: number; distance: number }[] = [];
  library.photoIds.forEach((id, i) => {
    if (id === photoId) return;
    let distance = Infinity;
    for (const h of hashes) distance = Math.min(distance, hammingDistanceAt(h, library.hashes, i * 8));
    if (distance <= library.candidateBits) near.push({ id, distance });
  });
  const candidates = near
    .sort((a, b) => a.distance - b.distance)
    .slice(0, MAX_CANDIDATES)
    .map((c) => c.id);
  const barred = readModelInputs(
    db,
    size,
    ranked.filter((id) => id !== photoId && !candidates.includes(id)),
  );
  for (const [id, rgb] of barred) {
    const content = withoutBars(rgb, size);
    if (content === rgb) continue;
    const hash = differenceHash({ data: content, width: size, height: size });
    if (hashes.some((h) => hammingDistanceAt(h, hash, 0) <= library.candidateBits)) candidates.push(id);
  }
  if (candidates.length === 0) return [];

  // The null: the library's random photos, less the query and its candidates.
  const nulls = nullSample(core, library, size);
  const excluded = new Set([photoId, ...candidates]);
  const nullRows = nulls.photoIds.flatMap((id, row) => (excluded.has(id) ? [] : [row])).slice(0, NULL_SAMPLES);
  if (nullRows.length < 3) return [];
  // A signature cuts bars itself: the turns are enough.
  const viewSignatures = greySignatures(new Map(turns.map((v, i) => [i, v])), size);
  const queryNull = robustStats(nullRows.map((row) => fisherZ(bestView(viewSignatures, nulls, row))))!;
  const tested = greySignatures(readModelInputs(db, size, candidates), size);
  const threshold = -normalQuantile(EXPECTED_FALSE_COPIES / Math.max(1, library.photoIds.length));

  const copies: CopyMatch[] = [];
  tested.photoIds.forEach((id, row) => {
    const correlation = bestView(viewSignatures, tested, row);
    // Most candidates are plainly unrelated; their own null (the costly part) is not needed.
    if ((fisherZ(correlation) - queryNull.mean) / queryNull.sd < threshold / 2) return;
    const own = robustStats(nullRows.map((other) => fisherZ(pixelSimilarity(tested, row, other, nulls))))!;
    const centre = (queryNull.mean + own.mean) / 2;
    const spread = Math.sqrt((queryNull.sd ** 2 + own.sd ** 2) / 2);
    const df = Math.max(1, MAD_EFFICIENCY * 2 * nullRows.length);
    const z = tToZ((fisherZ(correlation) - centre) / spread, df);
    if (z > threshold) copies.push({ photoId: id, z, correlation });
  });
  return copies.sort((a, b) => b.correlation - a.correlation);
}
