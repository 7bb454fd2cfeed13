// Near-duplicate variants of a photo, as people's libraries hold them: the original, a 25 % copy,
// an 80 % centre crop, a JPEG at quality 20, the pixels rotated and stored with EXIF orientation 6,
// and a copy brightened ×1.15. Used by `likeness eval near-duplicates` and by the tests.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { displayJpeg } from '../library/decode';
import { isRawName } from '../library/raw';

export const VARIANTS = ['original', 'quarter', 'crop80', 'jpeg20', 'exif6', 'bright115'] as const;
export type VariantName = (typeof VARIANTS)[number];
/** The variants that keep the original's frame (once EXIF orientation is applied): only pixel values change. */
export const SAME_FRAME_EDITS: readonly VariantName[] = ['quarter', 'jpeg20', 'exif6', 'bright115'];

/** Writes the six variants of `source` into `folder` as `<stem>__<variant>.<ext>`; returns their paths. */
export async function writeVariants(source: string, folder: string, stem: string): Promise<Map<VariantName, string>> {
  await mkdir(folder, { recursive: true });
  const bytes = await readFile(source);
  // A camera RAW is edited as the library sees it: its embedded preview, upright, at full size.
  const input = isRawName(source) ? await displayJpeg(bytes, 0x3fff, 95, source) : bytes;
  const upright = sharp(input, { autoOrient: true });
  const { width, height } = await upright.metadata().then((m) => (m.autoOrient ?? m) as { width: number; height: number });
  const uprightPixels = await sharp(input, { autoOrient: true }).toColourspace('srgb').removeAlpha().png().toBuffer();
  const paths = new Map<VariantName, string>();
  const out = (variant: VariantName, ext: string) => {
    const path = join(folder, `${stem}__${variant}${ext}`);
    paths.set(variant, path);
    return path;
  };
  await copyFile(source, out('original', extname(source).toLowerCase() || '.jpg'));
  await writeFile(
    out('quarter', '.jpg'),
    await sharp(uprightPixels).resize(Math.max(1, Math.round(width * 0.25)), Math.max(1, Math.round(height * 0.25))).jpeg({ quality: 90 }).toBuffer(),
  );
  const cropWidth = Math.max(1, Math.round(width * 0.8));
  const cropHeight = Math.max(1, Math.round(height * 0.8));
  await writeFile(
    out('crop80', '.jpg'),
    await sharp(uprightPixels)
      .extract({ left: Math.floor((width - cropWidth) / 2), top: Math.floor((height - cropHeight) / 2), width: cropWidth, height: cropHeight })
      .jpeg({ quality: 90 })
      .toBuffer(),
  );
  await writeFile(out('jpeg20', '.jpg'), await sharp(uprightPixels).jpeg({ quality: 20 }).toBuffer());
  // Orientation 6 means "rotate 90° clockwise to display", so the stored pixels are the upright
  // picture turned 90° anticlockwise.
  await writeFile(out('exif6', '.jpg'), await sharp(uprightPixels).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer());
  await writeFile(out('bright115', '.jpg'), await sharp(uprightPixels).modulate({ brightness: 1.15 }).jpeg({ quality: 90 }).toBuffer());
  return paths;
}

/** Shifts of generated burst frames, as fractions of the frame's width (height moves half as far). */
export const BURST_SHIFTS = [0.02, 0.04] as const;

/**
 * Consecutive-frame-like pictures of `source`: the camera moved by each of BURST_SHIFTS of the
 * frame (the edge filled by mirroring, as the scene would continue) and the exposure drifted 3 %.
 * Written as `<stem>__burst<k>.jpg`; returns their paths in order.
 */
export async function writeBurstFrames(source: string, folder: string, stem: string): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  const input = await readFile(source);
  const upright = await sharp(input, { autoOrient: true }).toColourspace('srgb').removeAlpha().png().toBuffer();
  const { width, height } = await sharp(upright).metadata();
  const paths: string[] = [];
  for (const [k, shift] of BURST_SHIFTS.entries()) {
    const dx = Math.max(1, Math.round(width! * shift));
    const dy = Math.max(1, Math.round(height! * shift * 0.5));
    const padded = await sharp(upright).extend({ top: dy, bottom: dy, left: dx, right: dx, extendWith: 'mirror' }).png().toBuffer();
    const frame = await sharp(padded)
      .extract({ left: 2 * dx, top: 2 * dy, width: width!, height: height! })
      .modulate({ brightness: 1 + 0.03 * (k + 1) })
      .jpeg({ quality: 90 })
      .toBuffer();
    const path = join(folder, `${stem}__burst${k + 1}.jpg`);
    await writeFile(path, frame);
    paths.push(path);
  }
  return paths;
}
