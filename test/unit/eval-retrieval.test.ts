// The near-duplicate evaluation's diagnostics (eval/retrieval.ts) on hand-made scores: source
// photos as alike as a photo and its own edit found, and counted as one shot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeGroups, sameShotPairs } from '../../src/main/eval/retrieval';
import { recallAt5, type EvalPhoto } from '../../src/main/search/recall';

/** Groups of `size` photos; ids from 1 in group order. */
function photosOf(groups: number, size: number): EvalPhoto[] {
  return Array.from({ length: groups * size }, (_, i) => ({ id: i + 1, group: Math.floor(i / size), variant: `v${i % size}` }));
}

test('two sources as alike as a photo and its own edit are named, and counted as one shot they no longer cost recall', () => {
  const variants = ['original', 'jpeg', 'small', 'bright', 'rotated', 'crop'];
  // Groups 0–3 of 6 variants; ids 1–24. Groups 0 and 1 are two frames of one burst.
  const photos: EvalPhoto[] = Array.from({ length: 24 }, (_, i) => ({ id: i + 1, group: Math.floor(i / 6), variant: variants[i % 6]! }));
  const byId = new Map(photos.map((p) => [p.id, p]));
  const score = (a: number, b: number) => {
    const [pa, pb] = [byId.get(a)!, byId.get(b)!];
    if (pa.group === pb.group) return pa.variant === 'crop' || pb.variant === 'crop' ? 0.6 : 0.98;
    const burst = (g: number) => g === 0 || g === 1;
    return burst(pa.group) && burst(pb.group) ? 0.99 : 0.1;
  };
  const pairs = sameShotPairs(photos, score, ['jpeg']);
  assert.deepEqual(
    pairs.map((p) => [p.group, p.other, p.edit]),
    [
      [0, 1, 'jpeg'],
      [1, 0, 'jpeg'],
    ],
  );
  // Unrelated pictures are far apart even against a crop, the furthest copy here.
  assert.equal(sameShotPairs(photos, score, ['crop']).length, 2);

  const merged = mergeGroups(photos, pairs);
  assert.deepEqual(
    merged.map((p) => p.group),
    photos.map((p) => (p.group === 1 ? 0 : p.group)),
  );
  const asIs = recallAt5(photos, score).recall;
  const asOne = recallAt5(merged, score).recall;
  assert.ok(asIs < 1, `the burst frames take each other's places: ${asIs}`);
  assert.equal(asOne, 1);
});

test('merging is transitive: three frames of one burst become one group', () => {
  const photos = photosOf(4, 2);
  const merged = mergeGroups(photos, [
    { group: 2, other: 1 },
    { group: 3, other: 2 },
  ]);
  assert.deepEqual(
    merged.map((p) => p.group),
    [0, 0, 1, 1, 1, 1, 1, 1],
  );
});
