// Test fixtures: photo-like images generated with sharp. Each seed gives a distinct picture
// (smooth colour blobs plus an off-centre bar, so orientation mistakes are visible).
import sharp, { type Sharp } from 'sharp';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function tempDir(prefix: string): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), `likeness-${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** Raw RGB pixels of the picture for `seed`. */
export function pictureRgb(seed: number, width: number, height: number): Buffer {
  const random = prng(seed * 7919 + 17);
  const blobs = Array.from({ length: 6 }, () => ({
    x: random() * width,
    y: random() * height,
    r: (0.15 + random() * 0.35) * Math.max(width, height),
    colour: [random() * 255, random() * 255, random() * 255],
  }));
  const base = [random() * 255, random() * 255, random() * 255];
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const rgb = [...base];
      for (const b of blobs) {
        const w = Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (b.r * b.r));
        for (let c = 0; c < 3; c++) rgb[c] = rgb[c] * (1 - w) + b.colour[c] * w;
      }
      // A dark bar in the top-left quarter makes every picture asymmetric.
      if (x > width * 0.1 && x < width * 0.45 && y > height * 0.1 && y < height * 0.2) rgb.fill(10);
      const i = (y * width + x) * 3;
      data[i] = rgb[0];
      data[i + 1] = rgb[1];
      data[i + 2] = rgb[2];
    }
  }
  return data;
}

export function picture(seed: number, width = 320, height = 240): Sharp {
  return sharp(pictureRgb(seed, width, height), { raw: { width, height, channels: 3 } });
}

export type Format = 'jpeg' | 'png' | 'webp' | 'tiff' | 'gif' | 'avif';

export async function writePicture(path: string, seed: number, format: Format = 'jpeg', width = 320, height = 240): Promise<string> {
  mkdirSync(dirname(path), { recursive: true });
  await picture(seed, width, height)
    .toFormat(format, format === 'jpeg' ? { quality: 92 } : {})
    .toFile(path);
  return path;
}

/**
 * Writes the picture for `seed` as a JPEG whose stored pixels are transformed so that applying
 * EXIF orientation `orientation` shows the upright picture again.
 */
export async function writeOriented(path: string, seed: number, orientation: number, width = 320, height = 240): Promise<string> {
  mkdirSync(dirname(path), { recursive: true });
  // sharp applies flip/flop before rotate, which is exactly the order needed here.
  const stored: Record<number, (s: Sharp) => Sharp> = {
    1: (s) => s,
    2: (s) => s.flop(),
    3: (s) => s.rotate(180),
    4: (s) => s.flip(),
    5: (s) => s.flop().rotate(270),
    6: (s) => s.rotate(270),
    7: (s) => s.flop().rotate(90),
    8: (s) => s.rotate(90),
  };
  const raw = await stored[orientation](picture(seed, width, height))
    .raw()
    .toBuffer({ resolveWithObject: true });
  await sharp(raw.data, { raw: { width: raw.info.width, height: raw.info.height, channels: 3 } })
    .jpeg({ quality: 95 })
    .withMetadata({ orientation })
    .toFile(path);
  return path;
}
