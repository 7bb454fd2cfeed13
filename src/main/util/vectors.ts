// Small vector helpers shared by search, evaluation and the quality gate.

/** L2-normalises each row of a row-major matrix in place and returns it; zero rows stay zero. */
export function normaliseRows(vectors: Float32Array, dim: number): Float32Array {
  for (let at = 0; at < vectors.length; at += dim) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += vectors[at + j]! * vectors[at + j]!;
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let j = 0; j < dim; j++) vectors[at + j]! *= scale;
  }
  return vectors;
}
