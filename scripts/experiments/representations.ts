// Experiment (issue 19, not product code): which layer of a trained encoder ranks categories best?
// Trains the default recipe on a labelled folder (label = first-level subfolder) in continuing
// segments and, after each, scores precision@5 for μ(x) (the stored embedding), the pooled head and
// local feature maps, their horizontal-flip averages, and μ beside the pooled head.
// Usage: node --import tsx scripts/experiments/representations.ts <folder> <steps,steps,…> [seed]
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closeCore, openCore } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { labelledFiles, precisionAt5, type LabelledPhoto } from '../../src/main/eval/categories';
import { photoIdByPath } from '../../src/main/store/photos';
import { trainModel } from '../../src/main/model/train';
import { loadModelParams } from '../../src/main/model/embed';
import { readModelInputs } from '../../src/main/store/modelInputs';
import { EmbeddingIndex } from '../../src/main/search/knn';
import { normaliseRows } from '../../src/main/util/vectors';
import { maxPool2 } from '../../src/main/model/encoder';
import type { Params } from '../../src/main/model/params';
import { rawPixelIndex } from '../../src/main/eval/retrieval';

function cba(p: Params, name: string, x: tf.Tensor4D): tf.Tensor4D {
  const y = tf.conv2d(x, p.get(`${name}/w`) as tf.Tensor4D, 1, 'same');
  const scale = tf.rsqrt(tf.add(p.get(`${name}/var`), 1e-3)).mul(p.get(`${name}/gamma`));
  return tf.leakyRelu(
    y
      .sub(p.get(`${name}/mean`))
      .mul(scale)
      .add(p.get(`${name}/beta`)) as tf.Tensor4D,
    0.2,
  );
}

function reps(p: Params, x: tf.Tensor4D): Record<string, tf.Tensor2D> {
  let h = x;
  p.config.blockFilters.forEach((_, i) => (h = maxPool2(cba(p, `enc/block${i}`, h))));
  const local = h;
  p.config.headFilters.forEach((_, i) => (h = cba(p, `enc/head${i}`, h)));
  const headMax = tf.max(h, [1, 2]) as tf.Tensor2D;
  const mu = tf.add(tf.matMul(headMax, p.get('enc/mu/w') as tf.Tensor2D), p.get('enc/mu/b')) as tf.Tensor2D;
  return {
    mu,
    headMax,
    headAvg: tf.mean(h, [1, 2]) as tf.Tensor2D,
    localMax: tf.max(local, [1, 2]) as tf.Tensor2D,
    localAvg: tf.mean(local, [1, 2]) as tf.Tensor2D,
  };
}

const [folder, stepsArg, seedArg] = process.argv.slice(2);
if (!folder || !stepsArg) {
  console.error('usage: node --import tsx scripts/experiments/representations.ts <labelled folder> <steps,steps,…> [seed]');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'reps-'));
const core = openCore(join(work, 'home'));
await indexFolders(core, [resolve(folder)]);
const photos: LabelledPhoto[] = [];
for (const f of await labelledFiles(folder)) {
  const id = photoIdByPath(core.db, f.path);
  if (id !== undefined) photos.push({ id, path: f.path, label: f.label });
}
const ids = photos.map((p) => p.id);
console.log('raw', precisionAt5(photos, rawPixelIndex(readModelInputs(core.db, 64, ids), 64)).precision);
const seed = Number(seedArg ?? 1);
let prev = 0;
for (const [i, steps] of stepsArg.split(',').map(Number).entries()) {
  const t0 = Date.now();
  const model = await trainModel(core, { maxSteps: steps - prev, fromScratch: i === 0, seed: seed + i, activate: true });
  prev = steps;
  const params = await loadModelParams(core, model.id);
  const size = params.config.inputSize;
  const inputs = readModelInputs(core.db, size, ids);
  const x = new Float32Array(ids.length * size * size * 3);
  ids.forEach((id, k) => inputs.get(id)!.forEach((v, j) => (x[k * size * size * 3 + j] = v / 127.5 - 1)));
  const out: Record<string, Float32Array> = {};
  const dims: Record<string, number> = {};
  tf.tidy(() => {
    const xt = tf.tensor4d(x, [ids.length, size, size, 3]);
    const a = reps(params, xt);
    const b = reps(params, tf.reverse(xt, 2) as tf.Tensor4D);
    for (const k of Object.keys(a)) {
      out[k] = a[k]!.dataSync() as Float32Array;
      dims[k] = a[k]!.shape[1];
      const n1 = tf.div(a[k]!, tf.norm(a[k]!, 'euclidean', 1, true));
      const n2 = tf.div(b[k]!, tf.norm(b[k]!, 'euclidean', 1, true));
      out[`${k}+flip`] = tf.add(n1, n2).dataSync() as Float32Array;
      dims[`${k}+flip`] = dims[k]!;
    }
    const mu = tf.div(a.mu!, tf.norm(a.mu!, 'euclidean', 1, true));
    const hm = tf.div(a.headMax!, tf.norm(a.headMax!, 'euclidean', 1, true));
    out['mu|headMax'] = tf.concat([mu, hm], 1).dataSync() as Float32Array;
    dims['mu|headMax'] = a.mu!.shape[1] + a.headMax!.shape[1];
    // centred (mean over the library removed) versions of pooled features
    for (const k of ['headMax', 'headAvg', 'localAvg']) {
      const c = tf.sub(a[k]!, tf.mean(a[k]!, 0, true));
      out[`${k}-centred`] = c.dataSync() as Float32Array;
      dims[`${k}-centred`] = dims[k]!;
    }
  });
  const line = Object.entries(out).map(
    ([k, v]) => `${k}=${precisionAt5(photos, new EmbeddingIndex(ids, normaliseRows(v, dims[k]!), dims[k]!)).precision.toFixed(3)}`,
  );
  console.log(`steps ${steps} (${((Date.now() - t0) / 60000).toFixed(1)} min): ${line.join(' ')}`);
}
closeCore(core);
rmSync(work, { recursive: true, force: true });
