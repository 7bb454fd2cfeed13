// Two kinds of duplicates inside the groups nearDuplicates.ts finds:
//   copies  — one picture stored more than once (re-encoded, resized, centre-cropped, brightened,
//             converted, EXIF-rotated): one moment of capture, one frame;
//   similar — different shots of one scene (bursts, consecutive frames, nearby viewpoints).
// The split follows two principles, no threshold fitted to any data set:
//   1. The capture record: two photos whose cameras recorded different capture times (or that
//      come from different cameras) are different shots, however alike they look.
//   2. The frame: a copy keeps the frame, so it is at least as alike as the photo and itself moved
//      by half a pixel of the signal (32×32 RGB of the stored model input, the full frame or a
//      centre view, each channel centred so brightness changes do not count). Anything that moved
//      the picture or something in it by more than that is another shot. The reference is each
//      photo's own, so a fine texture (where a half-pixel move changes much) is judged by its own
//      standard, as nearDuplicates.ts judges each photo against its own null.
// Keepers: copies keep the largest, then oldest (chooseKeeper); similar shots keep the sharpest.
// Photos the caller says belong together as one stack (RAW+JPEG of one shot, a burst stack) are
// never duplicates of each other: `stackOf` maps a photo to its stack; give an empty map where
// there are no stacks.
import { luminance } from '../library/luminance';
import { Components } from './components';
import { chooseKeeper } from './nearDuplicates';
import { pixelViews, regionVector } from './pixelSignatures';

export type DuplicateKind = 'copies' | 'similar';

/** What the split and the keeper rules need of each photo. */
export interface KindFacts {
  id: number;
  /** size×size RGB model input, or null where there is none (then only the capture record speaks). */
  input: Uint8Array | null;
  inputSize: number;
  takenAt: string | null;
  camera: string | null;
  pixels: number;
  addedAt: string;
}

export interface KindedGroup {
  kind: DuplicateKind;
  photoIds: number[];
  keeperId: number;
}

/** Side of the fine pixel signal the frame test uses. */
export const FRAME_SIDE = 64;

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Fine similarity: the best of full frame against full frame or a centre view (one may be a crop of the other). */
export function frameSimilarity(a: Float32Array[], b: Float32Array[]): number {
  let best = dot(a[0]!, b[0]!);
  for (let v = 1; v < a.length; v++) best = Math.max(best, dot(a[v]!, b[0]!), dot(a[0]!, b[v]!));
  return best;
}

/** How alike a photo is to itself moved by half a pixel of the fine signal (diagonally). */
export function halfPixelReference(input: Uint8Array, size: number): number {
  const step = size / FRAME_SIDE / 2;
  const extent = size - step;
  return dot(regionVector(input, size, 0, extent, FRAME_SIDE), regionVector(input, size, step, extent, FRAME_SIDE));
}

/** True when both photos carry a capture record and the records differ (time or camera). */
export function differentCaptures(a: KindFacts, b: KindFacts): boolean {
  if (a.camera && b.camera && a.camera !== b.camera) return true;
  return !!a.takenAt && !!b.takenAt && a.takenAt !== b.takenAt;
}

interface Prepared {
  facts: KindFacts;
  views: Float32Array[] | null;
  reference: number;
}

function prepare(facts: KindFacts): Prepared {
  if (!facts.input) return { facts, views: null, reference: Infinity };
  return { facts, views: pixelViews(facts.input, facts.inputSize, FRAME_SIDE), reference: halfPixelReference(facts.input, facts.inputSize) };
}

export function isCopyPair(a: Prepared, b: Prepared): boolean {
  if (differentCaptures(a.facts, b.facts)) return false;
  if (!a.views || !b.views) return false;
  return frameSimilarity(a.views, b.views) >= Math.min(a.reference, b.reference);
}

/** Sharpness: variance of the Laplacian of the grey model input (the burst frame with least blur or shake). */
export function sharpness(input: Uint8Array | null, size: number): number {
  if (!input) return 0;
  const grey = new Float32Array(size * size);
  for (let i = 0; i < grey.length; i++) grey[i] = luminance(input, 3 * i);
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const at = y * size + x;
      const l = grey[at - 1]! + grey[at + 1]! + grey[at - size]! + grey[at + size]! - 4 * grey[at]!;
      sum += l;
      sum2 += l * l;
      n++;
    }
  }
  return n ? sum2 / n - (sum / n) ** 2 : 0;
}

/** Similar shots: the sharpest frame, then the largest, then the lowest id. */
export function similarKeeper(photos: readonly KindFacts[]): number {
  const scored = photos.map((p) => ({ p, s: sharpness(p.input, p.inputSize) }));
  return scored.sort((a, b) => b.s - a.s || b.p.pixels - a.p.pixels || a.p.id - b.p.id)[0]!.p.id;
}

/**
 * Splits each near-duplicate group into groups of copies (joined by copy pairs) and, where the
 * group holds more than one picture, one group of similar shots made of each picture's kept copy
 * (so resolving the copies first leaves the shots to choose between).
 */
export function splitByKind(groups: readonly number[][], facts: ReadonlyMap<number, KindFacts>, stackOf: ReadonlyMap<number, number>): KindedGroup[] {
  const out: KindedGroup[] = [];
  for (const group of groups) {
    // One member per stack: the others are the same shot in another file format.
    const seenStacks = new Set<number>();
    const members = group.filter((id) => {
      const stack = stackOf.get(id);
      if (stack === undefined) return facts.has(id);
      if (seenStacks.has(stack)) return false;
      seenStacks.add(stack);
      return facts.has(id);
    });
    if (members.length < 2) continue;
    const prepared = new Map(members.map((id) => [id, prepare(facts.get(id)!)]));
    const copies = new Components();
    for (const id of members) copies.find(id);
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        if (isCopyPair(prepared.get(members[i]!)!, prepared.get(members[j]!)!)) copies.join(members[i]!, members[j]!);
      }
    }
    const pictures: KindFacts[] = [];
    for (const ids of copies.members().values()) {
      const photos = ids.map((id) => facts.get(id)!);
      const keeperId = chooseKeeper(photos);
      if (ids.length > 1) out.push({ kind: 'copies', photoIds: [...ids].sort((a, b) => a - b), keeperId });
      pictures.push(facts.get(keeperId)!);
    }
    if (pictures.length > 1)
      out.push({ kind: 'similar', photoIds: pictures.map((p) => p.id).sort((a, b) => a - b), keeperId: similarKeeper(pictures) });
  }
  return out;
}
