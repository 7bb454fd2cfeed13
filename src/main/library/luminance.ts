// The grey level of an RGB pixel: one formula (Rec. 601 luma weights) for every grey value Likeness
// takes of a picture — the difference hash, bars, the copies' grey views and sharpness.

/** The luminance (0–255, unrounded) of the RGB pixel whose red byte is at `i`. */
export function luminance(rgb: ArrayLike<number>, i: number): number {
  return 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;
}
