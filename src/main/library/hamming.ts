// How many bits two difference hashes differ by. Apart from renditions.ts so that comparing hashes
// (near-duplicates, find-similar's library) does not load sharp.
export function hammingDistance(a: Uint8Array, b: Uint8Array): number {
  let distance = 0;
  for (let i = 0; i < a.length; i++) {
    let v = a[i] ^ b[i];
    while (v) {
      distance += v & 1;
      v >>= 1;
    }
  }
  return distance;
}
