// Recall@5 (search/recall.ts) on hand-made scores: perfect groups, a group that loses places to
// another (and the confusion says which), ties at the cut shared out evenly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recallAt5, type EvalPhoto } from '../../src/main/search/recall';

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
