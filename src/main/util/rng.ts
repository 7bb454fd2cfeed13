// A small seeded PRNG (mulberry32) so that weight initialisation, epoch order, augmentation and
// shuffles are reproducible and identical in every data-parallel worker.
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  getState(): number {
    return this.state;
  }
  setState(state: number): void {
    this.state = state >>> 0;
  }
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * A random permutation with no fixed point (Sattolo's algorithm: one cycle through all items), so a
 * shuffled negative is never the item itself when n > 1.
 */
export function derangement(n: number, rng: Rng): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/**
 * The same generator as a plain function, started from exactly `seed` (no remapping of 0), for
 * code that only needs uniform numbers: partitions, samples, synthetic data.
 */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(1);
  rng.setState(seed);
  return () => rng.next();
}
