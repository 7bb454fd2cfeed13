import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { closeCore, openCore } from '../../src/main/core';
import { evalCategories, labelledFiles } from '../../src/main/eval/categories';
import { countEmbeddings } from '../../src/main/store/embeddings';
import { activeModel } from '../../src/main/store/models';
import { pictureSvg } from '../helpers/search-fixtures';

const work = mkdtempSync(join(tmpdir(), 'likeness-eval-categories-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Generated pictures in two categories told apart by colour: a red tint or a blue one. */
async function labelledFolder(): Promise<string> {
  const root = join(work, 'set');
  for (const [category, tint] of [
    ['warm', { r: 255, g: 60, b: 40 }],
    ['cool', { r: 40, g: 80, b: 255 }],
  ] as const) {
    mkdirSync(join(root, category, 'nested'), { recursive: true });
    for (let i = 0; i < 8; i++) {
      const seed = (category === 'warm' ? 100 : 200) + i;
      // One picture one folder deeper: it still belongs to the first-level subfolder.
      const path = join(root, category, ...(i === 0 ? ['nested'] : []), `p${i}.jpg`);
      await sharp(Buffer.from(pictureSvg(seed)))
        .tint(tint)
        .jpeg({ quality: 90 })
        .toFile(path);
    }
  }
  await sharp(Buffer.from(pictureSvg(999)))
    .jpeg()
    .toFile(join(root, 'unlabelled.jpg'));
  return root;
}

test('eval categories: labels from subfolders, raw pixels beat chance on colour categories, a curve of one run in segments, sheets', async () => {
  const root = await labelledFolder();
  const files = await labelledFiles(root);
  assert.equal(files.length, 16, 'a picture outside any subfolder has no label and is left out');
  assert.deepEqual([...new Set(files.map((f) => f.label))].sort(), ['cool', 'warm']);

  const sheets = join(work, 'sheets');
  const result = await evalCategories(root, {
    budgets: [1, 2],
    budgetUnit: 'steps',
    recipe: { preset: 'tiny', seed: 3, workers: 1 },
    sheetDir: sheets,
    sheetCount: 2,
  });
  assert.equal(result.photos, 16);
  assert.deepEqual(result.categories, { cool: 8, warm: 8 });
  assert.equal(result.chance, +((2 * 8 * 7) / (16 * 15)).toFixed(4));
  assert.ok(result.rawPixels.precision > result.chance + 0.3, `raw pixels ${result.rawPixels.precision} tell red from blue`);
  assert.deepEqual(Object.keys(result.rawPixels.byCategory), ['cool', 'warm']);
  for (const p of [result.untrained, ...result.curve.map((c) => c.learned)]) assert.ok(p.precision >= 0 && p.precision <= 1);
  assert.deepEqual(
    result.curve.map((c) => [c.budget, c.steps]),
    [
      [1, 1],
      [2, 2],
    ],
    'the second segment continues to 2 steps in all',
  );
  assert.equal(result.sheets.length, 4, 'a learned and a raw-pixel sheet per query');
  assert.equal(readdirSync(sheets).length, 4);
  const meta = await sharp(result.sheets[0]!).metadata();
  assert.ok(meta.width! > 9 * 128 && meta.height! > 128, 'the query and 9 neighbours in one row');

  await assert.rejects(evalCategories(join(root, 'warm'), { budgets: [1], budgetUnit: 'steps', recipe: { preset: 'tiny' } }), /two subfolders/);
});

test('eval categories --unlabelled: more photos are trained on and embedded, only the labelled ones are asked and ranked', async () => {
  const root = await labelledFolder();
  const more = join(work, 'more');
  mkdirSync(more, { recursive: true });
  for (let i = 0; i < 5; i++)
    await sharp(Buffer.from(pictureSvg(500 + i)))
      .jpeg()
      .toFile(join(more, `m${i}.jpg`));
  const said: string[] = [];
  const result = await evalCategories(root, {
    budgets: [1],
    budgetUnit: 'steps',
    recipe: { preset: 'tiny', seed: 3, workers: 1 },
    unlabelled: [more],
    keep: true,
    say: (line) => said.push(line),
  });
  assert.equal(result.photos, 16, 'only labelled photos are judged');
  const kept = said.find((l) => l.startsWith('kept '))!.slice('kept '.length);
  const core = openCore(join(kept, 'home'));
  try {
    // The set's own unlabelled.jpg, the 16 labelled and the 5 more: all in the library and embedded.
    const model = activeModel(core.db)!;
    assert.equal(countEmbeddings(core.db, model.id), 22);
  } finally {
    closeCore(core);
    rmSync(kept, { recursive: true, force: true });
  }
});
