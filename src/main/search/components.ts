// Numbers joined pair by pair into connected components, each named by its lowest member
// (union–find). Near-duplicate groups and the evaluation's merged groups are both made this way.
export class Components {
  private readonly parent = new Map<number, number>();

  /** The lowest member of x's component (x itself if it was never joined). */
  find(x: number): number {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(x, root);
    return root;
  }

  join(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }

  /** Every number seen so far, by component. */
  members(): Map<number, number[]> {
    const byRoot = new Map<number, number[]>();
    for (const x of this.parent.keys()) {
      const root = this.find(x);
      const members = byRoot.get(root);
      if (members) members.push(x);
      else byRoot.set(root, [x]);
    }
    return byRoot;
  }
}
