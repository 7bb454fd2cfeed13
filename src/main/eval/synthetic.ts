// Synthetic embeddings for benchmarks and tests: unit vectors scattered around random centres
// (clustered, like real embeddings) plus optional uniformly random outliers.
import { seededRandom } from '../util/rng';
import { normaliseRows } from '../util/vectors';

export interface Blobs {
  vectors: Float32Array;
  /** Blob number per row, −1 for outliers. */
  labels: Int32Array;
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * `count` rows of `dim` floats around `blobs` centres. `spread` is the noise norm relative to the
 * centre (0.5 gives cosine ≈ 0.9 to the centre); `outliers` rows are uniform on the sphere.
 */
export function syntheticBlobs(count: number, dim: number, blobs: number, spread: number, outliers = 0, seed = 7): Blobs {
  const random = seededRandom(seed);
  const centres = new Float32Array(blobs * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = gaussian(random);
  normaliseRows(centres, dim);
  const vectors = new Float32Array(count * dim);
  const labels = new Int32Array(count);
  const noiseScale = spread / Math.sqrt(dim);
  for (let r = 0; r < count; r++) {
    const outlier = r >= count - outliers;
    const blob = outlier ? -1 : r % blobs;
    labels[r] = blob;
    for (let j = 0; j < dim; j++) {
      vectors[r * dim + j] = outlier ? gaussian(random) : centres[blob * dim + j]! + noiseScale * gaussian(random);
    }
  }
  return { vectors: normaliseRows(vectors, dim), labels };
}

/** How many clusters a library of `count` photos is given in the benchmarks: √count, at least 10. */
export function libraryBlobCount(count: number): number {
  return Math.max(10, Math.round(Math.sqrt(count)));
}

/** Embeddings laid out like a photo library's for the benchmarks: libraryBlobCount clusters, 1 % outliers. */
export function libraryLikeBlobs(count: number, dim: number, spread: number, seed: number): Blobs {
  return syntheticBlobs(count, dim, libraryBlobCount(count), spread, Math.floor(count / 100), seed);
}
