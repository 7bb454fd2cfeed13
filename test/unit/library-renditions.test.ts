// The difference hash (library/renditions.ts) measured with library/hamming.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { decodePhoto } from '../../src/main/library/decode';
import { hammingDistance } from '../../src/main/library/hamming';
import { differenceHash } from '../../src/main/library/renditions';
import { picture } from '../helpers/images';

test('the difference hash survives resizing, recompression and brightness, and tells pictures apart', async () => {
  const hashOf = async (image: Sharp) => {
    const decoded = await decodePhoto(await image.jpeg({ quality: 90 }).toBuffer());
    return differenceHash(decoded.working);
  };
  const original = await hashOf(picture(1, 640, 480));
  const small = await hashOf(picture(1, 640, 480).resize(160, 120));
  const lowQuality = await hashOf(sharp(await picture(1, 640, 480).jpeg({ quality: 20 }).toBuffer()));
  const brighter = await hashOf(picture(1, 640, 480).linear(1.15, 0));
  const other = await hashOf(picture(2, 640, 480));
  for (const variant of [small, lowQuality, brighter]) assert.ok(hammingDistance(original, variant) <= 6);
  assert.ok(hammingDistance(original, other) > 12);
});
