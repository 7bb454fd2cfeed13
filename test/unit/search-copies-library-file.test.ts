// What the copies test keeps of the library as a file (search/copiesLibraryFile.ts): read back
// exactly as written; a file of another generation or size, or a damaged one, is not read; older
// versions (and the null-sample files of earlier releases) are dropped; an unwritable folder is not
// an error.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readCopiesLibrary, writeCopiesLibrary, type CopiesLibrary } from '../../src/main/search/copiesLibraryFile';
import { viewCodes } from '../../src/main/search/pixelSignatures';
import { seededRandom } from '../../src/main/util/rng';

const dir = mkdtempSync(join(tmpdir(), 'likeness-copies-library-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function library(): CopiesLibrary {
  const random = seededRandom(3);
  const inputs = new Map<number, Uint8Array>();
  for (const id of [5, 9, 40, 41])
    inputs.set(
      id,
      Uint8Array.from({ length: 64 * 64 * 3 }, () => Math.floor(random() * 256)),
    );
  const photoIds = [5, 9, 40, 41, 77];
  return {
    photoIds,
    hashes: Uint8Array.from({ length: photoIds.length * 8 }, () => Math.floor(random() * 256)),
    candidateBits: 11.25,
    nulls: viewCodes(inputs, 64),
    cropNulls: {
      photoIds: [9, 41],
      grey: Uint8Array.from({ length: 2 * 64 * 64 }, () => Math.floor(random() * 256)),
      codes: Int8Array.from({ length: 2 * 100 }, () => Math.floor(random() * 256) - 128),
      codeLength: 100,
    },
  };
}

test('written and read back the same; older versions are dropped', () => {
  const written = library();
  writeFileSync(join(dir, 'copies-null-64-3.bin'), 'an earlier release');
  writeCopiesLibrary(dir, 64, 7, written);
  writeCopiesLibrary(dir, 64, 8, written);
  assert.deepEqual(readdirSync(dir), ['copies-64-8.bin']);
  const back = readCopiesLibrary(dir, 64, 8)!;
  assert.deepEqual(back.photoIds, written.photoIds);
  assert.deepEqual(Array.from(back.hashes), Array.from(written.hashes));
  assert.equal(back.candidateBits, 11.25);
  assert.deepEqual(back.nulls.photoIds, written.nulls.photoIds);
  assert.deepEqual([back.nulls.dim, back.nulls.views], [written.nulls.dim, written.nulls.views]);
  for (const key of ['codes', 'inverseNorms'] as const) assert.deepEqual(Array.from(back.nulls[key]), Array.from(written.nulls[key]), key);
  assert.deepEqual(back.cropNulls.photoIds, written.cropNulls.photoIds);
  assert.equal(back.cropNulls.codeLength, 100);
  for (const key of ['grey', 'codes'] as const) assert.deepEqual(Array.from(back.cropNulls[key]), Array.from(written.cropNulls[key]), key);
});

test('another generation or size, or a damaged file, is not read', () => {
  writeCopiesLibrary(dir, 64, 8, library());
  assert.equal(readCopiesLibrary(dir, 64, 9), null);
  assert.equal(readCopiesLibrary(dir, 96, 8), null);
  writeFileSync(join(dir, 'copies-64-8.bin'), Buffer.from('not a library'));
  assert.equal(readCopiesLibrary(dir, 64, 8), null);
});

test('an unwritable folder is not an error', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  assert.doesNotThrow(() => writeCopiesLibrary(join(file, 'below'), 64, 1, library()));
});
