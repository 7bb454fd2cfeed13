// Everything Likeness derives from a photo's working image: the thumbnail, the square model
// input and the perceptual hash (differenceHash.ts). All are computed from the same decoded pixels.
import sharp, { type Sharp } from 'sharp';
import type { DecodedPhoto } from './decode';

export { differenceHash } from './differenceHash';

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
