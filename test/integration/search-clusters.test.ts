import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, test } from 'node:test';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { seededRandom } from '../../src/main/util/rng';
import { clusterPhotoIds, exportCluster, findSimilar, listClusters, renameCluster, SearchError } from '../../src/main/search/service';
import { syntheticBlobs } from '../../src/main/eval/synthetic';
import { clustersOf, latestClustering, saveClustering } from '../../src/main/store/clusters';
import { writeEmbeddings } from '../../src/main/store/embeddings';
import { insertFolder, insertPhoto } from '../../src/main/store/library';
import { activeTestModel, barePhoto, randomHash } from '../helpers/library';

// Photos are real rows (and real files, for export); their embeddings are synthetic vectors with a
// known cluster structure, written through the encoder's store as a trained model would write them.
const work = mkdtempSync(join(tmpdir(), 'likeness-search-clusters-'));
after(() => rmSync(work, { recursive: true, force: true }));
const photosDir = join(work, 'photos');
mkdirSync(photosDir, { recursive: true });

function addPhotos(core: Core, folderId: number, count: number, first: number): number[] {
  const random = seededRandom(first);
  return Array.from({ length: count }, (_, i) => {
    const path = join(photosDir, `photo-${first + i}.jpg`);
    writeFileSync(path, `not really a jpeg ${first + i}`);
    const facts = barePhoto(`hash-${first + i}`, { bytes: 20, width: 100, height: 80, dhash: randomHash(random) });
    return insertPhoto(core.db, facts, { path, folderId, bytes: 20, mtimeMs: 0 });
  });
}

function embed(core: Core, modelId: number, ids: number[], vectors: Float32Array, dim: number): void {
  writeEmbeddings(
    core.db,
    modelId,
    ids.map((photoId, i) => ({ photoId, vector: vectors.slice(i * dim, (i + 1) * dim) })),
  );
}

/** A library of its own in `work`, with one folder of photos under photosDir. */
function openLibrary(name: string): { core: Core; folderId: number } {
  const dir = join(photosDir, name);
  mkdirSync(dir, { recursive: true });
  const core = openCore(join(work, `home-${name}`));
  return { core, folderId: insertFolder(core.db, dir, sep).id };
}

const clusterOf = (core: Core, photoId: number) => listClusters(core).find((c) => clusterPhotoIds(core, c.id).includes(photoId));

test('find similar, clusters, names that survive re-clustering and retraining, export as an album', async () => {
  const core = openCore(join(work, 'home'));
  try {
    const folder = insertFolder(core.db, photosDir, sep);
    const dim = 32;
    // Three blobs of 30 photos (row i belongs to blob i % 3) and 6 outliers.
    const first = syntheticBlobs(96, dim, 3, 0.5, 6, 1);
    const ids = addPhotos(core, folder.id, 96, 1);
    assert.throws(() => listClusters(core), SearchError, 'no model yet');
    const modelA = activeTestModel(core, dim);
    embed(core, modelA, ids, first.vectors, dim);

    // Find similar: best first, never the photo itself, its blob-mates first.
    const similar = findSimilar(core, ids[0]!, 10);
    assert.equal(similar.length, 10);
    assert.ok(!similar.some((s) => s.photoId === ids[0]));
    for (let i = 1; i < similar.length; i++) assert.ok(similar[i - 1]!.score >= similar[i]!.score);
    for (const s of similar) assert.equal(first.labels[ids.indexOf(s.photoId)], 0);
    assert.throws(
      () => findSimilar(core, 99999, 5),
      (e: unknown) => e instanceof SearchError && e.code === 'not-found',
    );

    const clusters = listClusters(core);
    assert.equal(clusters.length, 3);
    for (const c of clusters) {
      assert.ok(c.size >= 27 && c.size <= 30, `cluster of ${c.size}`);
      assert.ok(c.representatives.length > 0 && c.representatives.length <= 6);
    }
    const beach = clusterOf(core, ids[0]!)!;
    assert.equal(renameCluster(core, beach.id, '  beach ').name, 'beach');
    const cats = clusterOf(core, ids[1]!)!;
    renameCluster(core, cats.id, 'cats');
    assert.deepEqual(listClusters(core), listClusters(core), 'stored, not recomputed, while nothing changes');

    // More photos arrive in the first blob: clusters are recomputed, names and ids stay.
    const more = syntheticBlobs(96 + 30, dim, 3, 0.5, 6, 1);
    const extra = addPhotos(core, folder.id, 10, 200);
    const extraVectors = new Float32Array(10 * dim);
    for (let i = 0; i < 10; i++) extraVectors.set(more.vectors.subarray((96 + i * 3) * dim, (96 + i * 3 + 1) * dim), i * dim);
    assert.ok([0, 3, 6, 9].every((i) => more.labels[96 + i] === 0));
    embed(core, modelA, extra, extraVectors, dim);
    const grown = clusterOf(core, ids[0]!)!;
    assert.equal(grown.id, beach.id);
    assert.equal(grown.name, 'beach');
    assert.ok(grown.size > beach.size);
    assert.equal(clusterOf(core, ids[1]!)!.name, 'cats');

    // Retraining: a new model with different embeddings of the same photos. Clusters are stored
    // per model; names move to the new clusters that hold most of the old members.
    const modelB = activeTestModel(core, 48);
    const retrained = syntheticBlobs(96, 48, 3, 0.6, 6, 77);
    embed(core, modelB, ids, retrained.vectors, 48);
    const afterRetraining = clusterOf(core, ids[0]!)!;
    assert.equal(afterRetraining.name, 'beach');
    assert.equal(clusterOf(core, ids[1]!)!.name, 'cats');
    assert.equal(latestClustering(core.db, modelB)!.modelId, modelB);
    assert.ok(latestClustering(core.db, modelA), "the old model's clusters are kept");

    // Export as an album: links by default, copies on request; originals untouched.
    const members = clusterPhotoIds(core, afterRetraining.id);
    const links = await exportCluster(core, afterRetraining.id, join(work, 'album-links'), 'link');
    assert.equal(links.written, members.length);
    for (const name of readdirSync(links.folder)) {
      assert.ok(lstatSync(join(links.folder, name)).isSymbolicLink());
      assert.ok(readlinkSync(join(links.folder, name)).startsWith(photosDir));
    }
    const copies = await exportCluster(core, afterRetraining.id, join(work, 'album-copies'), 'copy');
    assert.equal(copies.written, members.length);
    const name = readdirSync(copies.folder)[0]!;
    assert.ok(!lstatSync(join(copies.folder, name)).isSymbolicLink());
    assert.equal(readFileSync(join(copies.folder, name), 'utf8'), readFileSync(join(photosDir, name), 'utf8'));
    assert.equal(readdirSync(photosDir).length, 106, 'nothing moved out of the photo folder');
    // Exporting again never overwrites: new names instead.
    const again = await exportCluster(core, afterRetraining.id, join(work, 'album-copies'), 'copy');
    assert.equal(again.written, members.length);
    assert.equal(readdirSync(copies.folder).length, 2 * members.length);
    await assert.rejects(exportCluster(core, afterRetraining.id, join(core.dataDir.root, 'album'), 'link'), SearchError);
  } finally {
    closeCore(core);
  }
});

test('a recomputed clustering keeps old ids even when a new cluster is listed before them', () => {
  const { core, folderId } = openLibrary('ids');
  try {
    const ids = addPhotos(core, folderId, 6, 500);
    const model = activeTestModel(core, 4);
    const cluster = (memberIds: number[], id: number | null) => ({
      id,
      name: null,
      memberIds,
      similarities: memberIds.map(() => 1),
      representatives: memberIds,
    });
    const first = saveClustering(core.db, model, 1, {}, 6, [cluster(ids.slice(0, 3), null), cluster(ids.slice(3), null)]);
    const [a, b] = clustersOf(core.db, first.id);
    const second = saveClustering(core.db, model, 2, {}, 6, [
      cluster(ids.slice(0, 2), null),
      cluster(ids.slice(3), b!.id),
      cluster([ids[2]!], a!.id),
    ]);
    const kept = clustersOf(core.db, second.id);
    assert.deepEqual(
      kept.map((c) => c.size),
      [2, 3, 1],
      'display order is kept',
    );
    assert.equal(kept[1]!.id, b!.id);
    assert.equal(kept[2]!.id, a!.id);
    assert.ok(![a!.id, b!.id].includes(kept[0]!.id));
  } finally {
    closeCore(core);
  }
});

test('a growing library’s clusters follow its size; a chosen smallest cluster stays chosen', () => {
  const { core, folderId } = openLibrary('grow');
  try {
    const dim = 16;
    const all = syntheticBlobs(800, dim, 4, 0.5, 0, 3);
    const model = activeTestModel(core, dim);
    const first = addPhotos(core, folderId, 80, 1000);
    embed(core, model, first, all.vectors.slice(0, 80 * dim), dim);
    listClusters(core);
    assert.equal(latestClustering(core.db, model)!.params.minClusterSize, 5, 'the default for 80 photos');

    // The rest of the library arrives: the default for 800 photos (7), not the first folder's 5.
    const rest = addPhotos(core, folderId, 720, 2000);
    embed(core, model, rest, all.vectors.slice(80 * dim), dim);
    listClusters(core);
    assert.equal(latestClustering(core.db, model)!.params.minClusterSize, 7);

    // Chosen (`likeness clusters --min-size 12`): kept when more photos arrive.
    listClusters(core, { minClusterSize: 12 });
    const more = addPhotos(core, folderId, 1, 3000);
    embed(core, model, more, all.vectors.slice(0, dim), dim);
    listClusters(core);
    assert.equal(latestClustering(core.db, model)!.params.minClusterSize, 12);
  } finally {
    closeCore(core);
  }
});

test('a clustering stored with the earlier core-distance neighbour (the 5th) is redone once', () => {
  const { core, folderId } = openLibrary('min-samples');
  try {
    const ids = addPhotos(core, folderId, 40, 4000);
    const model = activeTestModel(core, 8);
    embed(core, model, ids, syntheticBlobs(40, 8, 2, 0.5, 0, 5).vectors, 8);
    listClusters(core);
    const made = latestClustering(core.db, model)!;
    saveClustering(core.db, model, made.generation, { ...made.params, minSamples: 5 }, 40, []);
    assert.equal(listClusters(core).length, 2, 'recomputed: the stored one had no clusters');
    const redone = latestClustering(core.db, model)!;
    assert.equal(redone.params.minSamples, 1);
    listClusters(core);
    assert.equal(latestClustering(core.db, model)!.id, redone.id, 'and then kept');
  } finally {
    closeCore(core);
  }
});
