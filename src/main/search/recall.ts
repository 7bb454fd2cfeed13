// Recall@5 on near-duplicate groups: for each photo, how many of its siblings (the other variants
// of the same source photo) are among its 5 nearest neighbours under a given similarity. The
// retraining quality gate (jobs/qualityGate.ts) scores models with it; the evaluations in eval/
// add their own scorers and diagnostics (eval/retrieval.ts).
import type { EmbeddingIndex } from './knn';

export const RECALL_AT = 5;

export interface RecallResult {
  recall: number;
  /** Mean recall for queries of each variant kind (e.g. how well a 25 % copy finds its group). */
  byVariant: Record<string, number>;
  /** Which groups take the top-5 places of which others, most places first (what the misses are). */
  confusions: Confusion[];
}

export interface Confusion {
  /** The group whose queries lost places. */
  group: number;
  /** The group of the photos that took them. */
  intruder: number;
  /** Top-5 places taken, summed over the group's queries (tied places shared out). */
  places: number;
}

function summarise(perQuery: { variant: string; recall: number }[], confusions: Confusion[]): RecallResult {
  const byVariant: Record<string, { sum: number; n: number }> = {};
  let sum = 0;
  for (const q of perQuery) {
    sum += q.recall;
    const v = (byVariant[q.variant] ??= { sum: 0, n: 0 });
    v.sum += q.recall;
    v.n++;
  }
  return {
    recall: perQuery.length ? sum / perQuery.length : 0,
    byVariant: Object.fromEntries(Object.entries(byVariant).map(([k, v]) => [k, +(v.sum / v.n).toFixed(4)])),
    confusions,
  };
}

export interface EvalPhoto {
  id: number;
  group: number;
  variant: string;
}

/**
 * Recall@5 where each query ranks every other photo by `score` (higher is more similar). Ties at
 * the 5th place are shared out evenly — the expected recall under a random order of tied photos —
 * so a coarse similarity (a 64-bit hash has 65 distances) is neither favoured nor penalised by ids.
 */
export function recallAt5(photos: readonly EvalPhoto[], score: (a: number, b: number) => number): RecallResult {
  const perQuery: { variant: string; recall: number }[] = [];
  const confusions = new Map<string, Confusion>();
  for (const q of photos) {
    const siblings = photos.filter((p) => p.group === q.group && p.id !== q.id);
    if (siblings.length === 0) continue;
    const others = photos.filter((p) => p.id !== q.id).map((p) => ({ p, s: score(q.id, p.id) }));
    others.sort((a, b) => b.s - a.s);
    const top = topPlaces(others, RECALL_AT);
    const found =
      top.above.filter((o) => o.p.group === q.group).length + (top.slots * top.tied.filter((o) => o.p.group === q.group).length) / top.tied.length;
    perQuery.push({ variant: q.variant, recall: found / Math.min(RECALL_AT, siblings.length) });
    // Places a sibling could have had: a group of 3 leaves 3 of 5 places to others whatever the score.
    const contested = siblings.length >= RECALL_AT ? top : topPlaces(others, siblings.length);
    const intrude = (o: { p: EvalPhoto }, places: number) => {
      if (o.p.group === q.group) return;
      const key = `${q.group} ${o.p.group}`;
      const c = confusions.get(key) ?? confusions.set(key, { group: q.group, intruder: o.p.group, places: 0 }).get(key)!;
      c.places += places;
    };
    for (const o of contested.above) intrude(o, 1);
    for (const o of contested.tied) intrude(o, contested.slots / contested.tied.length);
  }
  return summarise(
    perQuery,
    [...confusions.values()].sort((a, b) => b.places - a.places),
  );
}

/** The first n places of a ranking (best first): those surely in, and the tied ones sharing the rest. */
function topPlaces<T extends { s: number }>(ranked: T[], n: number): { above: T[]; tied: T[]; slots: number } {
  const cut = ranked[Math.min(n, ranked.length) - 1]!.s;
  const above = ranked.filter((o) => o.s > cut);
  return { above, tied: ranked.filter((o) => o.s === cut), slots: n - above.length };
}

/** Cosine similarity through an index of L2-normalised vectors. */
export function cosineScorer(index: EmbeddingIndex): (a: number, b: number) => number {
  const data = index.matrix.data;
  const stride = index.matrix.stride;
  return (a, b) => {
    const ra = index.rowOfPhoto(a);
    const rb = index.rowOfPhoto(b);
    if (ra === undefined || rb === undefined) return -Infinity;
    let dot = 0;
    for (let j = 0; j < index.dim; j++) dot += data[ra * stride + j]! * data[rb * stride + j]!;
    return dot;
  };
}
