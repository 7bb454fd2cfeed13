// `likeness eval fashion-mnist <dir>`: the quality check of the encoder. Trains on the 60k training
// images within a time budget, embeds train and test, and prints 5-NN cosine accuracy of the first
// N test images against the training set — next to raw pixels (mean-centred) and the same encoder
// with its untrained random weights, all computed in this run with the same protocol.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeCore, openCore } from '../core';
import type { SourceImage } from '../model/augment';
import { plainInto } from '../model/augment';
import { initBackend } from '../model/backend';
import { EmbedPool } from '../model/embedPool';
import { knnAccuracy } from '../model/knn';
import { Params } from '../model/params';
import { loadWeights } from '../model/weightsFile';
import { Rng, shuffleInPlace } from '../util/rng';
import { readIdxImages, readIdxLabels } from '../model/source';
import { buildConfig, trainModel, type TrainOptions } from '../model/train';
import { describeConfig, recalibrateBatchNorm } from '../model/trainer';
import { getModelRecord } from '../store/models';
import { parse, progressPrinter, UsageError, type Command } from './command';
import { trainOptionSpec, trainOptionsFrom } from './train';

interface Split {
  images: SourceImage[];
  labels: Uint8Array;
  pixels: Float32Array;
  dim: number;
}

function loadSplit(dir: string, prefix: 'train' | 't10k', limit = Infinity): Split {
  const idx = readIdxImages(join(dir, `${prefix}-images-idx3-ubyte.gz`));
  const labels = readIdxLabels(join(dir, `${prefix}-labels-idx1-ubyte.gz`));
  const count = Math.min(idx.count, limit);
  const dim = idx.rows * idx.cols;
  const images: SourceImage[] = [];
  for (let i = 0; i < count; i++) images.push({ data: idx.pixels.subarray(i * dim, (i + 1) * dim), width: idx.cols, height: idx.rows, channels: 1 });
  const pixels = new Float32Array(count * dim);
  for (let i = 0; i < count * dim; i++) pixels[i] = idx.pixels[i] / 255;
  return { images, labels: labels.subarray(0, count), pixels, dim };
}

async function embedAll(pool: EmbedPool, images: SourceImage[]): Promise<Float32Array> {
  const vectors = await pool.embedAll(images, 512);
  const dim = vectors[0].length;
  const out = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => out.set(v, i * dim));
  return out;
}

/** The issue's protocol scores the first 1,000 test images; a run with more queries gives both figures. */
const PROTOCOL_QUERIES = 1000;

interface Accuracy {
  all: number;
  first1000: number;
}

async function accuracies(queries: Float32Array, test: Split, refs: Float32Array, train: Split, dim: number): Promise<Accuracy> {
  const all = await knnAccuracy(queries, test.labels, refs, train.labels, dim, 5);
  if (test.labels.length <= PROTOCOL_QUERIES) return { all, first1000: all };
  const n = PROTOCOL_QUERIES;
  return { all, first1000: await knnAccuracy(queries.subarray(0, n * dim), test.labels.subarray(0, n), refs, train.labels, dim, 5) };
}

/** Embeds train and test on worker threads (both cores) and scores 5-NN. */
async function accuracyOf(params: Params, train: Split, test: Split): Promise<Accuracy> {
  const pool = await EmbedPool.start(params.config, await params.values());
  try {
    const refs = await embedAll(pool, train.images);
    const queries = await embedAll(pool, test.images);
    return await accuracies(queries, test, refs, train, params.config.zDim);
  } finally {
    await pool.close();
  }
}

/** Batch-norm statistics of an untrained encoder from un-augmented training images (as training's end does). */
async function recalibrateOn(params: Params, images: SourceImage[], seed: number, batches = 16): Promise<void> {
  const s = params.config.inputSize;
  const order = shuffleInPlace(Array.from({ length: images.length }, (_, i) => i), new Rng(seed));
  const size = params.config.batchSize;
  function* gen() {
    for (let b = 0; b < batches; b++) {
      const x = new Float32Array(size * s * s * 3);
      for (let i = 0; i < size; i++) plainInto(images[order[b * size + i]], s, x, i * s * s * 3);
      yield { x, count: size, size: s };
    }
  }
  await recalibrateBatchNorm(params, gen());
}

export const evalFashionMnist: Command = {
  name: 'fashion-mnist',
  summary: 'train on Fashion-MNIST within a time budget and print 5-NN accuracy vs raw pixels and the untrained encoder',
  usage: 'fashion-mnist <dir-with-idx-gz-files> [--minutes M] [--json] [--ablation] [--test N] [train options: --preset, --input-size, --alpha…]',
  async run(args, ctx) {
    const { values, positionals } = parse(args, { ...trainOptionSpec, ablation: { type: 'boolean' }, test: { type: 'string' } });
    const dir = positionals[0];
    if (!dir) throw new UsageError('give the folder with the Fashion-MNIST IDX .gz files');
    const base: TrainOptions = trainOptionsFrom(values);
    base.inputSize ??= 32;
    // Measured here: at a fixed budget the lean encoder (blocks 16/32/64) beats width 32 by seeing
    // 4.5× more images (0.857 vs 0.838 after 10 minutes).
    if ((base.preset ?? 'fast') === 'fast') base.width ??= 16;
    if (base.minutes === undefined && base.epochs === undefined && base.maxSteps === undefined) base.minutes = 10;
    base.seed ??= 1;
    const testCount = values.test ? Number(values.test) : 1000;
    const log = (s: string) => ctx.err(s);

    const info = await initBackend();
    const train = loadSplit(dir, 'train');
    const test = loadSplit(dir, 't10k', testCount);
    log(`Fashion-MNIST: ${train.images.length} train, ${test.images.length} test queries; ${info.backend} on ${info.device}`);

    // Raw pixels, mean-centred by the training mean.
    const mean = new Float32Array(train.dim);
    for (let i = 0; i < train.pixels.length; i++) mean[i % train.dim] += train.pixels[i] / train.images.length;
    const centre = (p: Float32Array) => p.map((v, i) => v - mean[i % train.dim]);
    const raw = await accuracies(centre(test.pixels), test, centre(train.pixels), train, train.dim);
    log(`raw pixels (mean-centred, cosine 5-NN): ${raw.all.toFixed(4)}`);

    const config = buildConfig(base);
    const random = Params.init(config, base.seed);
    await recalibrateOn(random, train.images, base.seed);
    const randomInit = await accuracyOf(random, train, test);
    random.dispose();
    log(`untrained encoder (${describeConfig(config)}): ${randomInit.all.toFixed(4)}`);

    const root = mkdtempSync(join(tmpdir(), 'likeness-eval-'));
    const core = openCore(root);
    const runs: Record<string, unknown>[] = [];
    try {
      const variants: [string, TrainOptions][] = [['model', base]];
      if (values.ablation) {
        variants.push(['global-only', { ...base, beta: 0 }], ['local-only', { ...base, alpha: 0 }]);
      }
      for (const [name, options] of variants) {
        const printer = progressPrinter(`train ${name}`);
        const started = performance.now();
        const model = await trainModel(
          core,
          { ...options, source: { kind: 'idx', imagesFile: join(dir, 'train-images-idx3-ubyte.gz') }, activate: false },
          { signal: ctx.signal, onProgress: (p) => printer.show(p) },
        );
        printer.end();
        const trainMinutes = (performance.now() - started) / 60000;
        const record = getModelRecord(core.db, model.id)!;
        const { config: trained, values: weights } = loadWeights(join(root, record.weightsPath!));
        const params = Params.fromValues(trained, weights);
        const knn = await accuracyOf(params, train, test);
        params.dispose();
        const run = {
          name,
          knnAccuracy: knn.all,
          knnAccuracyFirst1000: knn.first1000,
          trainMinutes,
          steps: model.steps,
          imagesSeen: model.photosSeen,
          epochs: model.photosSeen / train.images.length,
          imagesPerSecond: model.photosSeen / (model.durationMs / 1000),
          backend: model.backend,
          device: model.device,
          config: describeConfig(trained),
        };
        runs.push(run);
        log(`${name}: 5-NN ${knn.all.toFixed(4)} after ${trainMinutes.toFixed(1)} min (${run.epochs.toFixed(2)} epochs, ${run.imagesPerSecond.toFixed(1)} img/s) — ${run.config}`);
      }
    } finally {
      closeCore(core);
      rmSync(root, { recursive: true, force: true });
    }
    const main = runs[0] as { knnAccuracy: number; knnAccuracyFirst1000: number; trainMinutes: number; backend: string; device: string };
    const result = {
      knnAccuracy: main.knnAccuracy,
      rawPixelAccuracy: raw.all,
      randomInitAccuracy: randomInit.all,
      ...(test.images.length > PROTOCOL_QUERIES && {
        first1000: { knnAccuracy: main.knnAccuracyFirst1000, rawPixelAccuracy: raw.first1000, randomInitAccuracy: randomInit.first1000 },
      }),
      trainMinutes: main.trainMinutes,
      backend: main.backend,
      device: main.device,
      testQueries: test.images.length,
      runs,
    };
    if (values.json) ctx.out(JSON.stringify(result));
    else {
      const first = test.images.length > PROTOCOL_QUERIES;
      const both = (all: number, f: number) => `${all.toFixed(4)}${first ? `  (first 1,000: ${f.toFixed(4)})` : ''}`;
      ctx.out(`${test.images.length} test queries against ${train.images.length} training images`);
      ctx.out(`learned encoder 5-NN:   ${both(main.knnAccuracy, main.knnAccuracyFirst1000)}  (${main.trainMinutes.toFixed(1)} min, ${main.backend})`);
      ctx.out(`raw pixels 5-NN:        ${both(raw.all, raw.first1000)}`);
      ctx.out(`untrained encoder 5-NN: ${both(randomInit.all, randomInit.first1000)}`);
      for (const r of runs.slice(1)) ctx.out(`${String(r.name).padEnd(12)} 5-NN:  ${(r.knnAccuracy as number).toFixed(4)}`);
    }
    return 0;
  },
};
