// Precision and recall of each kind of duplicate against a known truth: photos made from one
// source picture, each in a frame (0: the source's own frame — the original and its edits, which
// are copies of each other; 1, 2…: burst frames — similar shots of the source and of each other).
// Scored pair by pair over the groups `likeness duplicates` reports; a pair from two different
// sources is wrong for whichever kind it was called.
import type { KindedGroup } from '../search/duplicateKinds';

export interface KindTruthPhoto {
  id: number;
  source: number;
  frame: number;
}

export interface KindScore {
  precision: number | null;
  recall: number | null;
  foundPairs: number;
  truePairs: number;
}

/** Pairs called each kind: copies within a copies group; similar across the pictures of a similar group (each with its copies). */
export function calledPairs(groups: readonly KindedGroup[]): { copies: Set<string>; similar: Set<string> } {
  const key = (a: number, b: number) => (a < b ? `${a},${b}` : `${b},${a}`);
  const copies = new Set<string>();
  const similar = new Set<string>();
  const copiesOfKeeper = new Map<number, number[]>();
  for (const g of groups) {
    if (g.kind !== 'copies') continue;
    copiesOfKeeper.set(g.keeperId, g.photoIds);
    for (let i = 0; i < g.photoIds.length; i++) for (let j = i + 1; j < g.photoIds.length; j++) copies.add(key(g.photoIds[i]!, g.photoIds[j]!));
  }
  for (const g of groups) {
    if (g.kind !== 'similar') continue;
    const pictures = g.photoIds.map((id) => copiesOfKeeper.get(id) ?? [id]);
    for (let i = 0; i < pictures.length; i++) {
      for (let j = i + 1; j < pictures.length; j++) for (const a of pictures[i]!) for (const b of pictures[j]!) similar.add(key(a, b));
    }
  }
  return { copies, similar };
}

export function kindScores(groups: readonly KindedGroup[], photos: readonly KindTruthPhoto[]): { copies: KindScore; similar: KindScore } {
  const byId = new Map(photos.map((p) => [p.id, p]));
  const truth = { copies: 0, similar: 0 };
  for (let i = 0; i < photos.length; i++) {
    for (let j = i + 1; j < photos.length; j++) {
      const a = photos[i]!;
      const b = photos[j]!;
      if (a.source === b.source) truth[a.frame === b.frame && a.frame === 0 ? 'copies' : 'similar']++;
    }
  }
  const called = calledPairs(groups);
  const score = (kind: 'copies' | 'similar'): KindScore => {
    let right = 0;
    for (const pair of called[kind]) {
      const [a, b] = pair.split(',').map((x) => byId.get(Number(x)));
      if (!a || !b || a.source !== b.source) continue;
      const isCopy = a.frame === 0 && b.frame === 0;
      if ((kind === 'copies') === isCopy) right++;
    }
    return {
      precision: called[kind].size ? +(right / called[kind].size).toFixed(4) : null,
      recall: truth[kind] ? +(right / truth[kind]).toFixed(4) : null,
      foundPairs: called[kind].size,
      truePairs: truth[kind],
    };
  };
  return { copies: score('copies'), similar: score('similar') };
}
