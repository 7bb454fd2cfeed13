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
