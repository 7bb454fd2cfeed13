// A pixel-level near-duplicate signal that needs no trained model: each photo's stored square model
// input (the whole picture, upright, squeezed to size×size) reduced to 16×16 RGB, centred on its own
// mean and L2-normalised, so the cosine of two signatures is the Pearson correlation of their
// pixels — unchanged by a gain or offset in brightness, and by re-encoding or resizing, which only
// disturb fine detail that 16×16 averages away.
// A crop squeezed to the square is the original's centre zoomed in, so besides the full frame each
// photo keeps views of its centre at CROP_SCALES; a pair's similarity is the best match of either
// photo's full frame with the other's full frame or centre view. The library's unrelated pairs are
// scored the same way (nearDuplicates.ts judges every signal against them), so taking the best of
// several views does not make unrelated photos look closer than the threshold allows.
// Bars (a letterbox's black bands, a scan's border: bars.ts) are cut away first, so that they
// neither make two barred pictures alike nor keep a barred copy from its original.
// Plain data (typed arrays, no class) so it can be sent to a worker thread as it is.
import type { Db } from '../store/db';
import { withoutBars } from './bars';
import { readModelInputs } from '../store/modelInputs';
import { SimdInt8Rows } from './simd';

export const PIXEL_SIDE = 16;
/** The full frame, then centre views covering these fractions of the width and height. */
export const CROP_SCALES = [1, 0.9, 0.8] as const;
/** Side of the coarse full-frame vector used to find candidate pairs (8×8 RGB: cheap to search). */
export const COARSE_SIDE = 8;

export interface PixelSignatures {
  photoIds: number[];
  side: number;
  /** side·side·3 */
  dim: number;
  views: number;
  /** photoIds.length × views × dim int8 codes of the centred, normalised vectors. */
  codes: Int8Array;
  /** 1/‖code‖ per photo and view, so code·code′·norm·norm′ is the cosine (0 for a flat picture). */
  inverseNorms: Float32Array;
  /** photoIds.length × COARSE_SIDE²·3 centred, L2-normalised full-frame vectors (candidate search). */
  coarse: Float32Array;
  coarseDim: number;
  /**
   * Per photo: the correlation of its full frame with itself moved by one cell of the signal
   * (1/side of the frame, diagonally): how alike a nearby viewpoint of the same scene is.
   */
  shiftReference: Float32Array;
}

/** The part of the signatures that pixelSimilarity reads: the views' codes (Find similar's copies keep only these). */
export type ViewCodes = Pick<PixelSignatures, 'photoIds' | 'views' | 'dim' | 'codes' | 'inverseNorms'>;

/**
 * Area-weighted resampling of the square [offset, offset + extent)² region of an RGB image to
 * side×side, centred on its own mean (over all channels) and L2-normalised. `channels` 1 keeps the
 * first channel only: of a grey picture (every channel its luminance), the same correlations for a
 * third of the work.
 */
export function regionVector(rgb: Uint8Array, size: number, offset: number, extent: number, side: number, channels: 1 | 3 = 3): Float32Array {
  const out = new Float32Array(side * side * channels);
  const step = extent / side;
  // Per output cell along one axis: the source pixels it overlaps and by how much.
  const spans: { first: number; weights: number[] }[] = [];
  for (let i = 0; i < side; i++) {
    const from = offset + i * step;
    const to = from + step;
    const first = Math.floor(from);
    const weights: number[] = [];
    for (let p = first; p < to && p < size; p++) weights.push(Math.min(to, p + 1) - Math.max(from, p));
    spans.push({ first, weights });
  }
  const mean = [0, 0, 0];
  for (let y = 0; y < side; y++) {
    const sy = spans[y]!;
    for (let x = 0; x < side; x++) {
      const sx = spans[x]!;
      let r = 0;
      let g = 0;
      let b = 0;
      let total = 0;
      for (let dy = 0; dy < sy.weights.length; dy++) {
        const row = (sy.first + dy) * size;
        for (let dx = 0; dx < sx.weights.length; dx++) {
          const w = sy.weights[dy]! * sx.weights[dx]!;
          const at = (row + sx.first + dx) * 3;
          r += w * rgb[at]!;
          if (channels === 3) {
            g += w * rgb[at + 1]!;
            b += w * rgb[at + 2]!;
          }
          total += w;
        }
      }
      const at = (y * side + x) * channels;
      out[at] = r / total;
      mean[0]! += out[at]!;
      if (channels === 3) {
        out[at + 1] = g / total;
        out[at + 2] = b / total;
        mean[1]! += out[at + 1]!;
        mean[2]! += out[at + 2]!;
      }
    }
  }
  let sum = 0;
  for (let j = 0; j < out.length; j++) {
    out[j]! -= mean[j % channels]! / (side * side);
    sum += out[j]! * out[j]!;
  }
  const scale = sum > 1e-9 ? 1 / Math.sqrt(sum) : 0;
  for (let j = 0; j < out.length; j++) out[j]! *= scale;
  return out;
}

/** The views of one model input (size×size×3 uint8), each centred and normalised. */
export function pixelViews(rgb: Uint8Array, size: number, side = PIXEL_SIDE, channels: 1 | 3 = 3): Float32Array[] {
  return CROP_SCALES.map((scale) => regionVector(rgb, size, (size * (1 - scale)) / 2, size * scale, side, channels));
}

/** Signatures of the given photos' model inputs, read from the library a block at a time (100k inputs would not fit at once). */
export function loadPixelSignatures(db: Db, inputSize: number, photoIds: readonly number[], block = 2000): PixelSignatures {
  const signatures = emptySignatures(photoIds.length);
  const present: number[] = [];
  for (let first = 0; first < photoIds.length; first += block) {
    const ids = photoIds.slice(first, first + block);
    const inputs = readModelInputs(db, inputSize, ids);
    for (const id of ids) {
      const rgb = inputs.get(id);
      if (!rgb) continue;
      writeSignature(signatures, present.length, rgb, inputSize);
      present.push(id);
    }
  }
  return trim(signatures, present);
}

/** Signatures from inputs already in memory (tests, evaluations). */
export function pixelSignatures(inputs: Map<number, Uint8Array>, inputSize: number): PixelSignatures {
  const ids = [...inputs.keys()];
  const signatures = emptySignatures(ids.length);
  ids.forEach((id, row) => writeSignature(signatures, row, inputs.get(id)!, inputSize));
  return trim(signatures, ids);
}

/**
 * Only the views' codes of inputs in memory: half the work of whole signatures. `channels` 1: of
 * grey inputs, the luminance alone.
 */
export function viewCodes(inputs: Map<number, Uint8Array>, inputSize: number, channels: 1 | 3 = 3): ViewCodes {
  const photoIds = [...inputs.keys()];
  const dim = PIXEL_SIDE * PIXEL_SIDE * channels;
  const views = CROP_SCALES.length;
  const codes: ViewCodes = {
    photoIds,
    views,
    dim,
    codes: new Int8Array(photoIds.length * views * dim),
    inverseNorms: new Float32Array(photoIds.length * views),
  };
  photoIds.forEach((id, row) => writeViews(codes, row, withoutBars(inputs.get(id)!, inputSize), inputSize, channels));
  return codes;
}

function emptySignatures(capacity: number): PixelSignatures {
  const dim = PIXEL_SIDE * PIXEL_SIDE * 3;
  const coarseDim = COARSE_SIDE * COARSE_SIDE * 3;
  return {
    photoIds: [],
    side: PIXEL_SIDE,
    dim,
    views: CROP_SCALES.length,
    codes: new Int8Array(capacity * CROP_SCALES.length * dim),
    inverseNorms: new Float32Array(capacity * CROP_SCALES.length),
    coarse: new Float32Array(capacity * coarseDim),
    coarseDim,
    shiftReference: new Float32Array(capacity),
  };
}

function writeSignature(s: PixelSignatures, row: number, rgb: Uint8Array, inputSize: number): void {
  rgb = withoutBars(rgb, inputSize);
  writeViews(s, row, rgb, inputSize);
  s.coarse.set(regionVector(rgb, inputSize, 0, inputSize, COARSE_SIDE), row * s.coarseDim);
  const cell = inputSize / PIXEL_SIDE;
  const still = regionVector(rgb, inputSize, 0, inputSize - cell, PIXEL_SIDE);
  const moved = regionVector(rgb, inputSize, cell, inputSize - cell, PIXEL_SIDE);
  let dot = 0;
  for (let j = 0; j < still.length; j++) dot += still[j]! * moved[j]!;
  s.shiftReference[row] = dot;
}

/** The views' int8 codes and norms of one input, bars already cut. */
function writeViews(s: ViewCodes, row: number, rgb: Uint8Array, inputSize: number, channels: 1 | 3 = 3): void {
  pixelViews(rgb, inputSize, PIXEL_SIDE, channels).forEach((v, view) => {
    // Int8 codes scaled to each vector's largest value: a quarter of float32's memory, and the
    // rounding moves a correlation by well under 0.01.
    let max = 0;
    for (let j = 0; j < v.length; j++) max = Math.max(max, Math.abs(v[j]!));
    const scale = max > 0 ? 127 / max : 0;
    const at = (row * s.views + view) * s.dim;
    let sum = 0;
    for (let j = 0; j < v.length; j++) {
      const q = Math.round(v[j]! * scale);
      s.codes[at + j] = q;
      sum += q * q;
    }
    s.inverseNorms[row * s.views + view] = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  });
}

function trim(s: PixelSignatures, ids: number[]): PixelSignatures {
  const n = ids.length;
  return {
    ...s,
    photoIds: ids,
    codes: s.codes.slice(0, n * s.views * s.dim),
    inverseNorms: s.inverseNorms.slice(0, n * s.views),
    coarse: s.coarse.slice(0, n * s.coarseDim),
    shiftReference: s.shiftReference.slice(0, n),
  };
}

function viewCosine(s: ViewCodes, rowA: number, viewA: number, t: ViewCodes, rowB: number, viewB: number): number {
  const a = (rowA * s.views + viewA) * s.dim;
  const b = (rowB * t.views + viewB) * t.dim;
  const codes = s.codes;
  const other = t.codes;
  // Four independent integer sums (dim is a multiple of 4: side²·3 with an even side).
  let d0 = 0;
  let d1 = 0;
  let d2 = 0;
  let d3 = 0;
  const end = a + s.dim;
  for (let i = a, j = b; i < end; i += 4, j += 4) {
    d0 = (d0 + codes[i]! * other[j]!) | 0;
    d1 = (d1 + codes[i + 1]! * other[j + 1]!) | 0;
    d2 = (d2 + codes[i + 2]! * other[j + 2]!) | 0;
    d3 = (d3 + codes[i + 3]! * other[j + 3]!) | 0;
  }
  return (d0 + d1 + d2 + d3) * s.inverseNorms[rowA * s.views + viewA]! * t.inverseNorms[rowB * t.views + viewB]!;
}

/**
 * Pixel similarity of two rows: the best correlation of one photo's full frame with the other's
 * full frame or a centre view (one of the two may be a crop of the other, never both). Row B may
 * be of another set of signatures (a picture outside the library).
 */
export function pixelSimilarity(s: ViewCodes, rowA: number, rowB: number, t: ViewCodes = s): number {
  let best = viewCosine(s, rowA, 0, t, rowB, 0);
  for (let view = 1; view < s.views; view++) {
    best = Math.max(best, viewCosine(s, rowA, view, t, rowB, 0), viewCosine(s, rowA, 0, t, rowB, view));
  }
  return best;
}

/** The views' codes of every row of `t`, ready for pixelSimilarities: one row per photo and view. */
export function simdViews(t: ViewCodes): SimdInt8Rows {
  return SimdInt8Rows.of(t.codes, t.dim);
}

/**
 * pixelSimilarity of row `row` of `s` with every row of `t` (`rows` = simdViews(t)), the same
 * numbers, with the dot products in wasm SIMD: many comparisons of one photo (Find similar's null)
 * in a cold process, where plain JS has not been optimised yet.
 */
export function pixelSimilarities(s: ViewCodes, row: number, t: ViewCodes, rows: SimdInt8Rows): Float64Array {
  const n = t.photoIds.length;
  const views = t.views;
  const best = new Float64Array(n).fill(-Infinity);
  for (let view = 0; view < s.views; view++) {
    const at = (row * s.views + view) * s.dim;
    const dots = rows.dots(s.codes.subarray(at, at + s.dim));
    const norm = s.inverseNorms[row * s.views + view]!;
    for (let r = 0; r < n; r++) {
      // The full frame against every view of the other; a centre view against its full frame only.
      for (let other = 0; other < (view === 0 ? views : 1); other++) {
        const cosine = dots[r * views + other]! * norm * t.inverseNorms[r * views + other]!;
        if (cosine > best[r]!) best[r] = cosine;
      }
    }
  }
  return best;
}

/** Row of each photo id. */
export function pixelRows(s: PixelSignatures): Map<number, number> {
  return new Map(s.photoIds.map((id, row) => [id, row]));
}
