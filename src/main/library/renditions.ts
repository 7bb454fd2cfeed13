// Everything Likeness derives from a photo's working image: the thumbnail, the square model
// input and the perceptual hash. All are computed from the same decoded pixels.
import sharp, { type Sharp } from 'sharp';
import type { DecodedPhoto } from './decode';

type Working = DecodedPhoto['working'];

function fromWorking(working: Working): Sharp {
  return sharp(working.data, { raw: { width: working.width, height: working.height, channels: 3 } });
}

/** WebP thumbnail, long side up to 256 px, upright. */
export function thumbnail(working: Working): Promise<Buffer> {
  return fromWorking(working).webp({ quality: 78, effort: 2 }).toBuffer();
}

/**
 * The model input: the whole picture squeezed to size×size RGB (uint8, row-major HWC).
 * Squeezing rather than cropping keeps everything in view, so a crop of a photo and the photo
 * itself still share most of their content.
 */
export async function modelInput(working: Working, size: number): Promise<Uint8Array> {
  const data = await fromWorking(working).resize(size, size, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * 64-bit difference hash: the picture averaged into 9×8 grey cells, one bit per horizontal
 * neighbour pair (left brighter). Robust to resizing, recompression and brightness changes; used
 * with the embeddings to find near-duplicates. Box-averaged in plain JS: as good as a resampling
 * kernel at this size, and far cheaper than another image pipeline.
 */
export function differenceHash(working: Working): Buffer {
  const { data, width, height } = working;
  const sums = new Float64Array(9 * 8);
  const counts = new Uint32Array(9 * 8);
  for (let y = 0; y < height; y++) {
    const row = Math.min(7, Math.floor((y * 8) / height)) * 9;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const cell = row + Math.min(8, Math.floor((x * 9) / width));
      sums[cell] += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
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
