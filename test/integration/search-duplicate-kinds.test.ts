// The two kinds of duplicates on generated pictures: copies (the five edits of writeVariants:
// 25 % size, 80 % centre crop, JPEG q20, EXIF rotation, ×1.15 brightness) against burst frames
// (writeBurstFrames: the camera moved 2 % and 4 % of the frame, exposure drifting 3 %). Pairs are
// scored per kind (eval/duplicateKinds.ts) over the groups `likeness duplicates` reports, with no model.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { closeCore, openCore } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { kindScores, type KindTruthPhoto } from '../../src/main/eval/duplicateKinds';
import { sceneJpeg } from '../../src/main/eval/scenes';
import { listDuplicateGroups } from '../../src/main/search/service';
import { writeBurstFrames, writeVariants } from '../../src/main/search/variants';
import { photoIdByPath } from '../../src/main/store/photos';

const work = mkdtempSync(join(tmpdir(), 'likeness-duplicate-kinds-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('copies and burst frames of generated scenes are told apart', async () => {
  const folder = join(work, 'photos');
  mkdirSync(folder, { recursive: true });
  const made: { path: string; source: number; frame: number }[] = [];
  const scenes = Number(process.env.LIKENESS_KIND_SCENES ?? 6);
  for (let seed = 1; seed <= scenes; seed++) {
    const source = join(work, `scene-${seed}.jpg`);
    writeFileSync(source, await sceneJpeg(seed * 31, 960, 640));
    for (const path of (await writeVariants(source, join(folder, String(seed)), `s${seed}`)).values()) made.push({ path, source: seed, frame: 0 });
    (await writeBurstFrames(source, join(folder, String(seed)), `s${seed}`)).forEach((path, k) => made.push({ path, source: seed, frame: k + 1 }));
  }
  const core = openCore(join(work, 'home'));
  try {
    await indexFolders(core, [folder]);
    const truth: KindTruthPhoto[] = made.map((m) => ({ id: photoIdByPath(core.db, m.path)!, source: m.source, frame: m.frame }));
    assert.ok(
      truth.every((t) => t.id !== undefined),
      'every generated picture was indexed',
    );
    const groups = listDuplicateGroups(core).map((g) => ({ kind: g.kind, keeperId: g.keeperId, photoIds: g.photos.map((p) => p.id) }));
    const scores = kindScores(groups, truth);
    console.log(`duplicate kinds on ${scenes} generated scenes: ${JSON.stringify(scores)}`);
    // Copies are never called different shots of one another's source, and bursts are not copies.
    assert.ok((scores.copies.precision ?? 0) >= 0.9, `copies precision ${scores.copies.precision}`);
    assert.ok((scores.copies.recall ?? 0) >= 0.8, `copies recall ${scores.copies.recall}`);
    assert.ok((scores.similar.precision ?? 0) >= 0.9, `similar precision ${scores.similar.precision}`);
    assert.ok((scores.similar.recall ?? 0) >= 0.5, `similar recall ${scores.similar.recall}`);
    // Each kind has its own keeper rule: a group of copies keeps its largest photo.
    for (const g of listDuplicateGroups(core).filter((x) => x.kind === 'copies')) {
      const largest = Math.max(...g.photos.map((p) => p.width * p.height));
      const keeper = g.photos.find((p) => p.id === g.keeperId)!;
      assert.equal(keeper.width * keeper.height, largest, `group ${g.id} keeps its largest copy`);
    }
  } finally {
    closeCore(core);
  }
});
