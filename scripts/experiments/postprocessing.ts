// Experiment (issue 19, not product code): does a change made after training, with no labels, lift
// category precision@5? Two kinds, on a library kept by `likeness eval categories <folder> --keep`:
//   - the learned embeddings centred on the library's mean, or PCA-whitened (Jégou & Chum 2012),
//     each axis scaled by (λ + s·mean λ)^-½, optionally keeping only the top principal axes;
//   - the ranking by learned cosine + w · raw-pixel cosine (the baseline's own pixels).
// Usage: node --import tsx scripts/experiments/postprocessing.ts <kept work dir> <labelled folder>
import { closeCore } from '../../src/main/core';
import { precisionAt5 } from '../../src/main/eval/categories';
import { EmbeddingIndex } from '../../src/main/search/knn';
import { normaliseRows } from '../../src/main/util/vectors';
import { openKept } from './keptLibrary';

const { core, photos, modelId, learned, raw } = await openKept(process.argv.slice(2), 'postprocessing.ts');

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: [values, vectors as columns]. */
function eig(a: Float64Array, n: number): [Float64Array, Float64Array] {
  const A = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q]! ** 2;
    if (off < 1e-18) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (Math.abs(apq) < 1e-30) continue;
        const theta = (A[q * n + q]! - A[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!,
            akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!,
            aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!,
            vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  return [Float64Array.from({ length: n }, (_, i) => A[i * n + i]!), V];
}

/** Rows centred on the mean, optionally projected on the top `keep` principal axes and scaled by (λ + shrink·mean λ)^-½. */
function transformed(index: EmbeddingIndex, shrink: number | null, keep?: number): EmbeddingIndex {
  const n = index.photoIds.length,
    d = index.dim;
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) index.vector(r).forEach((x, j) => (mean[j]! += x / n));
  const X = new Float64Array(n * d);
  for (let r = 0; r < n; r++) index.vector(r).forEach((x, j) => (X[r * d + j] = x - mean[j]!));
  if (shrink === null) return new EmbeddingIndex(index.photoIds, normaliseRows(Float32Array.from(X), d), d);
  const C = new Float64Array(d * d);
  for (let r = 0; r < n; r++)
    for (let i = 0; i < d; i++) {
      const xi = X[r * d + i]!;
      for (let j = 0; j < d; j++) C[i * d + j]! += (xi * X[r * d + j]!) / n;
    }
  const [vals, V] = eig(C, d);
  const order = [...vals.keys()].sort((a, b) => vals[b]! - vals[a]!).slice(0, keep ?? d);
  const meanVal = order.reduce((s, k) => s + vals[k]!, 0) / order.length;
  const out = new Float32Array(n * order.length);
  for (let r = 0; r < n; r++)
    order.forEach((k, o) => {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += X[r * d + j]! * V[j * d + k]!;
      out[r * order.length + o] = dot / Math.sqrt(Math.max(0, vals[k]!) + shrink * meanVal);
    });
  return new EmbeddingIndex(index.photoIds, normaliseRows(out, order.length), order.length);
}

const p = (i: EmbeddingIndex) => precisionAt5(photos, i).precision.toFixed(3);
console.log(`${photos.length} labelled photos, model ${modelId}; raw pixels ${p(raw)}`);
const whitened = [`plain ${p(learned)}`, `centred ${p(transformed(learned, null))}`];
for (const s of [0.01, 0.1, 0.3, 1, 3]) whitened.push(`whitened s${s} ${p(transformed(learned, s))}`);
for (const k of [16, 32, 64]) whitened.push(`top ${k} axes s0.1 ${p(transformed(learned, 0.1, k))}`);
console.log(`learned: ${whitened.join('  ')}`);

/** Rows [learned, √w · raw]: their cosine ranks as learned cosine + w · raw cosine. */
function fused(w: number): EmbeddingIndex {
  const d = learned.dim + raw.dim;
  const order = learned.photoIds;
  const v = new Float32Array(order.length * d);
  order.forEach((id, r) => {
    v.set(learned.vector(r), r * d);
    const rv = raw.vector(raw.rowOfPhoto(id)!);
    for (let j = 0; j < raw.dim; j++) v[r * d + learned.dim + j] = Math.sqrt(w) * rv[j]!;
  });
  return new EmbeddingIndex(order, v, d);
}
console.log(`learned + w · raw pixels: ${[0.1, 0.25, 0.5, 1, 2].map((w) => `w${w} ${p(fused(w))}`).join('  ')}`);
closeCore(core);
