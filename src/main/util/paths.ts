// Path containment, for absolute paths of one platform (its separator given).

/** True when `inner` is `outer` or inside it. */
export function isWithin(inner: string, outer: string, sep: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);
}
