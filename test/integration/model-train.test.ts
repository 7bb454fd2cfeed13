// Training end to end on a small library: two worker threads, loss history, checkpoints, resume
// after an interruption, a saved and activated version, then embedding every photo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { CancelledError } from '../../src/main/util/progress';
import { embedImages, embedLibrary } from '../../src/main/model/embed';
import { trainModel } from '../../src/main/model/train';
import { nowIso } from '../../src/main/store/db';
import { readEmbeddings } from '../../src/main/store/embeddings';
import { insertModelInput } from '../../src/main/store/library';
import { activeModel, getModelRecord, listModels, lossHistory } from '../../src/main/store/models';

const SIZE = 16;

/** Stripes (horizontal or vertical) or flat colour, with random colours and phases. */
function pattern(i: number): Uint8Array {
  const out = new Uint8Array(SIZE * SIZE * 3);
  const kind = i % 3;
  const colour = [(i * 97) % 256, (i * 57) % 256, (i * 23) % 256];
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const on = kind === 0 ? ((y + i) >> 1) % 2 : kind === 1 ? ((x + i) >> 1) % 2 : 1;
      for (let k = 0; k < 3; k++) out[(y * SIZE + x) * 3 + k] = on ? colour[k] : 255 - colour[k];
    }
  }
  return out;
}

function libraryWith(count: number): { core: Core; root: string; inputs: Map<number, Uint8Array> } {
  const root = mkdtempSync(join(tmpdir(), 'likeness-train-'));
  const core = openCore(root);
  const inputs = new Map<number, Uint8Array>();
  const insert = core.db.prepare("INSERT INTO photos (content_hash, bytes, format, width, height, added_at) VALUES (?, 100, 'png', ?, ?, ?)");
  for (let i = 0; i < count; i++) {
    const id = Number(insert.run(`hash-${i}`, SIZE, SIZE, nowIso()).lastInsertRowid);
    const rgb = pattern(i);
    insertModelInput(core.db, id, SIZE, rgb);
    inputs.set(id, rgb);
  }
  return { core, root, inputs };
}

/** Runs `body` on a fresh library of `count` pictures, then closes and removes it. */
async function withLibrary(count: number, body: (library: ReturnType<typeof libraryWith>) => Promise<void>): Promise<void> {
  const library = libraryWith(count);
  try {
    await body(library);
  } finally {
    closeCore(library.core);
    rmSync(library.root, { recursive: true, force: true });
  }
}

const options = { preset: 'tiny' as const, inputSize: SIZE, workers: 2, seed: 5, overrides: { batchSize: 8 } };

test('train with two workers, save a version, embed the library and a query image', () =>
  withLibrary(20, async ({ core, root, inputs }) => {
    const events: string[] = [];
    let lastProgress = 0;
    const model = await trainModel(
      core,
      { ...options, maxSteps: 6 },
      {
        onEvent: (m) => events.push(m.type),
        onProgress: (p) => (lastProgress = p.done),
      },
    );
    assert.equal(model.status, 'active');
    assert.equal(model.steps, 6);
    assert.equal(model.photosSeen, 48);
    assert.equal(model.inputSize, SIZE);
    assert.match(model.backend ?? '', /wasm|tensorflow|cpu/);
    assert.match(model.device ?? '', /2 worker threads/);
    assert.equal(events[0], 'ready');
    assert.equal(events.at(-1), 'done');
    assert.equal(lastProgress, 48);
    const history = lossHistory(core.db, model.id);
    assert.deepEqual(
      history.map((p) => p.step),
      [1, 2, 3, 4, 5, 6],
    );
    for (const p of history) assert.ok([p.loss, p.globalMi, p.localMi, p.prior].every(Number.isFinite));
    const record = getModelRecord(core.db, model.id)!;
    assert.ok(existsSync(join(root, record.weightsPath!, 'weights.bin')));
    assert.ok(!existsSync(join(core.dataDir.modelDir(model.id), 'checkpoint')), 'checkpoint removed once finished');

    // On two worker threads first, then in-process: the same vectors either way.
    const pooled = await embedLibrary(core, { workers: 2, poolThreshold: 0, batchSize: 6 });
    assert.deepEqual(pooled, { modelId: model.id, embedded: 20, threads: 2 });
    const fromPool = readEmbeddings(core.db, model.id);
    core.db.prepare('DELETE FROM embeddings').run();
    const result = await embedLibrary(core);
    assert.deepEqual(result, { modelId: model.id, embedded: 20, threads: 1 });
    const inProcess = readEmbeddings(core.db, model.id);
    assert.deepEqual(fromPool.photoIds, inProcess.photoIds);
    assert.ok(fromPool.vectors.every((v, i) => Math.abs(v - inProcess.vectors[i]) < 1e-5));
    assert.equal((await embedLibrary(core)).embedded, 0, 'nothing left to embed');
    const { photoIds, vectors, dim } = readEmbeddings(core.db, model.id);
    assert.equal(photoIds.length, 20);
    assert.equal(dim, model.embeddingDim);
    for (let i = 0; i < photoIds.length; i++) {
      const norm = Math.hypot(...vectors.subarray(i * dim, (i + 1) * dim));
      assert.ok(Math.abs(norm - 1) < 1e-5, `row ${i} has norm ${norm}`);
    }
    // A query image equal to a library photo's input gets that photo's embedding.
    const [query] = await embedImages(core, model.id, [inputs.get(photoIds[3])!], SIZE);
    const stored = vectors.subarray(3 * dim, 4 * dim);
    assert.ok(query.every((v, k) => Math.abs(v - stored[k]) < 1e-5));
  }));

test('an interrupted run checkpoints, and the next call resumes it where it stopped', () =>
  withLibrary(16, async ({ core }) => {
    const abort = new AbortController();
    let steps = 0;
    await assert.rejects(
      trainModel(
        core,
        { ...options, maxSteps: 1000, checkpointEveryMs: 0 },
        {
          signal: abort.signal,
          onEvent: (m) => {
            if (m.type === 'step' && ++steps === 3) abort.abort();
          },
        },
      ),
      CancelledError,
    );
    const [interrupted] = listModels(core.db);
    assert.equal(interrupted.status, 'training');
    assert.ok(interrupted.steps >= 3);
    assert.ok(existsSync(join(core.dataDir.modelDir(interrupted.id), 'checkpoint', 'state.json')));
    const stepsBefore = interrupted.steps;

    const firstStep: number[] = [];
    const resumed = await trainModel(core, { maxSteps: 2 }, { onEvent: (m) => m.type === 'step' && firstStep.push(m.position.step) });
    assert.equal(resumed.id, interrupted.id, 'same version resumed');
    assert.equal(firstStep[0], stepsBefore + 1);
    assert.equal(resumed.steps, stepsBefore + 2);
    assert.equal(resumed.status, 'active');
    assert.deepEqual(
      lossHistory(core.db, resumed.id).map((p) => p.step),
      Array.from({ length: stepsBefore + 2 }, (_, i) => i + 1),
    );
    assert.equal(activeModel(core.db)?.id, resumed.id);
    assert.equal(listModels(core.db).length, 1);
  }));

test('a run cancelled while it is being prepared stops before its first steps', () =>
  withLibrary(16, async ({ core }) => {
    const abort = new AbortController();
    let steps = 0;
    await assert.rejects(
      trainModel(
        core,
        { ...options, maxSteps: 1000 },
        // The backend is chosen after the inputs are ready and before the workers start.
        { signal: abort.signal, onBackendPlan: () => abort.abort(), onEvent: (m) => void (m.type === 'step' && steps++) },
      ),
      CancelledError,
    );
    assert.ok(steps <= 1, `${steps} steps after the cancel`);
  }));
