// RAW+JPEG stacks and bursts, found again from the whole library after every scan that changed
// something: no decision is kept that the files on disk no longer support.
import type { Db } from '../store/db';
import { getSetting, setSetting } from '../store/settings';
import { groupingFacts, replaceStacksAndBursts, type GroupingFacts } from '../store/stacks';
import { RAW_EXTENSIONS } from './raw';
import { hammingDistance } from './hamming';

const RAW_FORMATS = new Set([...RAW_EXTENSIONS].map((e) => e.slice(1)));

/** Consecutive frames of a burst are at most this many seconds apart (EXIF dates have whole seconds). */
export const BURST_GAP_SECONDS = 2;
/**
 * Consecutive frames of a burst differ in at most this many of the 64 difference-hash bits; photos
 * of unrelated scenes differ in about half of them.
 */
export const BURST_MAX_HASH_DISTANCE = 16;

export function isRawFormat(format: string): boolean {
  return RAW_FORMATS.has(format.toLowerCase());
}

/**
 * Stacks: each RAW photo joins the JPEG (or other non-RAW photo) of the same shot, found by the
 * same folder and base name (IMG_0042.CR2 + IMG_0042.JPG), or else by the same camera and capture
 * second when that second holds exactly one RAW and one other photo of that camera. The non-RAW
 * photo is the face; when several share the name, the one with most pixels.
 */
export function findStacks(photos: readonly GroupingFacts[]): { photoId: number; faceId: number }[] {
  const faceOf = new Map<number, number>();
  const byName = new Map<string, GroupingFacts[]>();
  for (const photo of photos) {
    const keys = new Set(photo.paths.map(shotName));
    for (const key of keys) pushTo(byName, key, photo);
  }
  for (const group of byName.values()) {
    const raws = group.filter((p) => isRawFormat(p.format));
    const face = bestFace(group.filter((p) => !isRawFormat(p.format)));
    if (face) for (const raw of raws) if (!faceOf.has(raw.id)) faceOf.set(raw.id, face.id);
  }
  const byMoment = new Map<string, GroupingFacts[]>();
  for (const photo of photos) {
    if (!photo.takenAt || !(photo.cameraMake || photo.cameraModel)) continue;
    pushTo(byMoment, `${photo.cameraMake}\0${photo.cameraModel}\0${photo.takenAt}`, photo);
  }
  for (const group of byMoment.values()) {
    const raws = group.filter((p) => isRawFormat(p.format));
    const others = group.filter((p) => !isRawFormat(p.format));
    if (raws.length === 1 && others.length === 1 && !faceOf.has(raws[0].id)) faceOf.set(raws[0].id, others[0].id);
  }
  const members = new Map<number, number>(faceOf);
  for (const face of faceOf.values()) members.set(face, face);
  return [...members].map(([photoId, faceId]) => ({ photoId, faceId })).sort((a, b) => a.photoId - b.photoId);
}

/** The path without its extension, lower case: IMG_0042.CR2 and IMG_0042.JPG give the same. */
function shotName(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot > Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) ? path.slice(0, dot) : path).toLowerCase();
}

function pushTo<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const group = groups.get(key);
  if (group) group.push(item);
  else groups.set(key, [item]);
}

function bestFace(candidates: GroupingFacts[]): GroupingFacts | undefined {
  return candidates.reduce<GroupingFacts | undefined>((best, p) => (!best || p.pixels > best.pixels ? p : best), undefined);
}

/**
 * Bursts: photos of one camera taken in a run where each frame is at most BURST_GAP_SECONDS after
 * the one before and looks like it (difference hashes at most BURST_MAX_HASH_DISTANCE apart). Only
 * photos the grid shows take part (a stack's RAW is its face's shot, not another frame).
 */
export function findBursts(photos: readonly GroupingFacts[]): { photoId: number; burstId: number }[] {
  const byCamera = new Map<string, { photo: GroupingFacts; seconds: number }[]>();
  for (const photo of photos) {
    const seconds = photo.takenAt ? Date.parse(`${photo.takenAt}Z`) / 1000 : NaN;
    if (!Number.isFinite(seconds) || !photo.dhash || !(photo.cameraMake || photo.cameraModel)) continue;
    pushTo(byCamera, `${photo.cameraMake}\0${photo.cameraModel}`, { photo, seconds });
  }
  const result: { photoId: number; burstId: number }[] = [];
  for (const shots of byCamera.values()) {
    // Within one second, file names keep the camera's frame order.
    shots.sort((a, b) => a.seconds - b.seconds || (a.photo.paths[0] ?? '').localeCompare(b.photo.paths[0] ?? '') || a.photo.id - b.photo.id);
    let run: GroupingFacts[] = [];
    const close = () => {
      if (run.length >= 2) {
        const burstId = run.reduce((lowest, p) => Math.min(lowest, p.id), Infinity);
        for (const p of run) result.push({ photoId: p.id, burstId });
      }
    };
    for (let i = 0; i < shots.length; i++) {
      const previous = shots[i - 1];
      const linked =
        previous !== undefined &&
        shots[i].seconds - previous.seconds <= BURST_GAP_SECONDS &&
        hammingDistance(previous.photo.dhash!, shots[i].photo.dhash!) <= BURST_MAX_HASH_DISTANCE;
      if (!linked) {
        close();
        run = [];
      }
      run.push(shots[i].photo);
    }
    close();
  }
  return result.sort((a, b) => a.photoId - b.photoId);
}

/** Raised when the rules above change, so that the next scan finds every stack and burst again. */
const GROUPING_VERSION = 1;
const GROUPED_WITH = 'library.stacksAndBurstsVersion' as const;

/** After a scan: finds stacks and bursts again when the library changed or the rules did. */
export function regroupAfterScan(db: Db, changes: number): void {
  if (changes > 0 || getSetting(db, GROUPED_WITH) !== GROUPING_VERSION) regroupStacksAndBursts(db);
}

/** Finds every stack and burst of the library again and stores them. */
export function regroupStacksAndBursts(db: Db): { stacks: number; bursts: number } {
  const photos = groupingFacts(db);
  const stacks = findStacks(photos);
  const hidden = new Set(stacks.filter((m) => m.photoId !== m.faceId).map((m) => m.photoId));
  const bursts = findBursts(photos.filter((p) => !hidden.has(p.id)));
  replaceStacksAndBursts(db, stacks, bursts);
  setSetting(db, GROUPED_WITH, GROUPING_VERSION);
  return { stacks: new Set(stacks.map((m) => m.faceId)).size, bursts: new Set(bursts.map((m) => m.burstId)).size };
}
