// Exact cosine k-nearest-neighbour search over L2-normalised embeddings: one float32 matrix in wasm
// memory, SIMD dot products against every row, then partial top-k selection.
// From QUANTISED_FROM rows on, a first pass scores int8 codes of the rows (a quarter of the memory
// traffic, which is what limits a scan of 100k+ rows), then every row whose approximate score could
// still reach the top k — within twice the quantisation error bound of the k-th — is rescored in
// float32. The result is the exact top k, not an approximation, so there is no approximate index
// to keep in sync; `likeness bench search` measures both passes.
import { SimdCodes, SimdMatrix } from './simd';
import { TopK } from './topk';

export interface Neighbour {
  /** Row in the index. */
  row: number;
  score: number;
}

/** Below this many rows the float32 scan alone is fast enough (under a millisecond at 256 dims). */
export const QUANTISED_FROM = 20000;

export class EmbeddingIndex {
  readonly matrix: SimdMatrix;
  private readonly codes: SimdCodes | null;
  /** Rows rescored in float32 by the last quantised search (for benchmarks). */
  lastRescored = 0;
  private readonly rowOf = new Map<number, number>();

  /** `vectors` holds photoIds.length rows of `dim` floats, already L2-normalised. */
  constructor(
    readonly photoIds: readonly number[],
    vectors: Float32Array,
    readonly dim: number,
  ) {
    if (vectors.length !== photoIds.length * dim) throw new Error(`expected ${photoIds.length}×${dim} floats, got ${vectors.length}`);
    this.matrix = new SimdMatrix(photoIds.length, dim);
    const data = this.matrix.data;
    const stride = this.matrix.stride;
    for (let r = 0; r < photoIds.length; r++) {
      data.set(vectors.subarray(r * dim, (r + 1) * dim), r * stride);
      this.rowOf.set(photoIds[r]!, r);
    }
    this.codes = photoIds.length >= QUANTISED_FROM ? new SimdCodes(photoIds.length, dim, data, stride) : null;
  }

  get size(): number {
    return this.photoIds.length;
  }

  rowOfPhoto(photoId: number): number | undefined {
    return this.rowOf.get(photoId);
  }

  /** A copy of one row's vector. */
  vector(row: number): Float32Array {
    const stride = this.matrix.stride;
    return this.matrix.data.slice(row * stride, row * stride + this.dim);
  }

  /** The k rows most similar to `query` (cosine, as vectors are normalised), best first; `skipRow` is left out. */
  search(query: ArrayLike<number>, k: number, skipRow = -1): Neighbour[] {
    return this.codes && k < this.size / 4 ? this.searchQuantised(query, k, skipRow, this.codes) : this.searchExact(query, k, skipRow);
  }

  /** Float32 scores of every row. */
  searchExact(query: ArrayLike<number>, k: number, skipRow = -1): Neighbour[] {
    const top = new TopK(Math.min(k, this.size - (skipRow >= 0 ? 1 : 0)));
    // Scores are read in blocks so the wasm output buffer and the heap stay in cache.
    const block = 65536;
    for (let first = 0; first < this.size; first += block) {
      const count = Math.min(block, this.size - first);
      const scores = this.matrix.scores(query, 0, first, count);
      top.pushAll(scores, count, first, skipRow);
    }
    return top.sorted().map((s) => ({ row: s.index, score: s.score }));
  }

  private searchQuantised(query: ArrayLike<number>, k: number, skipRow: number, codes: SimdCodes): Neighbour[] {
    const { raw, divisor, errorBound } = codes.scores(query);
    const wanted = Math.min(k, this.size - (skipRow >= 0 ? 1 : 0));
    const approx = new TopK(wanted);
    // Any row whose exact score beats the k-th exact score has an approximate score of at least
    // (k-th approximate − 2·bound): rescoring all of those exactly loses nothing. The k-th
    // approximate score only rises during the scan, so every such row also clears the running
    // floor when it is read: one pass over the scores collects a (small) superset of them instead
    // of a second pass over all n.
    const margin = 2 * errorBound * divisor;
    const candidates: number[] = [];
    let threshold = -Infinity;
    let runningFloor = -Infinity;
    const n = this.size;
    for (let r = 0; r < n; r++) {
      const s = raw[r]!;
      if (s < runningFloor || r === skipRow) continue;
      candidates.push(r);
      if (s > threshold) {
        approx.push(r, s);
        if (approx.size === wanted) {
          threshold = approx.threshold;
          runningFloor = threshold - margin - 1;
        }
      }
    }
    const floor = Math.floor((approx.threshold / divisor - 2 * errorBound) * divisor);
    const top = new TopK(wanted);
    const data = this.matrix.data;
    const stride = this.matrix.stride;
    const dim = this.dim;
    let rescored = 0;
    for (const r of candidates) {
      if (raw[r]! < floor) continue;
      rescored++;
      const at = r * stride;
      let s0 = 0;
      let s1 = 0;
      for (let j = 0; j + 1 < dim; j += 2) {
        s0 += data[at + j]! * query[j]!;
        s1 += data[at + j + 1]! * query[j + 1]!;
      }
      if (dim % 2 === 1) s0 += data[at + dim - 1]! * query[dim - 1]!;
      top.push(r, s0 + s1);
    }
    this.lastRescored = rescored;
    return top.sorted().map((s) => ({ row: s.index, score: s.score }));
  }

  /** Neighbours of a photo already in the index, itself excluded. */
  searchPhoto(photoId: number, k: number): Neighbour[] {
    const row = this.rowOf.get(photoId);
    if (row === undefined) throw new Error(`photo ${photoId} has no embedding`);
    return this.search(this.vector(row), k, row);
  }
}
