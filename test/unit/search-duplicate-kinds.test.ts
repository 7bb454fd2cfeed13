// The kind of a pair and each kind's keeper (search/duplicateKinds.ts) on model inputs made by
// sharp from generated pictures: the capture record separates shots, the frame test separates a
// copy from a moved camera, similar shots keep the sharpest frame, stacks are never duplicates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { decodePhoto } from '../../src/main/library/decode';
import { modelInput } from '../../src/main/library/renditions';
import { differentCaptures, sharpness, splitByKind, type KindFacts } from '../../src/main/search/duplicateKinds';
import { sceneSvg } from '../../src/main/eval/scenes';

/** The 64×64 model input the library would store for this picture. */
async function input(image: Sharp): Promise<Uint8Array> {
  return modelInput((await decodePhoto(await image.png().toBuffer())).working, 64);
}

function facts(id: number, rgb: Uint8Array | null, extra: Partial<KindFacts> = {}): KindFacts {
  return { id, input: rgb, inputSize: 64, takenAt: null, camera: null, pixels: 1000, addedAt: '2026-01-01', ...extra };
}

test('copies keep the frame; a moved camera makes a similar shot; the capture record decides first', async () => {
  const scene = await sharp(Buffer.from(sceneSvg(5, 1040, 720)))
    .png()
    .toBuffer();
  const frame = (left: number) => sharp(scene).extract({ left, top: 40, width: 960, height: 640 });
  const original = await input(frame(40));
  const smaller = await input(sharp(await frame(40).resize(320).jpeg({ quality: 60 }).toBuffer()));
  const moved = await input(frame(80)); // the camera moved 4 % of the frame
  const all = new Map([facts(1, original), facts(2, smaller, { pixels: 100 }), facts(3, moved)].map((f) => [f.id, f]));
  const groups = splitByKind([[1, 2, 3]], all, new Map());
  assert.deepEqual(
    groups.find((g) => g.kind === 'copies'),
    { kind: 'copies', photoIds: [1, 2], keeperId: 1 },
  );
  assert.deepEqual(groups.find((g) => g.kind === 'similar')?.photoIds, [1, 3]);

  // Identical pixels but two capture times: two shots (a burst of a still scene).
  const timed = new Map(
    [facts(1, original, { takenAt: '2026-05-01T10:00:00' }), facts(2, original, { takenAt: '2026-05-01T10:00:01' })].map((f) => [f.id, f]),
  );
  assert.deepEqual(
    splitByKind([[1, 2]], timed, new Map()).map((g) => g.kind),
    ['similar'],
  );
  assert.equal(differentCaptures(facts(1, null, { camera: 'A' }), facts(2, null, { camera: 'B' })), true);
  assert.equal(differentCaptures(facts(1, null, { takenAt: 'x' }), facts(2, null)), false, 'one record missing: the pixels decide');

  // Members of one stack are one photo: a group of a stack alone is no group.
  assert.deepEqual(
    splitByKind(
      [[1, 2]],
      all,
      new Map([
        [1, 7],
        [2, 7],
      ]),
    ),
    [],
  );
});

test('similar shots keep the sharpest frame', async () => {
  const scene = sharp(Buffer.from(sceneSvg(9, 960, 640)));
  const sharpFrame = await input(scene.clone());
  const blurred = await input(scene.clone().blur(6));
  assert.ok(sharpness(sharpFrame, 64) > sharpness(blurred, 64));
  const photos = new Map(
    [facts(1, blurred, { pixels: 2000, takenAt: '2026-05-01T10:00:00' }), facts(2, sharpFrame, { takenAt: '2026-05-01T10:00:01' })].map((f) => [
      f.id,
      f,
    ]),
  );
  const [group] = splitByKind([[1, 2]], photos, new Map());
  assert.equal(group!.kind, 'similar');
  assert.equal(group!.keeperId, 2, 'the sharp frame, though the blurred one is larger');
});
