// k-NN accuracy by cosine similarity, on points whose neighbours are known by construction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/main/model/backend';
import { knnAccuracy } from '../../src/main/model/knn';
import { normaliseRows } from '../../src/main/util/vectors';
import { readIdxImages, readIdxLabels } from '../../src/main/model/source';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

test('normaliseRows gives unit rows and leaves zero rows at zero', () => {
  const out = normaliseRows(new Float32Array([3, 4, 0, 0]), 2);
  [0.6, 0.8, 0, 0].forEach((v, i) => assert.ok(Math.abs(out[i] - v) < 1e-7));
});

test('5-NN by cosine: majority label of the five most similar references', async () => {
  await initBackend('wasm');
  // References on the unit circle: label 0 near angle 0, label 1 near angle π/2, by direction only
  // (lengths vary, so cosine — not Euclidean distance — must decide).
  const refs: number[] = [];
  const refLabels: number[] = [];
  for (let i = 0; i < 6; i++) {
    refs.push(Math.cos(0.05 * i) * (1 + i), Math.sin(0.05 * i) * (1 + i));
    refLabels.push(0);
    refs.push(Math.cos(Math.PI / 2 - 0.05 * i) * 0.1, Math.sin(Math.PI / 2 - 0.05 * i) * 0.1);
    refLabels.push(1);
  }
  const queries = new Float32Array([10, 0.1, 0.01, 5, 1, 1.2]);
  // The third query (angle ≈ 0.876) is nearer label 1 by angle.
  assert.equal(await knnAccuracy(queries, [0, 1, 1], new Float32Array(refs), refLabels, 2, 5), 1);
  assert.equal(await knnAccuracy(queries, [1, 0, 0], new Float32Array(refs), refLabels, 2, 5), 0);
  assert.ok(Math.abs((await knnAccuracy(queries, [0, 1, 0], new Float32Array(refs), refLabels, 2, 5)) - 2 / 3) < 1e-9);
});

test('IDX files (gzipped) are read with their header', () => {
  const dir = mkdtempSync(join(tmpdir(), 'likeness-idx-'));
  try {
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x803, 0);
    header.writeUInt32BE(2, 4);
    header.writeUInt32BE(2, 8);
    header.writeUInt32BE(3, 12);
    writeFileSync(join(dir, 'img.gz'), gzipSync(Buffer.concat([header, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])])));
    const labels = Buffer.alloc(8);
    labels.writeUInt32BE(0x801, 0);
    labels.writeUInt32BE(2, 4);
    writeFileSync(join(dir, 'lab'), Buffer.concat([labels, Buffer.from([7, 9])]));
    const img = readIdxImages(join(dir, 'img.gz'));
    assert.equal(img.count, 2);
    assert.equal(img.rows, 2);
    assert.equal(img.cols, 3);
    assert.deepEqual(Array.from(img.pixels), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(Array.from(readIdxLabels(join(dir, 'lab'))), [7, 9]);
    assert.throws(() => readIdxImages(join(dir, 'lab')), /not an IDX image file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
