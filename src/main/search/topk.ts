// Partial selection of the k largest scores: a size-k min-heap, so a scan over n scores costs
// O(n) comparisons against the current k-th best plus O(log k) per improvement, never a full sort.

export interface Scored {
  index: number;
  score: number;
}

export class TopK {
  private readonly scores: Float64Array;
  private readonly indices: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(Math.max(1, k));
    this.indices = new Int32Array(Math.max(1, k));
  }

  /** The score an item must beat to enter (−∞ until the heap is full). */
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }

  push(index: number, score: number): void {
    if (this.k === 0) return;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.scores[parent]! <= score) break;
        this.scores[i] = this.scores[parent]!;
        this.indices[i] = this.indices[parent]!;
        i = parent;
      }
      this.scores[i] = score;
      this.indices[i] = index;
      return;
    }
    if (score <= this.scores[0]!) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.k) break;
      const right = left + 1;
      const child = right < this.k && this.scores[right]! < this.scores[left]! ? right : left;
      if (this.scores[child]! >= score) break;
      this.scores[i] = this.scores[child]!;
      this.indices[i] = this.indices[child]!;
      i = child;
    }
    this.scores[i] = score;
    this.indices[i] = index;
  }

  /** Offers scores[0..n) as indices offset+0.., skipping `skip` (e.g. the query itself). */
  pushAll(scores: ArrayLike<number>, n: number, offset = 0, skip = -1): void {
    let threshold = this.threshold;
    for (let i = 0; i < n; i++) {
      const s = scores[i]!;
      if (s > threshold && offset + i !== skip) {
        this.push(offset + i, s);
        threshold = this.threshold;
      }
    }
  }

  /** Best first; ties by lower index so results are deterministic. */
  sorted(): Scored[] {
    const out: Scored[] = [];
    for (let i = 0; i < this.size; i++) out.push({ index: this.indices[i]!, score: this.scores[i]! });
    return out.sort((a, b) => b.score - a.score || a.index - b.index);
  }
}
