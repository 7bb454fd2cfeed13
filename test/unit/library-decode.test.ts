// Decoding (library/decode.ts): the pixel limit, and HEIC through the wasm decoder.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodePhoto } from '../../src/main/library/decode';

test('an image larger than the pixel limit is refused without being decoded', async () => {
  // A PNG header claiming 50,000 × 50,000 pixels, followed by almost nothing.
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
  const bomb = Buffer.from(png);
  bomb.writeUInt32BE(50000, 16);
  bomb.writeUInt32BE(50000, 20);
  await assert.rejects(decodePhoto(bomb), /too large|pixel limit|not a readable image/);
});

const sharedHeic = new URL('../../../shared/data/edge-cases/example.heic', import.meta.url).pathname;
test(
  'an iPhone-style HEIC (HEVC) photo decodes through the wasm decoder',
  { skip: existsSync(sharedHeic) ? false : 'needs ../shared/data/edge-cases/example.heic (sharp cannot write HEVC to make one)' },
  async () => {
    const { readFile } = await import('node:fs/promises');
    const decoded = await decodePhoto(await readFile(sharedHeic));
    assert.equal(decoded.format, 'heic');
    assert.ok(decoded.width > 0 && decoded.height > 0);
    assert.equal(decoded.working.data.length, decoded.working.width * decoded.working.height * 3);
  },
);
