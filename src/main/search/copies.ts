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
//  4. The photos the query was cropped from (crops.ts), among the first CROP_CANDIDATES of Find
//     similar's ranking that are not copies, judged against the same null sample's photos.
// Reads the query's and its candidates' model inputs; the library's hashes, their bound and the null
// sample once for each state of the library, then from a file (copiesLibraryFile.ts). No sharp, no
// model.
// Known limit: at 64×64 in grey two different objects alike in shape on one plain background (a
// dime and a nickel on white) pass as copies; measured on the stamps set, 8 of 840 results.
import type { Core } from '../core';
import { withoutBars } from './bars';
import { readCopiesLibrary, writeCopiesLibrary, type CopiesLibrary } from './copiesLibraryFile';
import { CROP_CANDIDATES, CROP_NULL_SAMPLES, cropGrey, cropPlanes, cropQuery, findCrops, PLANE_CODES, planeCodes, type CropPlanes } from './crops';
import { differenceHash } from '../library/differenceHash';
import { hammingDistanceAt, nearestDistances } from '../library/hamming';
import { luminance } from '../library/luminance';
import { modelInputSizes } from '../library/inputSizes';
import { changeGeneration, photosCounter } from '../store/changeCounters';
import type { Db } from '../store/db';
import { readModelInputs } from '../store/modelInputs';
import { photoIdsByContent, shownDifferenceHashes } from '../store/photos';
import { seededRandom } from '../util/rng';
import { fisherZ, MAD_EFFICIENCY, normalQuantile, robustStats, tToZ, type SignalStats } from './nearDuplicates';
import { PIXEL_SIDE, pixelSimilarities, pixelSimilarity, simdViews, viewCodes, type ViewCodes } from './pixelSignatures';
import type { SimdInt8Rows } from './simd';

/** How unusually close (in spreads of unrelated pairs) a hash must be for its photo to be tested. */
const CANDIDATE_Z = 3;
/** Hash distance (of 64 bits) always close enough to be tested: 6 bits or fewer by chance is below 1e-11 for independent fair bits. */
const FLOOR_BITS = 6;
/** Random pairs behind the hashes' median and spread. */
const HASH_NULL_PAIRS = 4000;
/** At most this many photos, the nearest by hash, are tested for one query. */
const MAX_CANDIDATES = 16;
/** The first photos of Find similar's ranking, tested too when they have bars. */
const RANKED_CANDIDATES = 8;
/** How much of Find similar's ranking the copies and crops look at (crops.ts: CROP_CANDIDATES). */
export const RANKED_TESTED = Math.max(RANKED_CANDIDATES, CROP_CANDIDATES);
/** The most copies (and photos the query was cropped from) one query can have. */
export const COPIES_AT_MOST = MAX_CANDIDATES + RANKED_TESTED;
/** Random library photos each query and candidate are compared with, for the null. */
const NULL_SAMPLES = 128;
/** The most photos the copies test sets aside from its null: the query and its candidates. */
const NULL_SET_ASIDE = 1 + MAX_CANDIDATES + RANKED_CANDIDATES;
/** Expected false copies among all the library's photos, for one query. */
const EXPECTED_FALSE_COPIES = 0.01;

export interface CopyMatch {
  photoId: number;
  /** How far the pair stands out from unrelated pairs (normal z); above the threshold. */
  z: number;
  /** The grey pixel correlation with the best-matching view of the query (of a crop: with its best window). */
  correlation: number;
  /** The query is a crop of this photo (crops.ts), not a copy of the whole frame. */
  crop?: true;
}

/** The same square RGB input with every pixel set to its luminance. */
export function greyInput(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    const y = Math.round(luminance(rgb, i));
    out[i] = out[i + 1] = out[i + 2] = y;
  }
  return out;
}

/** A square picture of `channels` interleaved channels (RGB input, or one view's grey codes) turned 90° clockwise. */
export function turned<T extends Uint8Array | Int8Array>(pixels: T, size: number, channels = 3): T {
  const out = (pixels instanceof Int8Array ? new Int8Array(pixels.length) : new Uint8Array(pixels.length)) as T;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * channels;
      const to = (x * size + (size - 1 - y)) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = pixels[from + c]!;
    }
  return out;
}

/** The input turned by 0, 90, 180 and 270°. */
export function quarterTurns(rgb: Uint8Array, size: number): Uint8Array[] {
  const turns = [rgb];
  for (let turn = 1; turn < 4; turn++) turns.push(turned(turns[turn - 1]!, size));
  return turns;
}

/**
 * Grey view codes of an input and of its three quarter turns, rows 0–3. Only the first is computed:
 * the views are centred squares and cutting bars treats opposite edges alike, so a turned input's
 * codes are its codes turned (the same numbers up to rounding), at a quarter of the cost.
 */
export function quarterTurnCodes(rgb: Uint8Array, size: number): ViewCodes {
  const first = greyCodes(new Map([[0, rgb]]), size);
  const { views, dim } = first;
  const codes = new Int8Array(4 * views * dim);
  codes.set(first.codes);
  for (let turn = 1; turn < 4; turn++)
    for (let view = 0; view < views; view++) {
      const from = ((turn - 1) * views + view) * dim;
      codes.set(turned(codes.subarray(from, from + dim), PIXEL_SIDE, 1), (turn * views + view) * dim);
    }
  const inverseNorms = Float32Array.from({ length: 4 * views }, (_, i) => first.inverseNorms[i % views]!);
  return { photoIds: [0, 1, 2, 3], views, dim, codes, inverseNorms };
}

interface CachedLibrary extends CopiesLibrary {
  generation: number;
  size: number;
  /** The null sample's codes in wasm memory, made at the first query that needs them. */
  nullViews?: SimdInt8Rows;
  /** The crop test's null photos' planes, made at the first query that needs them. */
  cropNullPlanes?: Map<number, CropPlanes>;
}

const libraryCache = new WeakMap<Db, CachedLibrary>();

/**
 * The shown photos' hashes, the candidates' bound and the null sample: kept in memory while the
 * library does not change, and in a file (copiesLibraryFile.ts) for the next process, so a query
 * reads only its own candidates' inputs.
 */
function copiesLibrary(core: Core, size: number): CachedLibrary {
  const db = core.db;
  const generation = changeGeneration(db, photosCounter);
  const cached = libraryCache.get(db);
  if (cached && cached.generation === generation && cached.size === size) return cached;
  let library = readCopiesLibrary(core.dataDir.caches, size, generation);
  if (!library || library.nulls.dim !== GREY_DIM || library.cropNulls.codeLength !== PLANE_CODES) {
    const { photoIds, hashes } = shownDifferenceHashes(db);
    const stats = hashNull(hashes, photoIds.length);
    const candidateBits = Math.max(FLOOR_BITS, stats ? stats.mean - CANDIDATE_Z * stats.sd : 0);
    library = { photoIds, hashes, candidateBits, ...nullSamples(db, photoIds, size) };
    writeCopiesLibrary(core.dataDir.caches, size, generation, library);
  }
  const fresh = { ...library, generation, size };
  libraryCache.set(db, fresh);
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
 * Random library photos: their grey view codes, enough to leave NULL_SAMPLES after setting aside a
 * query and its candidates (the copies' null); and the first CROP_NULL_SAMPLES + 1's grey and
 * planes' codes (the crops' null, crops.ts), enough to leave CROP_NULL_SAMPLES after the query.
 */
function nullSamples(db: Db, photoIds: readonly number[], size: number): Pick<CopiesLibrary, 'nulls' | 'cropNulls'> {
  // Drawn in content-hash order, so that the same photos give the same sample whatever order a
  // scan gave them their ids in (drawn by id, two fresh libraries of the same 76 photos marked
  // different stereo and consecutive pairs as copies).
  const shown = new Set(photoIds);
  const ordered = photoIdsByContent(db).filter((id) => shown.has(id));
  const random = seededRandom(11);
  const ids = new Set<number>();
  const wanted = Math.min(ordered.length, NULL_SAMPLES + NULL_SET_ASIDE);
  while (ids.size < wanted) ids.add(ordered[Math.floor(random() * ordered.length)]!);
  const inputs = readModelInputs(db, size, [...ids]);
  const cropIds = [...inputs.keys()].slice(0, CROP_NULL_SAMPLES + 1);
  const grey = new Uint8Array(cropIds.length * size * size);
  const codes = new Int8Array(cropIds.length * PLANE_CODES);
  cropIds.forEach((id, i) => {
    const picture = cropGrey(inputs.get(id)!, size);
    grey.set(picture, i * size * size);
    codes.set(planeCodes(picture, size), i * PLANE_CODES);
  });
  return { nulls: greyCodes(inputs, size), cropNulls: { photoIds: cropIds, grey, codes, codeLength: PLANE_CODES } };
}

/** A grey view's length: the luminance of PIXEL_SIDE² cells. */
const GREY_DIM = PIXEL_SIDE * PIXEL_SIDE;

/** Grey view codes of these inputs (their luminance only), keyed as given. */
function greyCodes(inputs: Map<number, Uint8Array>, size: number): ViewCodes {
  return viewCodes(new Map([...inputs].map(([id, rgb]) => [id, greyInput(rgb)])), size, 1);
}

/** The best correlation of any query view with row `row` of `t`. */
function bestView(views: ViewCodes, t: ViewCodes, row: number): number {
  let best = -Infinity;
  for (let v = 0; v < views.photoIds.length; v++) best = Math.max(best, pixelSimilarity(views, v, row, t));
  return best;
}

/** The input size the copies test reads: a picture outside the library is given at this size. */
export function copiesInputSize(db: Db): number {
  return modelInputSizes(db)[0]!;
}

/**
 * The library photos that are copies of this one, most alike first; none when it has no stored
 * input or hash. `ranked`: the first photos of Find similar's ranking, candidates too when they
 * have bars and their picture without them hashes close to the query.
 */
export function findCopies(core: Core, photoId: number, ranked: readonly number[] = []): CopyMatch[] {
  const size = copiesInputSize(core.db);
  const query = readModelInputs(core.db, size, [photoId]).get(photoId);
  return query ? copiesOf(core, query, size, ranked, photoId) : [];
}

/**
 * The library photos that are copies of a picture outside it ("is this already in my library?"),
 * given as its model input at copiesInputSize and its hash as ingest takes it (differenceHash of
 * the working image); otherwise as findCopies.
 */
export function findCopiesOfPicture(core: Core, picture: { input: Uint8Array; hash: Uint8Array }, ranked: readonly number[] = []): CopyMatch[] {
  return copiesOf(core, picture.input, copiesInputSize(core.db), ranked, null, picture.hash);
}

function copiesOf(core: Core, query: Uint8Array, size: number, ranked: readonly number[], photoId: number | null, hash?: Uint8Array): CopyMatch[] {
  const library = copiesLibrary(core, size);
  if (photoId !== null) {
    const own = library.photoIds.indexOf(photoId);
    if (own < 0) return [];
    hash = library.hashes.slice(own * 8, own * 8 + 8);
  }
  // The ranked photos' inputs, read once for both tests.
  const rankedInputs = readModelInputs(
    core.db,
    size,
    ranked.slice(0, RANKED_TESTED).filter((id) => id !== photoId),
  );
  const copies = wholeCopies(core, library, query, size, ranked.slice(0, RANKED_CANDIDATES), rankedInputs, photoId, hash);
  const shown = new Set<number | null>([photoId, ...copies.map((c) => c.photoId)]);
  const candidates = ranked.filter((id) => !shown.has(id) && rankedInputs.has(id)).slice(0, CROP_CANDIDATES);
  const crops = cropSources(library, query, size, new Map(candidates.map((id) => [id, rankedInputs.get(id)!])), shown);
  return [...copies, ...crops];
}

/** The copies of the whole frame (steps 1–3 above). */
function wholeCopies(
  core: Core,
  library: CachedLibrary,
  query: Uint8Array,
  size: number,
  ranked: readonly number[],
  rankedInputs: ReadonlyMap<number, Uint8Array>,
  photoId: number | null,
  hash: Uint8Array | undefined,
): CopyMatch[] {
  const db = core.db;
  const turns = quarterTurns(query, size);
  // The hashes of each turn, and of it without its bars; and its own, taken as the stored ones are
  // (from the whole decoded picture: its small input's hash differs by a few bits).
  const views = turns.flatMap((t) => [...new Set([t, withoutBars(t, size)])]);
  const hashes = [...(hash ? [hash] : []), ...views.map((v) => differenceHash({ data: v, width: size, height: size }))];
  const distances = nearestDistances(hashes, library.hashes);
  const near: { id: number; distance: number }[] = [];
  library.photoIds.forEach((id, i) => {
    if (id !== photoId && distances[i]! <= library.candidateBits) near.push({ id, distance: distances[i]! });
  });
  const candidates = near
    .sort((a, b) => a.distance - b.distance)
    .slice(0, MAX_CANDIDATES)
    .map((c) => c.id);
  for (const id of ranked) {
    const rgb = rankedInputs.get(id);
    if (!rgb || candidates.includes(id)) continue;
    const content = withoutBars(rgb, size);
    if (content === rgb) continue;
    const contentHash = differenceHash({ data: content, width: size, height: size });
    if (hashes.some((h) => hammingDistanceAt(h, contentHash, 0) <= library.candidateBits)) candidates.push(id);
  }
  if (candidates.length === 0) return [];

  // The null: the library's random photos, less the query and its candidates.
  const nulls = library.nulls;
  const excluded = new Set<number | null>([photoId, ...candidates]);
  const nullRows = nulls.photoIds.flatMap((id, row) => (excluded.has(id) ? [] : [row])).slice(0, NULL_SAMPLES);
  if (nullRows.length < 3) return [];
  const viewSignatures = quarterTurnCodes(query, size);
  const nullViews = (library.nullViews ??= simdViews(nulls));
  const bestTurn = new Float64Array(nulls.photoIds.length).fill(-Infinity);
  for (let turn = 0; turn < 4; turn++)
    pixelSimilarities(viewSignatures, turn, nulls, nullViews).forEach((c, row) => (bestTurn[row] = Math.max(bestTurn[row]!, c)));
  const queryNull = robustStats(nullRows.map((row) => fisherZ(bestTurn[row]!)))!;
  const tested = greyCodes(readModelInputs(db, size, candidates), size);
  const threshold = -normalQuantile(EXPECTED_FALSE_COPIES / Math.max(1, library.photoIds.length));

  const copies: CopyMatch[] = [];
  tested.photoIds.forEach((id, row) => {
    const correlation = bestView(viewSignatures, tested, row);
    // Most candidates are plainly unrelated; their own null (the costly part) is not needed.
    if ((fisherZ(correlation) - queryNull.mean) / queryNull.sd < threshold / 2) return;
    const toNulls = pixelSimilarities(tested, row, nulls, nullViews);
    const own = robustStats(nullRows.map((other) => fisherZ(toNulls[other]!)))!;
    const centre = (queryNull.mean + own.mean) / 2;
    const spread = Math.sqrt((queryNull.sd ** 2 + own.sd ** 2) / 2);
    const df = Math.max(1, MAD_EFFICIENCY * 2 * nullRows.length);
    const z = tToZ((fisherZ(correlation) - centre) / spread, df);
    if (z > threshold) copies.push({ photoId: id, z, correlation });
  });
  return copies.sort((a, b) => b.correlation - a.correlation);
}

/**
 * The ranked photos (given by their inputs) the query was cut from (crops.ts), judged against the
 * crops' null photos less the query and its copies. The ranked candidates may be among them: in a
 * small library they would otherwise leave too few, and one photo in the sample moves a median and
 * MAD by little.
 */
function cropSources(
  library: CachedLibrary,
  query: Uint8Array,
  size: number,
  inputs: ReadonlyMap<number, Uint8Array>,
  excluded: ReadonlySet<number | null>,
): CopyMatch[] {
  if (inputs.size === 0) return [];
  const { photoIds, grey, codes } = library.cropNulls;
  const area = size * size;
  library.cropNullPlanes ??= new Map(
    photoIds.map((id, i) => [id, cropPlanes(grey.subarray(i * area, (i + 1) * area), size, codes.subarray(i * PLANE_CODES, (i + 1) * PLANE_CODES))]),
  );
  const nulls = [...library.cropNullPlanes].flatMap(([id, planes]) => (excluded.has(id) ? [] : [planes])).slice(0, CROP_NULL_SAMPLES);
  const candidates = new Map([...inputs].map(([id, rgb]) => [id, cropPlanes(cropGrey(rgb, size), size)]));
  const crops = findCrops(cropQuery(cropGrey(query, size), size), candidates, nulls, library.photoIds.length);
  return crops.map((c) => ({ ...c, crop: true }));
}
