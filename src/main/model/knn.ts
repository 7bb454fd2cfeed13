// k-nearest-neighbour classification by cosine similarity (the quality evaluation's protocol):
// each query takes the majority label of its k most similar references (ties: the label whose
// members are most similar in total).
import * as tf from '@tensorflow/tfjs';
import { normaliseRows } from '../util/vectors';

export async function knnAccuracy(
  queries: Float32Array,
  queryLabels: ArrayLike<number>,
  refs: Float32Array,
  refLabels: ArrayLike<number>,
  dim: number,
  k = 5,
): Promise<number> {
  // Copies: the caller's vectors stay as they were.
  const q = normaliseRows(queries.slice(), dim);
  const r = normaliseRows(refs.slice(), dim);
  const nq = q.length / dim;
  const nr = r.length / dim;
  // Best k (similarity, index) per query, merged over chunks of the references.
  const bestSim = new Float32Array(nq * k).fill(-Infinity);
  const bestIdx = new Int32Array(nq * k).fill(-1);
  const chunk = 8192;
  const qt = tf.tensor2d(q, [nq, dim]);
  for (let start = 0; start < nr; start += chunk) {
    const n = Math.min(chunk, nr - start);
    const top = tf.tidy(() => {
      const sims = tf.matMul(qt, tf.tensor2d(r.subarray(start * dim, (start + n) * dim), [n, dim]), false, true);
      return tf.topk(sims, Math.min(k, n));
    });
    // Asynchronous reads: WebGPU cannot read synchronously in Node.
    const values = (await top.values.data()) as Float32Array;
    const indices = (await top.indices.data()) as Int32Array;
    tf.dispose([top.values, top.indices]);
    const kk = Math.min(k, n);
    for (let i = 0; i < nq; i++) {
      for (let j = 0; j < kk; j++) {
        const s = values[i * kk + j];
        // Insert into the query's sorted best-k list.
        let p = k - 1;
        if (s <= bestSim[i * k + p]) continue;
        while (p > 0 && bestSim[i * k + p - 1] < s) {
          bestSim[i * k + p] = bestSim[i * k + p - 1];
          bestIdx[i * k + p] = bestIdx[i * k + p - 1];
          p--;
        }
        bestSim[i * k + p] = s;
        bestIdx[i * k + p] = start + indices[i * kk + j];
      }
    }
  }
  qt.dispose();
  let correct = 0;
  for (let i = 0; i < nq; i++) {
    const votes = new Map<number, { n: number; s: number }>();
    for (let j = 0; j < k; j++) {
      const idx = bestIdx[i * k + j];
      if (idx < 0) continue;
      const label = refLabels[idx];
      const v = votes.get(label) ?? { n: 0, s: 0 };
      v.n += 1;
      v.s += bestSim[i * k + j];
      votes.set(label, v);
    }
    let best = -1;
    let bestVote = { n: -1, s: -Infinity };
    for (const [label, v] of votes) {
      if (v.n > bestVote.n || (v.n === bestVote.n && v.s > bestVote.s)) {
        best = label;
        bestVote = v;
      }
    }
    if (best === queryLabels[i]) correct++;
  }
  return correct / nq;
}
