import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { evalNearDuplicates } from '../../src/main/eval/nearDuplicates';

const work = mkdtempSync(join(tmpdir(), 'likeness-eval-near-duplicates-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('eval near-duplicates on generated scenes: recall@5 per method and per edit, and sheets', async () => {
  const sheets = join(work, 'sheets');
  const result = await evalNearDuplicates({
    source: { scenes: 4 },
    minutes: 5,
    recipe: { preset: 'tiny', seed: 2, workers: 1, maxSteps: 2 },
    sheetDir: sheets,
    sheetCount: 2,
  });
  assert.equal(result.photos, 4);
  assert.ok(result.variants >= 4 * 5, `each scene and its edits are indexed (${result.variants})`);
  assert.deepEqual(Object.keys(result.recall), ['learned', 'rawPixels', 'perceptualHash', 'pixelViews', 'combined', 'findSimilar']);
  for (const [method, r] of Object.entries(result.recall)) {
    assert.ok(r.recall >= 0 && r.recall <= 1, `${method} ${r.recall}`);
    assert.ok(Object.keys(r.byVariant).includes('original'), `${method} is reported edit by edit`);
  }
  // Four different scenes and mild edits: the pixel signal finds each photo's copies.
  assert.ok(result.recall.pixelViews!.recall > 0.9, `pixel signal recall ${result.recall.pixelViews!.recall}`);
  // Find similar puts the copies it is sure of before what a two-step model learned.
  assert.ok(result.recall.findSimilar!.recall >= result.recall.learned!.recall, `find similar recall ${result.recall.findSimilar!.recall}`);

  assert.equal(result.sheets.length, 4, 'a learned and a raw-pixel sheet per query');
  assert.deepEqual(readdirSync(sheets).sort(), ['query-01-learned.png', 'query-01-raw.png', 'query-02-learned.png', 'query-02-raw.png']);
  const meta = await sharp(result.sheets[0]!).metadata();
  assert.ok(meta.width! > 9 * 128 && meta.height! > 128, 'the query and 9 neighbours in one row');
});
