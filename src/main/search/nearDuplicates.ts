// Near-duplicates: the same shot resized, recompressed, cropped a little, rotated through EXIF or
// brightened. Two signals per pair, each standardised against unrelated pairs of the library itself
// (random pairs, so no threshold is tuned to any data set):
//   z_e = (atanh(cosine) − median) / spread   of the embeddings' cosine after Fisher's z-transform
//         (absent until a model is trained)
//   z_p = (atanh(r) − centre) / spread        of the pixel correlation r (pixelSignatures.ts: 16×16
//         RGB of the stored model input, the best of full frame and 90/80 % centre views), with
//         centre and spread those of the pair's own two photos against random others (the spread
//         never below the library's), read as Student's t for the few dozen pairs behind it
//   z_h = (median − Hamming distance) / spread of the 64-bit dHashes, only in place of z_p for a
//         photo with no stored model input (the hash summarises the same pixels more coarsely)
// with median and spread = 1.4826·MAD (robust: a small library's random pairs include many of its
// duplicates, which would inflate a plain standard deviation). Fisher's transform is the standard
// variance-stabilising one for correlations: near 0 it leaves the (near-Gaussian) unrelated pairs
// as they are, and it is unbounded as the cosine nears 1. Without it a wide spread of unrelated
// pairs caps z_e at (1 − median)/spread — 2.4 with a briefly trained model, below any sensible
// threshold however identical two photos are. (A log-distance scale was tried too: it stretches the
// unrelated pairs' upper tail, so random high-dimensional vectors crossed the threshold.)
// The pixels decide where they exist: their z passes every edit above (on the development photos
// 100 % of 80 % crops, JPEG q20, 25 % copies, EXIF rotations and ×1.15 brightness), while a briefly
// trained embedding puts look-alikes — two green leaf textures, two blue skies, grass and gravel —
// as far into its unrelated pairs' tail (z 6–7) as real copies: it is trained for "similar", not
// "the same shot". So the embedding may only speak against a pair: if it puts the pair farther
// apart than the typical unrelated pair (z < 0), the evidence is the lower of the two. Measured
// with two 3-minute models, pairs of different pictures over z*: the strongest of either signal
// (Tippett) 0 and 44 (three look-alike pictures), their sum (Stouffer) 2 and 5, the pixels with
// the embedding's veto none (the data set's own near-duplicate pairs, aloeL/aloeR and the like,
// set aside).
// With no pixel signature (no stored model input), the embedding and the hash are combined as
// before: the strongest of the two, unless either is below 0 (a crop moves the hash's 9×8 grid,
// so that fallback misses crops).
// A pair is a duplicate when its evidence exceeds z*, the normal quantile at which the library's
// N(N−1)/2 unrelated pairs, tested on each signal, would be expected to give fewer than 0.01 false
// duplicates in all (Bonferroni: 5.6 for 1,000 photos, 7.0 for 100,000, with two signals).
// Similar shots (bursts, nearby viewpoints) fall short of z*: a moved camera changes more than any
// edit. A candidate pair is also joined when its pixels are at least as alike as either photo is
// to itself moved by one cell of the 16×16 signal (a nearby viewpoint of one scene: pixelSignatures'
// shiftReference), more alike than unrelated pairs by similarShotThreshold (one expected chance
// pair in the library, and z ≥ 2), and the embedding does not put them apart (z < 0).
// duplicateKinds.ts then tells copies from similar shots.
// Groups are the connected components of duplicate and similar-shot pairs.
import { hammingDistance } from '../library/hamming';
import { Components } from './components';
import { neighbourGraph } from './graph';
import { seededRandom } from '../util/rng';
import { EmbeddingIndex } from './knn';
import { pixelRows, pixelSimilarity, type PixelSignatures } from './pixelSignatures';
import type { ProgressSink } from '../util/progress';

export interface DuplicateSignals {
  /** Embeddings of (some of) the photos; null when there is no trained model yet. */
  index: EmbeddingIndex | null;
  /** 8-byte difference hashes by photo id. */
  hashes: Map<number, Uint8Array>;
  /** Pixel signatures of the stored model inputs (pixelSignatures.ts); absent, the rule uses the other two. */
  pixels?: PixelSignatures | null;
}

/** Each signal's z-score for a pair; null where a photo lacks that signal. */
export interface PairEvidence {
  embedding: number | null;
  hash: number | null;
  pixels: number | null;
}

export interface NullStats {
  embedding: SignalStats | null;
  hash: SignalStats | null;
  /** The library-wide centre and spread of the pixel signal (reported; pairs are judged by `pixelsByRow`). */
  pixels: SignalStats | null;
  /** Each photo's own centre and spread of the pixel signal against random others, by signature row. */
  pixelsByRow: { mean: Float32Array; sd: Float32Array; samples: Uint16Array; pairs: number } | null;
}

/** Random partners per photo for its own pixel null (robust median and MAD of this many Fisher z values). */
export const PIXEL_NULL_SAMPLES = 48;

export interface SignalStats {
  /** Centre (median) of the signal over unrelated pairs. */
  mean: number;
  /** Spread (1.4826·MAD). */
  sd: number;
}

export interface DuplicateAnalysis {
  groups: number[][];
  threshold: number;
  embedding: SignalStats | null;
  hash: SignalStats | null;
  pixels: SignalStats | null;
  candidatePairs: number;
}

/** Normal quantile Φ⁻¹(p) (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Bumped whenever the rule changes, so stored groups found by an older rule are recomputed. */
export const DUPLICATE_RULE_VERSION = 8;

/** Expected false duplicates among all unrelated pairs of the library. */
export const EXPECTED_FALSE_PAIRS = 0.01;
/** A signal below this (farther apart than the median unrelated pair) vetoes the pair. */
export const MIN_SIGNAL_Z = 0;
/** The z at which a library's N(N−1)/2 unrelated pairs, tested on `signals` signals each, pass `expected` times by chance (Bonferroni). */
function chanceThreshold(expected: number, photoCount: number, signals: number): number {
  const tests = Math.max(1, (photoCount * (photoCount - 1)) / 2) * Math.max(1, signals);
  return -normalQuantile(Math.min(0.5, expected / tests));
}

/** z* such that N(N−1)/2 unrelated pairs, tested on `signals` signals each, give fewer than EXPECTED_FALSE_PAIRS false duplicates. */
export function duplicateThreshold(photoCount: number, signals = 2): number {
  return chanceThreshold(EXPECTED_FALSE_PAIRS, photoCount, signals);
}

/** Median and 1.4826·MAD (the standard deviation for Gaussian data, unmoved by a minority of duplicates). */
export function robustStats(values: number[]): SignalStats | null {
  if (values.length < 2) return null;
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const centre = median(values);
  const mad = median(values.map((v) => Math.abs(v - centre)));
  return { mean: centre, sd: Math.max(1.4826 * mad, 1e-6) };
}

/** Mean and spread of each signal over random pairs of distinct photos. */
export function nullStats(signals: DuplicateSignals, photoIds: readonly number[], samples = 20000, seed = 11): NullStats {
  const random = seededRandom(seed);
  const embedding: number[] = [];
  const hash: number[] = [];
  const pixels: number[] = [];
  const n = photoIds.length;
  if (n >= 2) {
    for (let s = 0; s < samples; s++) {
      const a = photoIds[Math.floor(random() * n)]!;
      const b = photoIds[Math.floor(random() * n)]!;
      if (a === b) continue;
      const e = embeddingCosine(signals.index, a, b);
      if (e !== null) embedding.push(fisherZ(e));
      const ha = signals.hashes.get(a);
      const hb = signals.hashes.get(b);
      if (ha && hb) hash.push(hammingDistance(ha, hb));
      const p = pixelCorrelation(signals.pixels, a, b);
      if (p !== null) pixels.push(fisherZ(p));
    }
  }
  const byRow = pixelNullByRow(signals.pixels, seed);
  // Distinct pairs behind the library-wide pixel spread: the random pairs drawn, at most all pairs.
  if (byRow) byRow.pairs = Math.min(pixels.length, (signals.pixels!.photoIds.length * (signals.pixels!.photoIds.length - 1)) / 2);
  return { embedding: robustStats(embedding), hash: robustStats(hash), pixels: robustStats(pixels), pixelsByRow: byRow };
}

/**
 * Each photo's own null for the pixel signal. The spread of the correlation between unrelated
 * pictures depends on the pictures themselves (Bartlett: the fewer independent pixels — the
 * smoother the picture — the wider it is), so one library-wide spread lets smooth, low-contrast
 * pictures look alike (measured: a dark dusk scene against a grey aerial photo reached z 6) while
 * textured ones could be judged too strictly. A pair is judged against the average of its two
 * photos' nulls.
 */
function pixelNullByRow(pixels: PixelSignatures | null | undefined, seed: number): NullStats['pixelsByRow'] {
  if (!pixels || pixels.photoIds.length < 3) return null;
  const n = pixels.photoIds.length;
  const random = seededRandom(seed + 1);
  const mean = new Float32Array(n);
  const sd = new Float32Array(n);
  const samples = new Uint16Array(n);
  const values: number[] = [];
  for (let row = 0; row < n; row++) {
    values.length = 0;
    if (n - 1 <= PIXEL_NULL_SAMPLES) {
      // A small library: every other photo, so the result does not depend on the order of ids.
      for (let other = 0; other < n; other++) if (other !== row) values.push(fisherZ(pixelSimilarity(pixels, row, other)));
    } else {
      for (let s = 0; s < PIXEL_NULL_SAMPLES; s++) {
        const other = Math.floor(random() * n);
        if (other !== row) values.push(fisherZ(pixelSimilarity(pixels, row, other)));
      }
    }
    const stats = robustStats(values)!;
    mean[row] = stats.mean;
    sd[row] = stats.sd;
    samples[row] = values.length;
  }
  return { mean, sd, samples, pairs: 0 };
}

/** Efficiency of the MAD as an estimate of a Gaussian spread: it is worth this fraction of its sample. */
export const MAD_EFFICIENCY = 0.37;

/**
 * A t statistic with `df` degrees of freedom as the normal z of equal tail probability (Wallace's
 * approximation, good in the far tail where duplicates are judged).
 */
export function tToZ(t: number, df: number): number {
  return Math.sign(t) * ((8 * df + 1) / (8 * df + 3)) * Math.sqrt(df * Math.log1p((t * t) / df));
}

/** Fisher's z of a cosine, clamped where float32 rounding makes identical inputs differ by ~1e-7. */
export function fisherZ(cosine: number): number {
  return Math.atanh(Math.min(1 - 1e-6, Math.max(-1 + 1e-6, cosine)));
}

function embeddingCosine(index: EmbeddingIndex | null, a: number, b: number): number | null {
  if (!index) return null;
  const ra = index.rowOfPhoto(a);
  const rb = index.rowOfPhoto(b);
  if (ra === undefined || rb === undefined) return null;
  const data = index.matrix.data;
  const stride = index.matrix.stride;
  let dot = 0;
  for (let j = 0; j < index.dim; j++) dot += data[ra * stride + j]! * data[rb * stride + j]!;
  return dot;
}

const rowsOfSignatures = new WeakMap<PixelSignatures, Map<number, number>>();

function pixelRowsOf(pixels: PixelSignatures, a: number, b: number): [number, number] | null {
  let rows = rowsOfSignatures.get(pixels);
  if (!rows) rowsOfSignatures.set(pixels, (rows = pixelRows(pixels)));
  const ra = rows.get(a);
  const rb = rows.get(b);
  return ra === undefined || rb === undefined ? null : [ra, rb];
}

function pixelCorrelation(pixels: PixelSignatures | null | undefined, a: number, b: number): number | null {
  const rows = pixels ? pixelRowsOf(pixels, a, b) : null;
  return rows ? pixelSimilarity(pixels!, rows[0], rows[1]) : null;
}

function pixelZ(pixels: PixelSignatures | null | undefined, stats: NullStats, a: number, b: number): number | null {
  const byRow = stats.pixelsByRow;
  const rows = pixels && byRow && stats.pixels ? pixelRowsOf(pixels, a, b) : null;
  if (!rows) return null;
  const [ra, rb] = rows;
  const centre = (byRow!.mean[ra]! + byRow!.mean[rb]!) / 2;
  // Never narrower than the library-wide spread: a photo's few dozen partners may by chance all be
  // unlike it (and in a small library they are copies of a handful of pictures), which would make
  // an unremarkable pair look exceptional; the per-photo spread is there to widen it for smooth ones.
  const own = Math.sqrt((byRow!.sd[ra]! ** 2 + byRow!.sd[rb]! ** 2) / 2);
  const spread = Math.max(stats.pixels!.sd, own);
  // A spread estimated from a few dozen pairs makes the standardised value Student's t, not
  // normal: its tail is heavier the fewer the pairs (measured before this correction: two unrelated
  // generated pictures in a 24-photo library crossed z* by chance of the spreads). The library-wide
  // spread rests on all the library's distinct pairs (up to the random pairs drawn).
  const df = Math.max(1, MAD_EFFICIENCY * (own >= stats.pixels!.sd ? byRow!.samples[ra]! + byRow!.samples[rb]! : byRow!.pairs));
  return tToZ((fisherZ(pixelSimilarity(pixels!, ra, rb)) - centre) / spread, df);
}

/**
 * Each signal's z-score for a pair (null where a photo lacks that signal). The hash counts only
 * where the pair has no pixel signal: it is a coarser summary (9×8 grey gradient signs) of the same
 * pixels, so counting both would count one piece of evidence twice — and its tail is not Gaussian
 * (measured: two unrelated dark wallpapers reached hash z 5.8, above z*, while their pixel z was 2).
 */
export function pairSignals(signals: DuplicateSignals, stats: NullStats, a: number, b: number): PairEvidence {
  const e = stats.embedding ? embeddingCosine(signals.index, a, b) : null;
  const pixels = pixelZ(signals.pixels, stats, a, b);
  const ha = pixels === null ? signals.hashes.get(a) : undefined;
  const hb = pixels === null ? signals.hashes.get(b) : undefined;
  return {
    embedding: e !== null && stats.embedding ? (fisherZ(e) - stats.embedding.mean) / stats.embedding.sd : null,
    hash: ha && hb && stats.hash ? (stats.hash.mean - hammingDistance(ha, hb)) / stats.hash.sd : null,
    pixels,
  };
}

/** Evidence that two photos are the same shot (see the module comment); null with no signal. */
export function combineEvidence(z: PairEvidence): number | null {
  if (z.pixels !== null) return z.embedding !== null && z.embedding < MIN_SIGNAL_Z ? Math.min(z.embedding, z.pixels) : z.pixels;
  const present = [z.embedding, z.hash].filter((v): v is number => v !== null);
  if (present.length === 0) return null;
  const weakest = Math.min(...present);
  return weakest < MIN_SIGNAL_Z ? weakest : Math.max(...present);
}

/** A similar shot stands out from unrelated pairs by at least the conventional two standard deviations. */
export const SIMILAR_SHOT_MIN_Z = 2;
/** Expected similar-shot suggestions among all unrelated pairs of the library: one, against the duplicate rule's 0.01. */
export const EXPECTED_FALSE_SIMILAR_PAIRS = 1;

/**
 * How far a similar shot's pixels must stand out from unrelated pairs: z 3.5 at 100 photos, 4.1 at
 * 300, 5.5 at 10,000. A suggestion to review, so a hundred times laxer than the duplicate rule, but
 * like it counted over the library's N(N−1)/2 pairs: z 2 (one-sided p ≈ 0.02 per pair) let 280
 * photos of objects on white and in scenes suggest 14 groups of "similar shots", one of them real.
 */
export function similarShotThreshold(photoCount: number): number {
  return Math.max(SIMILAR_SHOT_MIN_Z, chanceThreshold(EXPECTED_FALSE_SIMILAR_PAIRS, photoCount, 1));
}

/** The similar-shot rule of the module comment (for a pair that is not a duplicate), with similarShotThreshold's z. */
export function isSimilarShotPair(signals: DuplicateSignals, z: PairEvidence, a: number, b: number, minZ: number): boolean {
  const pixels = signals.pixels;
  const rows = pixels ? pixelRowsOf(pixels, a, b) : null;
  if (!rows || z.pixels === null || z.pixels < minZ || (z.embedding !== null && z.embedding < MIN_SIGNAL_Z)) return false;
  const reference = Math.max(pixels!.shiftReference[rows[0]]!, pixels!.shiftReference[rows[1]]!);
  return pixelSimilarity(pixels!, rows[0], rows[1]) >= reference;
}

/** The duplicate rule of the module comment. */
export function isDuplicatePair(z: PairEvidence, threshold: number): boolean {
  const evidence = combineEvidence(z);
  return evidence !== null && evidence >= threshold;
}

/**
 * Candidate pairs: each photo's nearest neighbours by embedding, and photos whose hashes agree
 * exactly on one of four 16-bit quarters (certain for Hamming ≤ 3, likely for a few more). Buckets
 * larger than `maxBucket` are skipped: those are flat or blank images that all hash alike.
 */
function candidatePairs(
  signals: DuplicateSignals,
  photoIds: readonly number[],
  neighbours: number,
  options: { onProgress?: ProgressSink; signal?: AbortSignal },
): Set<string> {
  const pairs = new Set<string>();
  const add = (a: number, b: number) => {
    if (a !== b) pairs.add(a < b ? `${a},${b}` : `${b},${a}`);
  };
  const addNeighbours = (index: EmbeddingIndex) => {
    if (index.size < 2) return;
    const graph = neighbourGraph(index, neighbours, options);
    for (let row = 0; row < index.size; row++) {
      for (let i = 0; i < graph.k; i++) {
        const other = graph.neighbours[row * graph.k + i]!;
        if (other >= 0) add(index.photoIds[row]!, index.photoIds[other]!);
      }
    }
  };
  if (signals.index) addNeighbours(signals.index);
  // Nearest by coarse pixels too: with no model yet (or one that has not learned much) these are
  // the likely copies, and a hash bucket misses whatever moved more than a few bits.
  if (signals.pixels) addNeighbours(new EmbeddingIndex(signals.pixels.photoIds, signals.pixels.coarse, signals.pixels.coarseDim));
  const maxBucket = 64;
  for (let quarter = 0; quarter < 4; quarter++) {
    const buckets = new Map<number, number[]>();
    for (const id of photoIds) {
      const h = signals.hashes.get(id);
      if (!h) continue;
      const key = (h[2 * quarter]! << 8) | h[2 * quarter + 1]!;
      const bucket = buckets.get(key);
      if (bucket) bucket.push(id);
      else buckets.set(key, [id]);
    }
    for (const bucket of buckets.values()) {
      if (bucket.length < 2 || bucket.length > maxBucket) continue;
      for (let i = 0; i < bucket.length; i++) for (let j = i + 1; j < bucket.length; j++) add(bucket[i]!, bucket[j]!);
    }
  }
  return pairs;
}

export function findDuplicateGroups(
  signals: DuplicateSignals,
  photoIds: readonly number[],
  options: { neighbours?: number; onProgress?: ProgressSink; signal?: AbortSignal } = {},
): DuplicateAnalysis {
  const stats = nullStats(signals, photoIds);
  // One test per pair where the pixels decide (the embedding only vetoes); two where a photo has no
  // pixel signature and the embedding and the hash each may make the pair.
  const fallback = (stats.embedding ? 1 : 0) + (stats.hash ? 1 : 0);
  const everyPhotoHasPixels = !!signals.pixels && photoIds.every((id) => pixelRowsOf(signals.pixels!, id, id) !== null);
  const threshold = duplicateThreshold(photoIds.length, stats.pixels ? (everyPhotoHasPixels ? 1 : Math.max(1, fallback)) : fallback);
  const similarZ = similarShotThreshold(photoIds.length);
  const pairs = candidatePairs(signals, photoIds, options.neighbours ?? 10, options);
  const components = new Components();
  for (const key of pairs) {
    const [a, b] = key.split(',').map(Number) as [number, number];
    const z = pairSignals(signals, stats, a, b);
    if (isDuplicatePair(z, threshold) || isSimilarShotPair(signals, z, a, b, similarZ)) components.join(a, b);
  }
  const result = [...components.members().values()].filter((g) => g.length > 1).map((g) => g.sort((x, y) => x - y));
  result.sort((x, y) => y.length - x.length || x[0]! - y[0]!);
  return { groups: result, threshold, embedding: stats.embedding, hash: stats.hash, pixels: stats.pixels, candidatePairs: pairs.size };
}

/** The copy to keep: largest resolution, then oldest (date taken, else when added), then lowest id. */
export function chooseKeeper(photos: { id: number; pixels: number; takenAt: string | null; addedAt: string }[]): number {
  const sorted = [...photos].sort(
    (a, b) =>
      b.pixels - a.pixels || (a.takenAt ?? '\uffff').localeCompare(b.takenAt ?? '\uffff') || a.addedAt.localeCompare(b.addedAt) || a.id - b.id,
  );
  return sorted[0]!.id;
}
