// Decoding a photo once into a small upright "working image" (sRGB, 8-bit RGB) that every
// rendition — thumbnail, model inputs, perceptual hash — is made from.
import heicDecode from 'heic-decode';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { readExif } from './exif';
import { isHevcHeif } from './formats';
import { isRawName, largestRawPreview, rawContainer, RawPreviewError } from './raw';

/** Raised whenever decoding learns to read more files, so files that failed before are tried again. */
export const DECODER_VERSION = 2;
/** Larger images than this are refused before decoding (decompression bombs). 268 MP is sharp's own default. */
export const MAX_INPUT_PIXELS = 0x3fff * 0x3fff;
/**
 * HEIC (HEVC) goes through a WebAssembly decoder that decodes the whole image into RGBA, with no
 * shrink-on-load: 100 MP is 400 MB. Phone cameras write HEIC of at most 48 MP (their 200 MP modes
 * save JPEG), so this refuses only files built to exhaust memory. One HEVC decode runs at a time.
 */
export const MAX_HEVC_PIXELS = 100_000_000;
let hevcQueue: Promise<unknown> = Promise.resolve();

/** The working image's long side: the thumbnail size, and ample for model inputs up to 256. */
export const WORKING_SIZE = 256;

export interface DecodedPhoto {
  format: string;
  /** Full-resolution dimensions as displayed (after orientation). */
  width: number;
  height: number;
  /** Upright RGB pixels, long side at most WORKING_SIZE. */
  working: { data: Buffer; width: number; height: number };
}

export class DecodeError extends Error {}

function reason(error: unknown): string {
  const text = (error as Error)?.message ?? String(error);
  // libvips messages can be long and multi-line; the first line says what is wrong.
  return (
    text
      .split('\n')[0]
      .replace(/^Input (buffer|file) /, '')
      .trim() || 'unknown decoder error'
  );
}

const NO_REASON = /^unknown error$|^unknown decoder error$/i;

/**
 * Runs a libvips decode, turning its failure into a DecodeError that says why. libvips keeps one
 * error buffer for all its threads, so a decode failing while others run can lose its message
 * ("Unknown error"): it is tried once more, and if the reason is still lost the file is called damaged.
 */
async function decodeOrSayWhy<T>(what: string, decode: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await decode();
    } catch (error) {
      const why = reason(error);
      if (!NO_REASON.test(why)) throw new DecodeError(`${what}: ${why}`);
      if (attempt > 0) throw new DecodeError(`${what}: the file is damaged or truncated (the decoder gave no details)`);
    }
  }
}

/**
 * Decodes a photo into its working image. `fileName` tells camera RAW files (by extension) from
 * plain TIFFs, which share a container: a RAW is read through its largest embedded JPEG preview.
 */
export async function decodePhoto(buffer: Buffer, fileName = ''): Promise<DecodedPhoto> {
  if (buffer.length === 0) throw new DecodeError('empty file (0 bytes)');
  const raw = await rawSource(buffer, fileName);
  if (raw) return { ...(await decodeRegular(raw.jpeg, raw.orientation)), format: raw.format };
  if (isHevcHeif(buffer.subarray(0, 64))) return decodeHevc(buffer);
  return decodeRegular(buffer, 'auto');
}

/**
 * How to turn the stored pixels upright: 'auto' reads the image's own EXIF orientation; a number
 * (1–8) is applied to pixels whose file carries no orientation of its own.
 */
type Orientation = 'auto' | number;

async function decodeRegular(buffer: Buffer, orientation: Orientation): Promise<DecodedPhoto> {
  const metadata = await checkedMetadata(buffer, orientation);
  if (metadata.format === 'heif' && metadata.compression === 'hevc') return decodeHevc(buffer);
  const { width, height } = metadata.upright;
  // failOn 'truncated': a cut-off file is an error, not a photo with a grey bottom half.
  const { data, info } = await decodeOrSayWhy(`cannot decode ${metadata.format ?? 'image'}`, () =>
    oriented(buffer, orientation)
      .resize(WORKING_SIZE, WORKING_SIZE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true }),
  );
  return { format: normaliseFormat(metadata), width, height, working: { data, width: info.width, height: info.height } };
}

/** The image's header, with its size as displayed; refuses images with no size or too many pixels. */
async function checkedMetadata(buffer: Buffer, orientation: Orientation): Promise<Metadata & { upright: { width: number; height: number } }> {
  let metadata: Metadata;
  try {
    metadata = await sharp(buffer, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch (error) {
    throw new DecodeError(`not a readable image: ${reason(error)}`);
  }
  if (metadata.format === 'heif' && metadata.compression === 'hevc') return { ...metadata, upright: { width: 0, height: 0 } };
  const { width, height } =
    orientation === 'auto' ? (metadata.autoOrient ?? metadata) : orientation >= 5 ? { width: metadata.height, height: metadata.width } : metadata;
  if (!width || !height) throw new DecodeError('image has no dimensions');
  if (width * height > MAX_INPUT_PIXELS) throw new DecodeError(`image is too large to decode safely (${width}×${height} pixels)`);
  return { ...metadata, upright: { width, height } };
}

/** A sharp pipeline over `buffer` whose pixels come out upright. */
function oriented(buffer: Buffer, orientation: Orientation): Sharp {
  const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' } as const;
  if (orientation === 'auto') return sharp(buffer, { ...options, autoOrient: true });
  const image = sharp(buffer, options);
  // sharp mirrors before it rotates: 5 (transpose) is an up-down mirror, then a quarter turn.
  const angle = { 3: 180, 4: 0, 5: 90, 6: 90, 7: 90, 8: 270 }[orientation] ?? 0;
  if (angle) image.rotate(angle);
  if (orientation === 2 || orientation === 7) image.flop();
  if (orientation === 4 || orientation === 5) image.flip();
  return image;
}

interface RawSource {
  format: string;
  jpeg: Buffer;
  orientation: Orientation;
}

/**
 * For a camera RAW file, its largest embedded JPEG and how to orient it; null for other files.
 * A preview with an EXIF orientation of its own (RAF, RW2) says how its own pixels stand; a bare
 * preview (CR2, NEF, DNG, CR3…) holds the sensor's pixels, turned by the RAW file's orientation.
 */
async function rawSource(buffer: Buffer, fileName: string): Promise<RawSource | null> {
  const container = rawContainer(buffer);
  const byName = isRawName(fileName);
  if (!byName && container !== 'cr3' && container !== 'raf') return null;
  const format = byName ? fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase() : container!;
  let preview;
  try {
    preview = largestRawPreview(buffer);
  } catch (error) {
    if (error instanceof RawPreviewError) throw new DecodeError(`${format.toUpperCase()} file: ${error.message}`);
    throw error;
  }
  let ownOrientation: number | undefined;
  try {
    ownOrientation = (await sharp(preview.jpeg).metadata()).orientation;
  } catch (error) {
    throw new DecodeError(`${format.toUpperCase()} file: its embedded preview is damaged: ${reason(error)}`);
  }
  const orientation = ownOrientation ? 'auto' : (await readExif(buffer)).orientation;
  return { format, jpeg: preview.jpeg, orientation };
}

function normaliseFormat(metadata: Metadata): string {
  if (metadata.format === 'heif') return metadata.compression === 'av1' ? 'avif' : 'heif';
  return metadata.format ?? 'unknown';
}

/**
 * An upright JPEG of the photo, long side at most `longSide`, for showing at full size where the
 * original's format cannot be shown (HEIC, TIFF): see library/preview.ts.
 */
export async function displayJpeg(buffer: Buffer, longSide: number, quality = 85, fileName = ''): Promise<Buffer> {
  if (buffer.length === 0) throw new DecodeError('empty file (0 bytes)');
  const encode = (image: Sharp) =>
    image
      .resize(longSide, longSide, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality })
      .toBuffer();
  const fromHevc = () =>
    withHevcPixels(buffer, (raw, width, height) => encode(sharp(raw, { raw: { width, height, channels: 4 }, limitInputPixels: MAX_INPUT_PIXELS })));
  const raw = await rawSource(buffer, fileName);
  if (!raw && isHevcHeif(buffer.subarray(0, 64))) return fromHevc();
  const source = raw?.jpeg ?? buffer;
  const orientation = raw?.orientation ?? 'auto';
  const metadata = await checkedMetadata(source, orientation);
  if (metadata.format === 'heif' && metadata.compression === 'hevc') return fromHevc();
  return decodeOrSayWhy(`cannot decode ${metadata.format ?? 'image'}`, () => encode(oriented(source, orientation)));
}

function decodeHevc(buffer: Buffer): Promise<DecodedPhoto> {
  return withHevcPixels(buffer, async (raw, width, height) => {
    const working = await sharp(raw, { raw: { width, height, channels: 4 }, limitInputPixels: MAX_INPUT_PIXELS })
      .resize(WORKING_SIZE, WORKING_SIZE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { format: 'heic', width, height, working: { data: working.data, width: working.info.width, height: working.info.height } };
  });
}

/** Decodes a HEIC's primary image to upright RGBA and hands it to `use` (one HEVC decode at a time). */
function withHevcPixels<T>(buffer: Buffer, use: (rgba: Buffer, width: number, height: number) => Promise<T>): Promise<T> {
  const done = hevcQueue.then(() => withHevcPixelsNow(buffer, use));
  hevcQueue = done.catch(() => undefined);
  return done;
}

async function withHevcPixelsNow<T>(buffer: Buffer, use: (rgba: Buffer, width: number, height: number) => Promise<T>): Promise<T> {
  let images: Awaited<ReturnType<typeof heicDecode.all>>;
  try {
    images = await heicDecode.all({ buffer });
  } catch (error) {
    throw new DecodeError(`cannot decode HEIC: ${reason(error)}`);
  }
  try {
    const primary = images[0];
    if (!primary) throw new DecodeError('HEIC file holds no image');
    if (primary.width * primary.height > Math.min(MAX_INPUT_PIXELS, MAX_HEVC_PIXELS)) {
      throw new DecodeError(`image is too large to decode safely (${primary.width}×${primary.height} pixels)`);
    }
    // libheif applies the container's rotation and mirroring itself, so the pixels are upright.
    const { width, height, data } = await primary.decode();
    return await use(Buffer.from(data.buffer, data.byteOffset, data.byteLength), width, height);
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    throw new DecodeError(`cannot decode HEIC: ${reason(error)}`);
  } finally {
    images.dispose();
  }
}
