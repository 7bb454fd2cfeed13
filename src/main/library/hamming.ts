// How many bits two difference hashes differ by. Apart from renditions.ts so that comparing hashes
// (near-duplicates, find-similar's library) does not load sharp.
const BITS = Uint8Array.from({ length: 256 }, (_, v) => {
  let n = 0;
  for (let x = v; x; x >>= 1) n += x & 1;
  return n;
});

/** Bits that differ between `a` and the a.length bytes of `b` from `offset` (hashes packed in one array). */
export function hammingDistanceAt(a: Uint8Array, b: Uint8Array, offset: number): number {
  let distance = 0;
  for (let i = 0; i < a.length; i++) distance += BITS[a[i]! ^ b[offset + i]!]!;
  return distance;
}

export function hammingDistance(a: Uint8Array, b: Uint8Array): number {
  let distance = 0;
  for (let i = 0; i < a.length; i++) distance += BITS[a[i]! ^ b[i]!]!;
  return distance;
}

/** Set bits of a 32-bit integer. */
function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * For each 8-byte hash packed in `table`: its smallest distance to any of `queries` (8 bytes each).
 * Two 32-bit words at a time, which makes a scan of a whole library's hashes several times faster
 * than a byte table.
 */
export function nearestDistances(queries: readonly Uint8Array[], table: Uint8Array): Uint8Array {
  const count = table.length >> 3;
  const words = table.byteOffset % 4 === 0 ? new Uint32Array(table.buffer, table.byteOffset, count * 2) : new Uint32Array(table.slice().buffer);
  const query = new Uint32Array(Uint8Array.from(queries.flatMap((q) => Array.from(q.subarray(0, 8)))).buffer);
  const out = new Uint8Array(count).fill(64);
  for (let q = 0; q < query.length; q += 2) {
    const q0 = query[q]!;
    const q1 = query[q + 1]!;
    for (let i = 0; i < count; i++) {
      const d = popcount32(words[2 * i]! ^ q0) + popcount32(words[2 * i + 1]! ^ q1);
      if (d < out[i]!) out[i] = d;
    }
  }
  return out;
}
