// Bars around a picture: the black bands of a letterboxed or pillarboxed frame, the white border of
// a scan or a print. Bars come in pairs on opposite edges (above and below, or left and right), are
// near black or near white bands of uniform rows (or columns), and at least one of the pair ends at
// a straight edge across the whole frame: most of the first row past it differs from the bar. An object
// photographed on white is not barred — its background ends where the object starts, in a few
// pixels of a row, not along all of it — and neither is a flat sky over a straight horizon (one
// edge only, not black or white: cutting it, a brightened copy whose sky crossed the uniformity
// bound was cut elsewhere and no longer matched its original).
// Cut away before pixels are compared (pixelSignatures.ts, copies.ts): otherwise the bars dominate
// the correlation, so that any two letterboxed pictures look alike (measured on `eval
// near-duplicates --hard`: 670 pairs of different letterboxed photos called duplicates or similar
// shots, chaining the library into a few groups), and a letterboxed copy does not match its original.
import { luminance } from '../library/luminance';

/** A row is uniform when its grey values span less than this (of 255). */
const FLAT_RANGE = 12;
/** A pixel past the bar differs from it when their grey values differ by more than this. */
const EDGE_STEP = 24;
/** The share of the first row past a bar that must differ from it. */
const EDGE_SHARE = 0.5;
/** A bar's grey level is below this or above 255 minus it. */
const NEAR_BLACK_OR_WHITE = 40;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The part of a square RGB input (size×size) inside its bars (each at most a third of the side), or null when it has none. */
export function contentBox(rgb: Uint8Array, size: number): Box | null {
  const grey = (x: number, y: number) => luminance(rgb, (y * size + x) * 3);
  // Rows counted from one edge, as (position along the row) → grey, for each side in turn.
  const sides: ((line: number, along: number) => number)[] = [
    (line, along) => grey(along, line),
    (line, along) => grey(along, size - 1 - line),
    (line, along) => grey(line, along),
    (line, along) => grey(size - 1 - line, along),
  ];
  // Each edge's band: its depth, whether it is near black or white, whether it ends at a straight edge.
  const bands = sides.map((at) => {
    let line = 0;
    let sum = 0;
    for (; line < Math.floor(size / 3); line++) {
      let low = 255;
      let high = 0;
      let total = 0;
      for (let i = 0; i < size; i++) {
        const v = at(line, i);
        low = Math.min(low, v);
        high = Math.max(high, v);
        total += v;
      }
      if (high - low >= FLAT_RANGE) break;
      sum += total / size;
    }
    const bar = line > 0 ? sum / line : 128;
    let differing = 0;
    for (let i = 0; i < size; i++) if (Math.abs(at(line, i) - bar) > EDGE_STEP) differing++;
    return { depth: bar < NEAR_BLACK_OR_WHITE || bar > 255 - NEAR_BLACK_OR_WHITE ? line : 0, edged: differing >= EDGE_SHARE * size };
  });
  // Only pairs: a band at one edge alone is more often the picture (a sky, a wall) than a bar. At
  // least one of the two ends at a straight edge; the other may run on into a dark (or white) part
  // of the picture, so both are cut to the shallower.
  const pair = (a: (typeof bands)[number], b: (typeof bands)[number]) =>
    a.depth > 0 && b.depth > 0 && (a.edged || b.edged) ? Math.min(a.depth, b.depth) : 0;
  const vertical = pair(bands[0]!, bands[1]!);
  const horizontal = pair(bands[2]!, bands[3]!);
  if (vertical + horizontal === 0) return null;
  const [top, bottom, left, right] = [vertical, vertical, horizontal, horizontal];
  return { x: left, y: top, width: size - left - right, height: size - top - bottom };
}

/** The box of a square RGB input stretched back to size×size (bilinear). */
export function stretched(rgb: Uint8Array, size: number, box: Box): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  const at = (x: number, y: number, c: number) => rgb[(y * size + x) * 3 + c]!;
  for (let y = 0; y < size; y++) {
    const sy = Math.min(box.height - 1, Math.max(0, ((y + 0.5) * box.height) / size - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(box.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = Math.min(box.width - 1, Math.max(0, ((x + 0.5) * box.width) / size - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(box.width - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const upper = at(box.x + x0, box.y + y0, c) * (1 - fx) + at(box.x + x1, box.y + y0, c) * fx;
        const lower = at(box.x + x0, box.y + y1, c) * (1 - fx) + at(box.x + x1, box.y + y1, c) * fx;
        out[(y * size + x) * 3 + c] = Math.round(upper * (1 - fy) + lower * fy);
      }
    }
  }
  return out;
}

/** The input without its bars, stretched back to the square; the same array when it has none. */
export function withoutBars(rgb: Uint8Array, size: number): Uint8Array {
  const box = contentBox(rgb, size);
  return box ? stretched(rgb, size, box) : rgb;
}
