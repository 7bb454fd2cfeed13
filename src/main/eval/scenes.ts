// Generated photo-like scenes (sky, sun, ridges, ground, houses and trees, sensor noise) from a
// seed: a second picture set for the near-duplicate evaluation and for tests, which may not read
// /work/shared. Unlike random shapes, scenes share a layout (bright sky above darker ground), so
// unrelated pictures resemble each other the way real photos do — the hard case for a perceptual
// hash judged against the library's own unrelated pairs.
import sharp from 'sharp';
import { seededRandom } from '../util/rng';

function hsl(h: number, s: number, l: number): string {
  return `hsl(${h.toFixed(0)},${(s * 100).toFixed(0)}%,${(l * 100).toFixed(0)}%)`;
}

function ridge(random: () => number, width: number, height: number, base: number, roughness: number, colour: string): string {
  // Midpoint displacement: a skyline that looks like hills or mountains.
  let points = [base + (random() - 0.5) * roughness, base + (random() - 0.5) * roughness];
  let spread = roughness;
  while (points.length < 65) {
    const next: number[] = [];
    for (let i = 0; i + 1 < points.length; i++) next.push(points[i]!, (points[i]! + points[i + 1]!) / 2 + (random() - 0.5) * spread);
    next.push(points[points.length - 1]!);
    points = next;
    spread *= 0.55;
  }
  const step = width / (points.length - 1);
  const path = points.map((y, i) => `${(i * step).toFixed(1)},${(y * height).toFixed(1)}`).join(' ');
  return `<polygon points="0,${height} ${path} ${width},${height}" fill="${colour}"/>`;
}

export function sceneSvg(seed: number, width = 480, height = 320): string {
  const random = seededRandom(seed * 7919 + 13);
  const hue = random() * 360;
  const dusk = random() < 0.35;
  const skyTop = dusk ? hsl(hue, 0.5, 0.25 + random() * 0.2) : hsl(190 + random() * 40, 0.5 + random() * 0.3, 0.45 + random() * 0.2);
  const skyLow = dusk ? hsl((hue + 40) % 360, 0.7, 0.55 + random() * 0.2) : hsl(190 + random() * 30, 0.3, 0.75 + random() * 0.15);
  const horizon = 0.35 + random() * 0.3;
  const parts: string[] = [];
  parts.push(`<rect width="100%" height="100%" fill="url(#sky)"/>`);
  const sunX = random() * width;
  const sunY = random() * horizon * height * 0.8;
  parts.push(
    `<circle cx="${sunX.toFixed(1)}" cy="${sunY.toFixed(1)}" r="${(8 + random() * 30).toFixed(1)}" fill="${hsl(45 + random() * 20, 0.9, 0.8)}" opacity="0.9"/>`,
  );
  for (let i = 0; i < 1 + Math.floor(random() * 4); i++) {
    const cx = random() * width;
    const cy = random() * horizon * height * 0.7;
    parts.push(
      `<ellipse cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" rx="${(30 + random() * 80).toFixed(1)}" ry="${(8 + random() * 20).toFixed(1)}" fill="white" opacity="${(0.3 + random() * 0.5).toFixed(2)}"/>`,
    );
  }
  const layers = 1 + Math.floor(random() * 3);
  for (let l = 0; l < layers; l++) {
    const base = horizon - 0.15 + l * 0.12 + random() * 0.05;
    parts.push(
      ridge(
        random,
        width,
        height,
        base,
        0.25 + random() * 0.3,
        hsl((hue + 90 + l * 20) % 360, 0.2 + random() * 0.3, 0.2 + (0.15 * (layers - l)) / layers + random() * 0.1),
      ),
    );
  }
  parts.push(`<rect y="${(horizon * height + 20).toFixed(1)}" width="${width}" height="${height}" fill="url(#ground)"/>`);
  for (let i = 0; i < Math.floor(random() * 6); i++) {
    const x = random() * width;
    const y = horizon * height + 10 + random() * (1 - horizon) * height * 0.6;
    const s = 15 + random() * 40;
    if (random() < 0.5) {
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${(y - s).toFixed(1)}" width="${(s * 1.3).toFixed(1)}" height="${s.toFixed(1)}" fill="${hsl(random() * 360, 0.4, 0.4 + random() * 0.4)}"/>`,
      );
      parts.push(
        `<polygon points="${(x - 4).toFixed(1)},${(y - s).toFixed(1)} ${(x + s * 0.65).toFixed(1)},${(y - s * 1.6).toFixed(1)} ${(x + s * 1.3 + 4).toFixed(1)},${(y - s).toFixed(1)}" fill="${hsl(10 + random() * 20, 0.5, 0.3)}"/>`,
      );
    } else {
      parts.push(
        `<rect x="${(x + s * 0.4).toFixed(1)}" y="${(y - s * 0.5).toFixed(1)}" width="${(s * 0.2).toFixed(1)}" height="${(s * 0.5).toFixed(1)}" fill="${hsl(25, 0.5, 0.2)}"/>`,
      );
      parts.push(
        `<circle cx="${(x + s * 0.5).toFixed(1)}" cy="${(y - s * 0.8).toFixed(1)}" r="${(s * 0.45).toFixed(1)}" fill="${hsl(90 + random() * 50, 0.5, 0.2 + random() * 0.2)}"/>`,
      );
    }
  }
  const groundHue = (hue + 60 + random() * 80) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="${horizon.toFixed(2)}"><stop offset="0" stop-color="${skyTop}"/><stop offset="1" stop-color="${skyLow}"/></linearGradient>
    <linearGradient id="ground" x1="0" y1="0" x2="${random().toFixed(2)}" y2="1"><stop offset="0" stop-color="${hsl(groundHue, 0.35, 0.35 + random() * 0.2)}"/><stop offset="1" stop-color="${hsl(groundHue, 0.4, 0.15 + random() * 0.15)}"/></linearGradient>
  </defs>
  ${parts.join('\n  ')}
</svg>`;
}

/** The scene as an sRGB JPEG (quality 92) with mild sensor noise and a touch of lens blur. */
export async function sceneJpeg(seed: number, width = 480, height = 320): Promise<Buffer> {
  const base = await sharp(Buffer.from(sceneSvg(seed, width, height)))
    .removeAlpha()
    .blur(0.6)
    .raw()
    .toBuffer();
  const random = seededRandom(seed * 104729 + 7);
  for (let i = 0; i < base.length; i++) base[i] = Math.max(0, Math.min(255, base[i]! + Math.round((random() + random() + random() - 1.5) * 8)));
  return sharp(base, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}
