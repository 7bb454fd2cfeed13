// Experiment (not product code): how well do the Clusters screen's groups follow categories? On a
// library kept by `likeness eval categories <folder> --keep`, the product's clustering
// (clusterEmbeddings) of the learned embeddings and of raw pixels, with its default settings and
// a few others, scored against the labels:
//   - clusters, and the share of photos in one;
//   - purity: the share of clustered photos whose cluster's most common label is their own;
//   - ARI: the adjusted Rand index of the whole partition, each unclustered photo a group of one
//     (0 for chance, 1 for the labels exactly).
// Usage: node --import tsx scripts/experiments/clusters.ts <kept work dir> <labelled folder>
import { closeCore } from '../../src/main/core';
import { clusterEmbeddings, defaultMinClusterSize } from '../../src/main/search/clustering';
import type { EmbeddingIndex } from '../../src/main/search/knn';
import { openKept } from './keptLibrary';

const { core, photos, learned, raw } = await openKept(process.argv.slice(2), 'clusters.ts');
const labelOf = new Map(photos.map((p) => [p.id, p.label]));

/** n choose 2. */
const pairs = (n: number) => (n * (n - 1)) / 2;

/** Adjusted Rand index of two labelings of the same items (Hubert & Arabie 1985). */
function adjustedRand(a: readonly string[], b: readonly string[]): number {
  const count = (keys: readonly string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return m;
  };
  const joint = count(a.map((x, i) => `${x}\u0000${b[i]}`));
  const index = [...joint.values()].reduce((s, n) => s + pairs(n), 0);
  const rows = [...count(a).values()].reduce((s, n) => s + pairs(n), 0);
  const cols = [...count(b).values()].reduce((s, n) => s + pairs(n), 0);
  const expected = (rows * cols) / pairs(a.length);
  const max = (rows + cols) / 2;
  return max === expected ? 0 : (index - expected) / (max - expected);
}

function score(index: EmbeddingIndex, options: Parameters<typeof clusterEmbeddings>[1]) {
  const { clusters } = clusterEmbeddings(index, options);
  const clusterOf = new Map<number, number>();
  clusters.forEach((c, i) => c.memberIds.forEach((id) => clusterOf.set(id, i)));
  let majority = 0;
  for (const c of clusters) {
    const counts = new Map<string, number>();
    for (const id of c.memberIds) counts.set(labelOf.get(id)!, (counts.get(labelOf.get(id)!) ?? 0) + 1);
    majority += Math.max(...counts.values());
  }
  const clustered = clusterOf.size;
  const ids = index.photoIds;
  const ari = adjustedRand(
    ids.map((id) => labelOf.get(id)!),
    ids.map((id) => (clusterOf.has(id) ? `c${clusterOf.get(id)}` : `u${id}`)),
  );
  const sizes =
    clusters
      .slice(0, 12)
      .map((c) => c.memberIds.length)
      .join(' ') + (clusters.length > 12 ? ' …' : '');
  return `${String(clusters.length).padStart(3)} clusters  ${((100 * clustered) / ids.length).toFixed(0).padStart(3)} % clustered  purity ${(clustered ? majority / clustered : 0).toFixed(3)}  ARI ${ari.toFixed(3)}  sizes ${sizes}`;
}

const n = photos.length;
const settings: [string, Parameters<typeof clusterEmbeddings>[1]][] = (['eom', 'leaf'] as const).flatMap((selection) =>
  [5, 3, 2, 1].map((minSamples): [string, Parameters<typeof clusterEmbeddings>[1]] => [
    `${selection}, min samples ${minSamples}`,
    { selection, minSamples },
  ]),
);
console.log(`${n} labelled photos in ${new Set(labelOf.values()).size} categories; min cluster size ${defaultMinClusterSize(n)} (the default)`);
for (const [name, index] of [
  ['learned', learned],
  ['raw pixels', raw],
] as const)
  for (const [setting, options] of settings) console.log(`${name.padEnd(10)} ${setting.padEnd(28)} ${score(index, options)}`);
closeCore(core);
