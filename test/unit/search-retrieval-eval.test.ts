// Recall@5 of the near-duplicate evaluation on hand-made scores: perfect groups, a group that
// loses places to another (and the confusion says which), ties at the cut shared out evenly; source
// photos as alike as a photo and its own edit found, and counted as one shot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeGroups, recallAt5, sameShotPairs, type EvalPhoto } from '../../src/main/search/retrievalEval';

/** Groups of `size` photos; ids from 1 in group order. */
function photosOf(groups: number, size: number): EvalPhoto[] {
  return Array.from({ length: groups * size }, (_, i) => ({ id: i + 1, group: Math.floor(i / size), variant: `v${i % size}` }));
}

test('perfect groups: recall 1, no confusions, even where a small group leaves places to others', () => {
  const photos = [...photosOf(3, 6), { id: 100, group: 3, variant: 'v0' }, { id: 101, group: 3, variant: 'v1' }];
  const groupOf = new Map(photos.map((p) => [p.id, p.group]));
  const r = recallAt5(photos, (a, b) => (groupOf.get(a) === groupOf.get(b) ? 1 : -(a + b) / 1000));
  assert.equal(r.recall, 1);
  assert.deepEqual(r.byVariant, { v0: 1, v1: 1, v2: 1, v3: 1, v4: 1, v5: 1 });
  assert.deepEqual(r.confusions, []);
});

test('a group whose copies are outranked by another picture: its recall drops and the confusion names the intruder', () => {
  const photos = photosOf(3, 6); // groups 0, 1, 2 with ids 1–6, 7–12, 13–18
  const groupOf = new Map(photos.map((p) => [p.id, p.group]));
  // Group 0's queries rank photo 7 (group 1) above their own last sibling.
  const r = recallAt5(photos, (a, b) => {
    if (groupOf.get(a) === groupOf.get(b)) return 0.9 - (groupOf.get(a) === 0 && (a === 6 || b === 6) ? 0.5 : 0);
    if (groupOf.get(a) === 0 && b === 7) return 0.8;
    return 0;
  });
  // Queries 1–5 lose one of 5 places (photo 6 ranks below photo 7); query 6 ranks 7 above all its siblings.
  const expected = (5 * (4 / 5) + 4 / 5) / 18 + 12 / 18;
  assert.ok(Math.abs(r.recall - expected) < 1e-12, `${r.recall} vs ${expected}`);
  assert.deepEqual(r.confusions, [{ group: 0, intruder: 1, places: 6 }]);
});

test('ties at the fifth place are shared out evenly', () => {
  const photos = photosOf(2, 6);
  // Every pair scores the same: each query's 5 places go to 11 tied photos, 5 of them siblings.
  const r = recallAt5(photos, () => 0);
  assert.ok(Math.abs(r.recall - 5 / 11) < 1e-12);
  assert.equal(r.confusions.length, 2);
  for (const c of r.confusions) assert.ok(Math.abs(c.places - (6 * 5 * 6) / 11) < 1e-9, JSON.stringify(c));
});

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
