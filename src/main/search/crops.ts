// Crops: the copies test (copies.ts) compares whole frames, and centre views of 80–90 % of the frame
// (pixelSignatures.ts), so a photo cut down to half of each side, or to a part off the centre, is
// another picture to it — and to the hash, which is how copies find their candidates. Find similar
// then shows the learned neighbours of the crop, which often do not include the photo it was cut
// from (`likeness eval near-duplicates --hard`: crop50 0.74 recall@5).
//
// The test, for a query and each of the first photos of Find similar's own ranking: the best
// correlation of the query's whole frame (grey, bars cut, 16×16 cells) with any window of the
// candidate, at every position one cell apart and at five scales from 42 % to 80 % of each side,
// then refined between them (bestWindow). Each scale is a plane: the candidate resampled so that a
// window of that scale is 16×16 cells, over which the query slides in wasm (simd.ts SimdWindows: each
// window's dot product with the query, its sum and its sum of squares). Grey, so that a crop of a
// grey copy matches too. A window as a share of each side of the square model input is a crop that keeps the
// picture's proportions; a crop to other proportions (a square cut of a landscape) is not looked for.
// Judged as a copy is: against the same statistic — the best window — for the query and random
// library photos (the copies' null sample), so that a smooth query, which matches some window of
// most pictures, needs a closer match; a crop is a candidate whose z exceeds the z at which the
// library's N photos would give fewer than EXPECTED_FALSE_CROPS false crops in all, and that
// correlates at least MIN_CORRELATION.
// Known limit: pictures built alike. A simple shape on a plain background (a letter "l" on white)
// is a window of many other such pictures (an "u"): 26 false marks on 419 clip-art stamps; and one
// of 100 generated landscapes, all sky over ridges, was marked a crop of four others (0.945–0.969).
// Asking a crop to beat every null photo's best window halved the clip-art marks, but failed a crop
// whenever a copy of its source was in the null sample (in a small library, always): not kept.
import { fisherZ, MAD_EFFICIENCY, normalQuantile, robustStats, tToZ } from './nearDuplicates';
import { luminance } from '../library/luminance';
import { withoutBars } from './bars';
import { SimdWindows, WINDOW_SIDE } from './simd';

/** Side (in cells) of each scale's plane: a window of WINDOW_SIDE cells covers WINDOW_SIDE/side of the frame (80, 70, 59, 50 and 42 %). */
const PLANE_SIDES = [20, 23, 27, 32, 38] as const;
/**
 * The first photos of Find similar's ranking that are tested for being the photo a query was cut
 * from. The learned ranking holds a half crop's source less surely than a copy's, and less so the
 * more a recipe groups photos by kind: on the hard eval library, the sources of missed half crops
 * sat at places 30–75 of 836 (142 in one run). Each candidate costs about 0.4 ms (its planes, the
 * wasm windows, the refinement): 96 instead of 24 add about 30 ms to a query (`likeness bench cli`).
 */
export const CROP_CANDIDATES = 96;
/** Random library photos the query's best window is also taken over, for the null. */
export const CROP_NULL_SAMPLES = 32;
/** Expected false crops among all the library's photos, for one query. */
const EXPECTED_FALSE_CROPS = 0.01;
/**
 * The least correlation of a crop with its window, whatever the null says. The best of a thousand
 * windows has a heavier upper tail than the normal the z reads it with (an extreme value): in a
 * library of 33 generated landscapes, an unrelated one's window at 0.72 passed the z alone. A crop
 * of the same pixels correlates above 0.95 after resampling and JPEG (0.99 and more in the tests),
 * so 0.9 leaves room for edits on top of the crop.
 */
const MIN_CORRELATION = 0.9;

/** A picture's planes, one per scale, of int8 cells. */
export interface CropPlanes {
  planes: { side: number; codes: Int8Array }[];
  /** The grey input (cropGrey). */
  grey: Uint8Array;
  /** Its summed-area table ((size + 1)², exact areas of any window), made when a window is refined. */
  area?: Float64Array;
  size: number;
}

export interface CropMatch {
  photoId: number;
  /** How far the best window stands out from random photos' best windows (normal z). */
  z: number;
  /** The grey correlation of the query with its best window in this photo. */
  correlation: number;
}

/** The query's whole frame as a crop is compared: grey cells, centred, as int16 codes. */
export interface CropQuery {
  codes: Int16Array;
  norm: number;
  /** The same cells as floats, centred and of unit length. */
  cells: Float32Array;
}

/** Per cell along one axis: the first source pixel it covers, how many, and how much of each (area resampling from `size` to `side`). */
interface AxisWeights {
  first: Int32Array;
  count: Int32Array;
  /** side × TAPS weights. */
  weights: Float32Array;
}
/** The most source pixels one cell covers (a side at least 16 from 64 pixels: a cell spans at most 4, on 5). */
const TAPS = 5;
const axisCache = new Map<string, AxisWeights>();
function axisWeights(size: number, side: number): AxisWeights {
  const key = `${size}/${side}`;
  let axis = axisCache.get(key);
  if (axis) return axis;
  const step = size / side;
  if (step + 1 > TAPS) throw new Error(`cannot resample ${size} to ${side}`);
  axis = { first: new Int32Array(side), count: new Int32Array(side), weights: new Float32Array(side * TAPS) };
  for (let cell = 0; cell < side; cell++) {
    const from = cell * step;
    const first = Math.floor(from);
    axis.first[cell] = first;
    for (let p = first; p < from + step && p < size; p++) {
      axis.weights[cell * TAPS + p - first] = Math.min(from + step, p + 1) - Math.max(from, p);
      axis.count[cell] = p - first + 1;
    }
  }
  axisCache.set(key, axis);
  return axis;
}

/** A grey plane (size×size luminance) area-resampled to side×side, rows first then columns, centred on its mean. */
function resampled(grey: Uint8Array, size: number, side: number): Float32Array {
  const { first, count, weights } = axisWeights(size, side);
  const rows = new Float32Array(size * side);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < side; x++) {
      let sum = 0;
      const from = y * size + first[x]!;
      for (let k = 0, taps = count[x]!; k < taps; k++) sum += weights[x * TAPS + k]! * grey[from + k]!;
      rows[y * side + x] = sum;
    }
  const out = new Float32Array(side * side);
  let mean = 0;
  for (let y = 0; y < side; y++) {
    const from = first[y]! * side;
    for (let x = 0; x < side; x++) {
      let sum = 0;
      for (let k = 0, taps = count[y]!; k < taps; k++) sum += weights[y * TAPS + k]! * rows[from + k * side + x]!;
      out[y * side + x] = sum;
      mean += sum;
    }
  }
  mean /= side * side;
  for (let i = 0; i < out.length; i++) out[i]! -= mean;
  return out;
}

/**
 * The luminance of a square RGB input without its bars (bars.ts), rounded to whole grey levels: what
 * a crop is compared on (grey, so a crop of a grey copy matches too), and what a cache file keeps.
 */
export function cropGrey(rgb: Uint8Array, size: number): Uint8Array {
  const content = withoutBars(rgb, size);
  const grey = new Uint8Array(size * size);
  for (let i = 0; i < grey.length; i++) grey[i] = Math.round(luminance(content, i * 3));
  return grey;
}

/** Float cells as integer codes scaled so the largest magnitude is `limit`. */
function quantised<T extends Int8Array | Int16Array>(cells: Float32Array, limit: number, make: (n: number) => T): T {
  let max = 0;
  for (const v of cells) max = Math.max(max, Math.abs(v));
  const scale = max > 0 ? limit / max : 0;
  const codes = make(cells.length);
  for (let i = 0; i < cells.length; i++) codes[i] = Math.round(cells[i]! * scale);
  return codes;
}

/** The query's whole frame (cropGrey): 16×16 cells, centred (the codes sum to about 0). */
export function cropQuery(grey: Uint8Array, size: number): CropQuery {
  const cells = resampled(grey, size, WINDOW_SIDE);
  const codes = quantised(cells, 32767, (n) => new Int16Array(n));
  let sum = 0;
  for (const c of codes) sum += c * c;
  return { codes, norm: Math.sqrt(sum), cells: unit(cells) };
}

/** The length of a picture's planes' codes, one plane after another (what a cache file keeps besides its grey). */
export const PLANE_CODES = PLANE_SIDES.reduce((sum, side) => sum + side * side, 0);

/** The planes' codes of a picture (cropGrey), one after another. */
export function planeCodes(grey: Uint8Array, size: number): Int8Array {
  const codes = new Int8Array(PLANE_CODES);
  let at = 0;
  for (const side of PLANE_SIDES) {
    codes.set(
      quantised(resampled(grey, size, side), 127, (n) => new Int8Array(n)),
      at,
    );
    at += side * side;
  }
  return codes;
}

/** The planes of a picture (cropGrey), from its planes' codes when they are at hand (a cache file). */
export function cropPlanes(grey: Uint8Array, size: number, codes = planeCodes(grey, size)): CropPlanes {
  let at = 0;
  const planes = PLANE_SIDES.map((side) => {
    const own = codes.subarray(at, at + side * side);
    at += side * side;
    return { side, codes: own };
  });
  return { grey, size, planes };
}

/** The vector scaled to unit length (zero stays zero). */
function unit(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const scale = sum > 1e-12 ? 1 / Math.sqrt(sum) : 0;
  return v.map((x) => x * scale);
}

/** The summed-area table of a grey picture: [y·(size + 1) + x] is the sum over [0, x) × [0, y). */
function summedArea(grey: Uint8Array, size: number): Float64Array {
  const area = new Float64Array((size + 1) * (size + 1));
  for (let y = 0; y < size; y++) {
    let row = 0;
    for (let x = 0; x < size; x++) {
      row += grey[y * size + x]!;
      area[(y + 1) * (size + 1) + x + 1] = area[y * (size + 1) + x + 1]! + row;
    }
  }
  return area;
}

const corners = new Float64Array((WINDOW_SIDE + 1) * (WINDOW_SIDE + 1));
const windowCells = new Float64Array(WINDOW_SIDE * WINDOW_SIDE);
const columnAt = new Int32Array(WINDOW_SIDE + 1);
const columnPart = new Float64Array(WINDOW_SIDE + 1);

/**
 * The query's correlation with the square window [x, x + extent) × [y, y + extent) of a picture
 * (input pixels), moved inside the frame. Each cell's area from the summed-area table interpolated
 * at the cell's corners, which is exact for square pixels.
 */
function windowCorrelation(query: CropQuery, picture: CropPlanes, x: number, y: number, extent: number): number {
  const n = WINDOW_SIDE;
  const { size } = picture;
  const area = (picture.area ??= summedArea(picture.grey, size));
  const stride = size + 1;
  extent = Math.min(extent, size);
  x = Math.max(0, Math.min(size - extent, x));
  y = Math.max(0, Math.min(size - extent, y));
  const step = extent / n;
  for (let i = 0; i <= n; i++) {
    const at = x + i * step;
    columnAt[i] = Math.min(size - 1, Math.floor(at));
    columnPart[i] = at - columnAt[i]!;
  }
  for (let j = 0; j <= n; j++) {
    const at = y + j * step;
    const row = Math.min(size - 1, Math.floor(at));
    const fy = at - row;
    const upper = row * stride;
    const lower = upper + stride;
    for (let i = 0; i <= n; i++) {
      const c = columnAt[i]!;
      const fx = columnPart[i]!;
      const top = area[upper + c]! + fx * (area[upper + c + 1]! - area[upper + c]!);
      const bottom = area[lower + c]! + fx * (area[lower + c + 1]! - area[lower + c]!);
      corners[j * (n + 1) + i] = top + fy * (bottom - top);
    }
  }
  let mean = 0;
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      const at = j * (n + 1) + i;
      const v = corners[at + n + 2]! - corners[at + 1]! - corners[at + n + 1]! + corners[at]!;
      windowCells[j * n + i] = v;
      mean += v;
    }
  mean /= n * n;
  let dot = 0;
  let squares = 0;
  for (let k = 0; k < windowCells.length; k++) {
    const v = windowCells[k]! - mean;
    dot += v * query.cells[k]!;
    squares += v * v;
  }
  return squares > 1e-9 ? dot / Math.sqrt(squares) : -1;
}

/** The grid's best windows refined: the planes whose best these are, at most. */
const REFINED_PLANES = 2;
/** Half a cell each way, then 4 % larger or smaller: where the best window is looked for between the grid's positions and scales. */
const REFINE_SHIFT = 0.5;
const REFINE_SCALE = 1.04;

/** The best correlation near a grid window (position in cells of its plane): shifted first, then scaled about its centre. */
function refined(query: CropQuery, picture: CropPlanes, side: number, gridX: number, gridY: number, start: number): number {
  const cell = picture.size / side;
  const extent = WINDOW_SIDE * cell;
  let best = start;
  let at = { x: gridX * cell, y: gridY * cell };
  for (const dy of [-REFINE_SHIFT, 0, REFINE_SHIFT])
    for (const dx of [-REFINE_SHIFT, 0, REFINE_SHIFT]) {
      if (dx === 0 && dy === 0) continue;
      const x = (gridX + dx) * cell;
      const y = (gridY + dy) * cell;
      const correlation = windowCorrelation(query, picture, x, y, extent);
      if (correlation > best) {
        best = correlation;
        at = { x, y };
      }
    }
  for (const scale of [1 / REFINE_SCALE, REFINE_SCALE]) {
    const size = extent * scale;
    best = Math.max(best, windowCorrelation(query, picture, at.x + (extent - size) / 2, at.y + (extent - size) / 2, size));
  }
  return best;
}

let kernel: SimdWindows | null = null;

/**
 * The best correlation of a query with any window of a picture: every window of every plane, one
 * cell apart (in wasm), then around the best of the REFINED_PLANES best planes half a cell and 4 %
 * of scale apart, so that a crop between the grid's positions and scales is not scored lower than
 * one on them. (Around the best plane's alone, a 70 % crop of a landscape scored 0.96: a window at
 * another scale had led.) Every picture is refined, null photos too, however low its grid's best:
 * on the hard eval library a textured source went from 0.46 on the grid to above 0.9, so refining
 * only from 0.8 on (30 ms less in a cold `likeness similar`) lost real crops.
 */
export function bestWindow(query: CropQuery, picture: CropPlanes): number {
  if (query.norm === 0) return -1;
  kernel ??= new SimdWindows();
  kernel.setQuery(query.codes);
  const n = WINDOW_SIDE;
  const cells = n * n;
  // The best window of each plane; the best few planes' are refined.
  const found: { side: number; x: number; y: number; correlation: number }[] = [];
  for (const { side, codes } of picture.planes) {
    const windows = kernel.windows(codes, side);
    const m = side - n + 1;
    let planeBest = { side, x: -1, y: -1, correlation: -1 };
    for (let w = 0; w < m * m; w++) {
      const sum = windows[3 * w + 1]!;
      const spread = windows[3 * w + 2]! - (sum * sum) / cells;
      if (spread <= 1e-6) continue; // a flat window matches nothing
      // The query sums to about 0, so its dot product with the window is that with the window centred.
      const correlation = windows[3 * w]! / (query.norm * Math.sqrt(spread));
      if (correlation > planeBest.correlation) planeBest = { side, x: w % m, y: Math.floor(w / m), correlation };
    }
    if (planeBest.x >= 0) found.push(planeBest);
  }
  let best = -1;
  for (const window of found.sort((a, b) => b.correlation - a.correlation).slice(0, REFINED_PLANES))
    best = Math.max(best, refined(query, picture, window.side, window.x, window.y, window.correlation));
  return best;
}

/**
 * The candidates the query was cut from, most alike first: each candidate's best window against the
 * query's best windows in the null photos (`nulls`, of which at most CROP_NULL_SAMPLES are used).
 * `libraryPhotos`: how many photos the library holds, for the threshold.
 */
export function findCrops(
  query: CropQuery,
  candidates: ReadonlyMap<number, CropPlanes>,
  nulls: readonly CropPlanes[],
  libraryPhotos: number,
): CropMatch[] {
  const nullValues = nulls.slice(0, CROP_NULL_SAMPLES).map((planes) => fisherZ(bestWindow(query, planes)));
  const stats = robustStats(nullValues);
  if (!stats || nullValues.length < 3) return [];
  const df = Math.max(1, MAD_EFFICIENCY * nullValues.length);
  const threshold = -normalQuantile(EXPECTED_FALSE_CROPS / Math.max(1, libraryPhotos));
  const crops: CropMatch[] = [];
  for (const [photoId, planes] of candidates) {
    const correlation = bestWindow(query, planes);
    const z = tToZ((fisherZ(correlation) - stats.mean) / stats.sd, df);
    if (z > threshold && correlation >= MIN_CORRELATION) crops.push({ photoId, z, correlation });
  }
  return crops.sort((a, b) => b.correlation - a.correlation);
}
