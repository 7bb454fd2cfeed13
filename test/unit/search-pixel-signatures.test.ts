import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/main/util/rng';
import { tToZ } from '../../src/main/search/nearDuplicates';
import { pixelSignatures, pixelSimilarity } from '../../src/main/search/pixelSignatures';

const SIZE = 64;

/** A smooth random RGB picture: a few coloured blobs over a gradient. */
function picture(seed: number): Uint8Array {
  const random = seededRandom(seed);
  const blobs = Array.from({ length: 6 }, () => ({
    x: random() * SIZE,
    y: random() * SIZE,
    r: 5 + random() * 15,
    c: [random(), random(), random()].map((v) => v * 200),
  }));
  const base = [random() * 120, random() * 120, random() * 120];
  const out = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      for (let c = 0; c < 3; c++) {
        let v = base[c]! + (y / SIZE) * 60;
        for (const b of blobs) v += b.c[c]! * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r * b.r));
        out[(y * SIZE + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}

/** The centre `scale` of a picture stretched back to SIZE×SIZE (bilinear), as a cropped copy's model input would be. */
function centreCrop(rgb: Uint8Array, scale: number): Uint8Array {
  const out = new Uint8Array(rgb.length);
  const offset = (SIZE * (1 - scale)) / 2;
  const at = (y: number, x: number, c: number) => rgb[(Math.min(SIZE - 1, Math.max(0, y)) * SIZE + Math.min(SIZE - 1, Math.max(0, x))) * 3 + c]!;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const sy = offset + (y + 0.5) * scale - 0.5;
      const sx = offset + (x + 0.5) * scale - 0.5;
      const y0 = Math.floor(sy);
      const x0 = Math.floor(sx);
      const fy = sy - y0;
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const v =
          at(y0, x0, c) * (1 - fy) * (1 - fx) +
          at(y0, x0 + 1, c) * (1 - fy) * fx +
          at(y0 + 1, x0, c) * fy * (1 - fx) +
          at(y0 + 1, x0 + 1, c) * fy * fx;
        out[(y * SIZE + x) * 3 + c] = Math.round(v);
      }
    }
  }
  return out;
}

test('pixel signatures: a crop, a brighter copy and a colour cast match their original; different pictures do not', () => {
  const original = picture(1);
  const brighter = original.map((v) => Math.min(255, Math.round(v * 1.15)));
  const warmer = original.map((v, i) => Math.min(255, v + (i % 3 === 0 ? 25 : 0)));
  const inputs = new Map<number, Uint8Array>([
    [1, original],
    [2, centreCrop(original, 0.8)],
    [3, brighter],
    [4, warmer],
    ...Array.from({ length: 8 }, (_, i) => [10 + i, picture(100 + i)] as [number, Uint8Array]),
  ]);
  const s = pixelSignatures(inputs, SIZE);
  const row = (id: number) => s.photoIds.indexOf(id);
  const similarity = (a: number, b: number) => pixelSimilarity(s, row(a), row(b));
  assert.ok(similarity(1, 2) > 0.97, `80 % crop: ${similarity(1, 2)}`);
  assert.equal(similarity(1, 2), similarity(2, 1), 'symmetric');
  assert.ok(similarity(1, 3) > 0.98, `brighter: ${similarity(1, 3)}`);
  assert.ok(similarity(1, 4) > 0.99, `colour cast (each channel is centred on its own mean): ${similarity(1, 4)}`);
  for (let other = 10; other < 18; other++) assert.ok(similarity(1, other) < 0.9, `different picture ${other}: ${similarity(1, other)}`);
});

test('tToZ: a t statistic becomes the normal z of the same tail probability', () => {
  // One-sided P(T > 5) with 10 degrees of freedom is 2.68e-4, the normal tail of z = 3.46.
  assert.ok(Math.abs(tToZ(5, 10) - 3.46) < 0.05, `${tToZ(5, 10)}`);
  // P(T > 3) with 30 degrees of freedom is 2.70e-3: z = 2.78.
  assert.ok(Math.abs(tToZ(3, 30) - 2.78) < 0.05, `${tToZ(3, 30)}`);
  assert.ok(Math.abs(tToZ(6, 1e6) - 6) < 1e-3, 'many degrees of freedom: the normal');
  assert.equal(tToZ(-2, 20), -tToZ(2, 20));
});
