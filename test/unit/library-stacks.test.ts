// The rules that make RAW+JPEG stacks and bursts, on photo facts alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findBursts, findStacks } from '../../src/main/library/stacks';
import type { GroupingFacts } from '../../src/main/store/stacks';

let nextId = 1;
function photo(path: string, format: string, overrides: Partial<GroupingFacts> = {}): GroupingFacts {
  return {
    id: nextId++,
    paths: [path],
    format,
    cameraMake: 'Canon',
    cameraModel: 'EOS R5',
    takenAt: null,
    pixels: 24e6,
    dhash: Buffer.alloc(8),
    ...overrides,
  };
}

test('a RAW joins the JPEG of the same name in the same folder, never one in another folder', () => {
  const jpeg = photo('/a/IMG_1.JPG', 'jpeg');
  const raw = photo('/a/img_1.cr2', 'cr2');
  const elsewhere = photo('/b/IMG_1.NEF', 'nef');
  const plainPair = [photo('/a/IMG_2.jpg', 'jpeg'), photo('/a/IMG_2.png', 'png')];
  assert.deepEqual(findStacks([jpeg, raw, elsewhere, ...plainPair]), [
    { photoId: jpeg.id, faceId: jpeg.id },
    { photoId: raw.id, faceId: jpeg.id },
  ]);
});

test('by camera and capture second only when that second holds one RAW and one other photo', () => {
  const at = (s: string) => ({ takenAt: `2024-01-01T10:00:0${s}` });
  const jpeg = photo('/j/holiday.jpg', 'jpeg', at('1'));
  const raw = photo('/r/DSC_9.NEF', 'nef', at('1'));
  const otherCamera = photo('/r/X.RAF', 'raf', { ...at('1'), cameraMake: 'FUJIFILM', cameraModel: 'X-T4' });
  const burstRaws = [photo('/r/B1.NEF', 'nef', at('5')), photo('/r/B2.NEF', 'nef', at('5'))];
  const burstJpegs = [photo('/j/b1.jpg', 'jpeg', at('5')), photo('/j/b2.jpg', 'jpeg', at('5'))];
  const stacks = findStacks([jpeg, raw, otherCamera, ...burstRaws, ...burstJpegs]);
  assert.deepEqual(stacks, [
    { photoId: jpeg.id, faceId: jpeg.id },
    { photoId: raw.id, faceId: jpeg.id },
  ]);
});

test('bursts: one camera, frames at most two seconds apart that look alike', () => {
  const hash = (byte: number) => Buffer.alloc(8, byte);
  const frame = (second: number, dhash: Buffer, overrides: Partial<GroupingFacts> = {}) =>
    photo(`/s/F${second}.jpg`, 'jpeg', { takenAt: `2024-01-01T10:00:${String(second).padStart(2, '0')}`, dhash, ...overrides });
  const run = [frame(0, hash(0)), frame(1, hash(1)), frame(3, hash(3))]; // 1 and 2 bits per byte apart: 8–16 bits
  const different = frame(4, hash(0xf0)); // half the bits differ
  const late = frame(9, hash(3));
  const otherCamera = frame(3, hash(3), { cameraModel: 'EOS R6' });
  const undated = photo('/s/undated.jpg', 'jpeg', { dhash: hash(3) });
  const bursts = findBursts([...run, different, late, otherCamera, undated]);
  assert.deepEqual(
    bursts,
    run.map((p) => ({ photoId: p.id, burstId: run[0].id })),
  );
});
