// Find similar's copies test computes the grey view codes of a query once and turns them for the
// other three quarter turns (search/copies.ts quarterTurnCodes): that holds only while resampling
// the centred views and cutting bars treat every edge alike. Checked against computing each turned
// picture's codes, on plain, letterboxed and pillarboxed colour pictures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { greyInput, quarterTurnCodes, quarterTurns } from '../../src/main/search/copies';
import { pixelSimilarity, viewCodes } from '../../src/main/search/pixelSignatures';
import { seededRandom } from '../../src/main/util/rng';

const SIZE = 64;

function picture(seed: number, bars: 'none' | 'letterbox' | 'pillarbox'): Uint8Array {
  const random = seededRandom(seed);
  const [a, b, c] = [random() * 2, random() * 2, random() * 6];
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const barred = (bars === 'letterbox' && (y < 9 || y >= SIZE - 9)) || (bars === 'pillarbox' && (x < 7 || x >= SIZE - 7));
      for (let ch = 0; ch < 3; ch++)
        rgb[(y * SIZE + x) * 3 + ch] = barred
          ? 0
          : Math.round(128 + 90 * Math.sin(a * x * 0.2 + b * y * 0.15 + c + ch) * Math.cos(0.07 * x * y + ch));
    }
  return rgb;
}

test('the turned codes are the codes of the turned pictures', () => {
  for (const bars of ['none', 'letterbox', 'pillarbox'] as const)
    for (let seed = 1; seed <= 4; seed++) {
      const rgb = picture(seed, bars);
      const turnedOnce = quarterTurnCodes(rgb, SIZE);
      const each = viewCodes(new Map(quarterTurns(rgb, SIZE).map((t, i) => [i, greyInput(t)])), SIZE, 1);
      for (let turn = 0; turn < 4; turn++) {
        const correlation = pixelSimilarity(turnedOnce, turn, turn, each);
        assert.ok(correlation > 0.999, `${bars} picture ${seed}, turn ${turn}: ${correlation}`);
      }
      // And turning does change them: the test would pass on four copies of turn 0 otherwise.
      assert.ok(pixelSimilarity(turnedOnce, 1, 1, each) > pixelSimilarity(turnedOnce, 0, 1, each) + 0.05);
    }
});
