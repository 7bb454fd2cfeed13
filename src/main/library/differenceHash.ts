// The perceptual hash of a picture. Apart from renditions.ts so that hashing a query's views
// (search/copies.ts) does not load sharp.
import { luminance } from './luminance';

/** Row-major RGB pixels (3 bytes a pixel). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * 64-bit difference hash: the picture averaged into 9×8 grey cells, one bit per horizontal
 * neighbour pair (left brighter). Robust to resizing, recompression and brightness changes; used
 * with the embeddings to find near-duplicates. Box-averaged in plain JS: as good as a resampling
 * kernel at this size, and far cheaper than another image pipeline.
 */
export function differenceHash(image: RgbImage): Buffer {
  const { data, width, height } = image;
  const sums = new Float64Array(9 * 8);
  const counts = new Uint32Array(9 * 8);
  for (let y = 0; y < height; y++) {
    const row = Math.min(7, Math.floor((y * 8) / height)) * 9;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const cell = row + Math.min(8, Math.floor((x * 9) / width));
      sums[cell] += luminance(data, i);
      counts[cell]++;
    }
  }
  const grey = sums.map((sum, cell) => sum / Math.max(1, counts[cell]));
  const hash = Buffer.alloc(8);
  for (let y = 0; y < 8; y++) {
    let byte = 0;
    for (let x = 0; x < 8; x++) byte = (byte << 1) | (grey[y * 9 + x] > grey[y * 9 + x + 1] ? 1 : 0);
    hash[y] = byte;
  }
  return hash;
}
