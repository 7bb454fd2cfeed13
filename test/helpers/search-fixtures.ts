// Generated pictures for search tests: gradients, shapes and speckle from a seed, so every picture
// is different and textured like a photo, and the same seed gives the same picture.
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { seededRandom } from '../../src/main/util/rng';

export function pictureSvg(seed: number, width = 320, height = 240): string {
  const random = seededRandom(seed);
  const colour = () => `rgb(${Math.floor(random() * 256)},${Math.floor(random() * 256)},${Math.floor(random() * 256)})`;
  const shapes: string[] = [];
  for (let i = 0; i < 14; i++) {
    const x = random() * width;
    const y = random() * height;
    const r = 10 + random() * 60;
    shapes.push(
      random() < 0.5
        ? `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}" fill="${colour()}" opacity="0.85"/>`
        : `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(r * 1.6).toFixed(1)}" height="${r.toFixed(1)}" fill="${colour()}" transform="rotate(${Math.floor(random() * 90)} ${x.toFixed(1)} ${y.toFixed(1)})"/>`,
    );
  }
  for (let i = 0; i < 300; i++) {
    shapes.push(`<rect x="${(random() * width).toFixed(1)}" y="${(random() * height).toFixed(1)}" width="3" height="3" fill="${colour()}"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="${random().toFixed(2)}" y2="1">
      <stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes.join('')}</svg>`;
}

export async function writePicture(path: string, seed: number, width = 320, height = 240): Promise<void> {
  await writeFile(
    path,
    await sharp(Buffer.from(pictureSvg(seed, width, height)))
      .jpeg({ quality: 92 })
      .toBuffer(),
  );
}
