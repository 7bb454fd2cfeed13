// Bars around a picture (search/bars.ts): a letterbox's black bands and a scan's white border are
// found and cut away; an object on white, a sky over a straight horizon, a band at one edge only,
// a plain picture and a uniform one have none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentBox, withoutBars } from '../../src/main/search/bars';

const SIZE = 64;

/** A size×size RGB picture from a function of (x, y) → grey. */
function image(grey: (x: number, y: number) => number): Uint8Array {
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) rgb.fill(Math.round(grey(x, y)), (y * SIZE + x) * 3, (y * SIZE + x) * 3 + 3);
  return rgb;
}

/** Texture with no uniform row or column. */
const texture = (x: number, y: number) => 128 + 60 * Math.sin(x * 0.9 + y * 0.3) + 40 * Math.cos(y * 1.1 - x * 0.2);

test('a letterbox: the black bands above and below are cut', () => {
  const letterboxed = image((x, y) => (y < 10 || y >= SIZE - 10 ? 0 : texture(x, y)));
  assert.deepEqual(contentBox(letterboxed, SIZE), { x: 0, y: 10, width: SIZE, height: SIZE - 20 });
  const content = withoutBars(letterboxed, SIZE);
  assert.notEqual(content, letterboxed);
  assert.equal(content.length, letterboxed.length);
});

test('a scan’s white border left and right is cut, both sides to the shallower', () => {
  const scanned = image((x, y) => (x < 4 || x >= SIZE - 6 ? 250 : texture(x, y)));
  assert.deepEqual(contentBox(scanned, SIZE), { x: 4, y: 0, width: SIZE - 8, height: SIZE });
});

test('a letterbox over a picture whose top is dark: the bar below ends at an edge, both are cut to it', () => {
  const dark = image((x, y) => (y < 10 || y >= SIZE - 10 ? 0 : y < 16 ? 5 : texture(x, y)));
  assert.deepEqual(contentBox(dark, SIZE), { x: 0, y: 10, width: SIZE, height: SIZE - 20 });
});

test('a flat sky over a straight horizon, and a black band at one edge only, are not bars', () => {
  assert.equal(
    contentBox(
      image((x, y) => (y < 20 ? 170 : texture(x, y))),
      SIZE,
    ),
    null,
  );
  assert.equal(
    contentBox(
      image((x, y) => (y < 10 ? 0 : texture(x, y))),
      SIZE,
    ),
    null,
  );
});

test('an object on white, a plain picture and a uniform one have no bars', () => {
  const disc = image((x, y) => ((x - 32) ** 2 + (y - 32) ** 2 < 14 ** 2 ? 40 : 255));
  assert.equal(contentBox(disc, SIZE), null);
  assert.equal(contentBox(image(texture), SIZE), null);
  const grey = image(() => 128);
  assert.equal(contentBox(grey, SIZE), null);
  assert.equal(withoutBars(grey, SIZE), grey);
});
