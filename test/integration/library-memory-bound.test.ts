// Memory stays bounded when indexing very large images. Each test image is 16000×12000 (192 MP,
// under the decoder's 268 MP limit): fully decoded to 8-bit RGB, ONE of them is 576 MB. The CLI's
// peak RSS indexing four of them (two PNG, two JPEG, decoded four at a time) must exceed its peak
// indexing one small photo by less than that: so no image is ever held decoded whole — libvips
// shrinks JPEG on load and streams PNG rows into the resize — and the growth does not depend on
// how many large files there are. (Measured here: ~200 MB baseline, +~210 MB for the four.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { picture, tempDir } from '../helpers/images';

const bin = new URL('../../bin/likeness.mjs', import.meta.url).pathname;
const reporter = new URL('../helpers/report-max-rss.mjs', import.meta.url).href;
const tmp = tempDir('memory');
after(() => tmp.cleanup());

const WIDTH = 16000;
const HEIGHT = 12000;

function peakRssOfIndexing(folder: string, home: string): number {
  const result = spawnSync(process.execPath, ['--import', reporter, bin, 'index', folder, '--json'], {
    env: { ...process.env, LIKENESS_HOME: home },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  const match = /max-rss-kb (\d+)/.exec(result.stderr);
  assert.ok(match, result.stderr);
  return Number(match[1]) * 1024;
}

test('indexing 192-megapixel images never holds one decoded whole', async () => {
  const large = join(tmp.path, 'large');
  const small = join(tmp.path, 'small');
  mkdirSync(large);
  mkdirSync(small);
  for (let i = 0; i < 2; i++) {
    // Enlarged with nearest-neighbour from a small picture: real structure, quick to make.
    const base = await picture(60 + i, 400, 300)
      .raw()
      .toBuffer();
    const big = sharp(base, { raw: { width: 400, height: 300, channels: 3 } }).resize(WIDTH, HEIGHT, { kernel: 'nearest' });
    await big
      .clone()
      .png({ compressionLevel: 1 })
      .toFile(join(large, `large${i}.png`));
    await big
      .clone()
      .jpeg({ quality: 80 })
      .toFile(join(large, `large${i}.jpg`));
  }
  await picture(70, 64, 48).jpeg().toFile(join(small, 'small.jpg'));

  const baseline = peakRssOfIndexing(small, join(tmp.path, 'home-small'));
  const peak = peakRssOfIndexing(large, join(tmp.path, 'home-large'));
  const oneDecoded = WIDTH * HEIGHT * 3;
  const mb = (bytes: number) => Math.round(bytes / 1e6);
  console.log(
    `# peak RSS: ${mb(baseline)} MB indexing one small photo, ${mb(peak)} MB indexing four 192 MP images (one decoded whole: ${mb(oneDecoded)} MB)`,
  );
  assert.ok(peak - baseline < oneDecoded, `memory grew by ${mb(peak - baseline)} MB, as much as one whole decoded image`);
});
