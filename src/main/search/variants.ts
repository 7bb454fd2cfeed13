// Near-duplicate variants of a photo, as people's libraries hold them: the original, a 25 % copy,
// an 80 % centre crop, a JPEG at quality 20, the pixels rotated and stored with EXIF orientation 6,
// and a copy brightened ×1.15. Used by `likeness eval near-duplicates` and by the tests.
// Harder edits (HARD_EDITS, `eval near-duplicates --hard`): a centre crop of half of each side, a
// greyscale copy, a letterbox (black bars above and below), a caption bar with text, and the pixels
// turned 90° with no EXIF orientation to undo it.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { displayJpeg } from '../library/decode';
import { isRawName } from '../library/raw';

export const VARIANTS = ['original', 'quarter', 'crop80', 'jpeg20', 'exif6', 'bright115'] as const;
export const HARD_EDITS = ['crop50', 'grey', 'letterbox', 'caption', 'rot90'] as const;
export type HardEdit = (typeof HARD_EDITS)[number];
export type VariantName = (typeof VARIANTS)[number] | HardEdit;
/** The variants that keep the original's frame (once EXIF orientation is applied): only pixel values change. */
export const SAME_FRAME_EDITS: readonly VariantName[] = ['quarter', 'jpeg20', 'exif6', 'bright115'];

/** Writes the six variants of `source` (and any `extra` edits) into `folder` as `<stem>__<variant>.<ext>`; returns their paths. */
export async function writeVariants(
  source: string,
  folder: string,
  stem: string,
  extra: readonly HardEdit[] = [],
): Promise<Map<VariantName, string>> {
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
    await sharp(uprightPixels)
      .resize(Math.max(1, Math.round(width * 0.25)), Math.max(1, Math.round(height * 0.25)))
      .jpeg({ quality: 90 })
      .toBuffer(),
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
  for (const edit of extra) await writeFile(out(edit, '.jpg'), await hardEdit(edit, uprightPixels, width, height));
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

/** One of the harder edits of the upright picture, as a JPEG. */
async function hardEdit(edit: HardEdit, upright: Buffer, width: number, height: number): Promise<Buffer> {
  const jpeg = (img: Sharp) => img.jpeg({ quality: 90 }).toBuffer();
  switch (edit) {
    case 'crop50': {
      const w = Math.max(1, Math.round(width / 2));
      const h = Math.max(1, Math.round(height / 2));
      return jpeg(sharp(upright).extract({ left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h }));
    }
    case 'grey':
      return jpeg(sharp(upright).greyscale());
    case 'letterbox': {
      // Bars of 15 % of the height above and below, as a 2.35:1 export or a phone's screenshot.
      const bar = Math.max(1, Math.round(height * 0.15));
      return jpeg(sharp(upright).extend({ top: bar, bottom: bar, background: '#000000' }));
    }
    case 'caption': {
      // A dark caption bar over the bottom eighth with white text, and a faint watermark in the middle.
      const bar = Math.max(8, Math.round(height / 8));
      const font = Math.max(6, Math.round(bar * 0.55));
      const svg =
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
        `<rect x="0" y="${height - bar}" width="${width}" height="${bar}" fill="#000" fill-opacity="0.65"/>` +
        `<text x="${width / 2}" y="${height - bar * 0.3}" font-family="sans-serif" font-size="${font}" fill="#fff" text-anchor="middle">Summer holiday 2024 - day 3</text>` +
        `<text x="${width / 2}" y="${height / 2}" font-family="sans-serif" font-size="${Math.round(font * 1.6)}" fill="#fff" fill-opacity="0.35" text-anchor="middle">© Likeness</text></svg>`;
      return jpeg(sharp(upright).composite([{ input: Buffer.from(svg), left: 0, top: 0 }]));
    }
    case 'rot90':
      // Turned 90° clockwise in the pixels, with no orientation tag: nothing tells a reader to undo it.
      return jpeg(sharp(upright).rotate(90));
  }
}
