// CutMix for Deep InfoMax (recipe option `cutMix`, on in the default preset; docs/model.md, tenth
// and eleventh rounds): a step's first views get a box of another photo of the batch pasted in, the
// same box for every photo, and the InfoNCE targets follow what each part of the picture shows. The
// box is whole cells of an 8×8 grid (the local term's map at 64×64 inputs), so each position of that
// map is asked for the code of the photo its cell came from; the global term, and the local term
// read against a mixed view's code, take the two photos' shares of the area.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng';

/** Cells along each side of the grid the box is drawn on. */
export const CUTMIX_GRID = 8;

/** The pasted box, in grid cells: [x0, x1) × [y0, y1). */
export interface CutMixBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The share of the picture that stays its own photo's. */
export function keptShare(box: CutMixBox): number {
  return 1 - ((box.x1 - box.x0) * (box.y1 - box.y0)) / (CUTMIX_GRID * CUTMIX_GRID);
}

/**
 * The batch with each photo i's first view given the same box of photo perm[i]'s first view (perm:
 * a derangement, so never its own), on a copy of the views, and the box recorded; the batch given is
 * not changed. Sides of 1 to GRID − 1 cells, each √U of the grid, at a uniform position.
 */
export function cutMix<T extends { x1: Float32Array; size: number; count: number }>(
  batch: T,
  perm: readonly number[],
  rng: Rng,
): T & { cutMix: CutMixBox } {
  const side = () => Math.max(1, Math.min(CUTMIX_GRID - 1, Math.round(Math.sqrt(rng.next()) * CUTMIX_GRID)));
  const w = side();
  const h = side();
  const x0 = rng.int(CUTMIX_GRID - w + 1);
  const y0 = rng.int(CUTMIX_GRID - h + 1);
  const box = { x0, y0, x1: x0 + w, y1: y0 + h };
  const size = batch.size;
  const pixel = (cell: number) => Math.round((cell * size) / CUTMIX_GRID);
  const per = size * size * 3;
  const from = batch.x1;
  const mixed = from.slice();
  for (let i = 0; i < batch.count; i++)
    for (let y = pixel(box.y0); y < pixel(box.y1); y++) {
      const row = (y * size + pixel(box.x0)) * 3;
      const end = (y * size + pixel(box.x1)) * 3;
      mixed.set(from.subarray(perm[i]! * per + row, perm[i]! * per + end), i * per + row);
    }
  return { ...batch, x1: mixed, cutMix: box };
}

/**
 * InfoNCE targets [B, B] for a pairing whose rows or columns are the mixed views: row i shares its
 * weight between photo i (the kept share) and photo perm[i] (the box). `transposed`: the mixed
 * views are the columns (the z side), so row a is owed by column a and by the column j with
 * perm[j] = a.
 */
export function mixedTargets(box: CutMixBox, perm: readonly number[], transposed: boolean): tf.Tensor2D {
  const b = perm.length;
  const kept = keptShare(box);
  const m = new Float32Array(b * b);
  perm.forEach((j, i) => {
    m[i * b + i] = kept;
    if (transposed) m[j * b + i] = 1 - kept;
    else m[i * b + j] = 1 - kept;
  });
  return tf.tensor2d(m, [b, b]);
}

/**
 * Targets for the local term's rows ([B·h·w, B], image-major, then row-major positions) of the
 * mixed views against the other views' codes: a position whose centre lies in the box is photo
 * perm[i]'s, every other position photo i's.
 */
export function mixedLocalTargets(box: CutMixBox, perm: readonly number[], h: number, w: number): tf.Tensor2D {
  const b = perm.length;
  const m = new Float32Array(b * h * w * b);
  for (let i = 0; i < b; i++)
    for (let r = 0; r < h; r++)
      for (let q = 0; q < w; q++) {
        const y = ((r + 0.5) / h) * CUTMIX_GRID;
        const x = ((q + 0.5) / w) * CUTMIX_GRID;
        const pasted = x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1;
        m[(i * h * w + r * w + q) * b + (pasted ? perm[i]! : i)] = 1;
      }
  return tf.tensor2d(m, [b * h * w, b]);
}
