// What the category experiments share: a library kept by `likeness eval categories <folder> --keep`,
// its labelled photos (labels = first-level subfolders of <folder>), and its active model's
// embeddings and raw pixels restricted to them.
import { join, resolve } from 'node:path';
import { openCore, type Core } from '../../src/main/core';
import { labelledFiles, type LabelledPhoto } from '../../src/main/eval/categories';
import { rawPixelIndex } from '../../src/main/eval/retrieval';
import { EmbeddingIndex } from '../../src/main/search/knn';
import { readEmbeddings } from '../../src/main/store/embeddings';
import { readModelInputs } from '../../src/main/store/modelInputs';
import { activeModel } from '../../src/main/store/models';
import { photoIdByPath } from '../../src/main/store/photos';
import { normaliseRows } from '../../src/main/util/vectors';

export interface KeptLibrary {
  core: Core;
  photos: LabelledPhoto[];
  modelId: number;
  /** The active model's embeddings (L2-normalised) and raw 32×32 pixels of the labelled photos. */
  learned: EmbeddingIndex;
  raw: EmbeddingIndex;
}

export async function openKept(argv: string[], script: string): Promise<KeptLibrary> {
  const [work, folder] = argv;
  if (!work || !folder) {
    console.error(`usage: node --import tsx scripts/experiments/${script} <kept work dir> <labelled folder>`);
    process.exit(2);
  }
  const core = openCore(join(work, 'home'));
  const photos: LabelledPhoto[] = [];
  for (const f of await labelledFiles(resolve(folder))) {
    const id = photoIdByPath(core.db, f.path);
    if (id !== undefined) photos.push({ id, path: f.path, label: f.label });
  }
  const ids = new Set(photos.map((p) => p.id));
  const only = (index: EmbeddingIndex): EmbeddingIndex => {
    const rows = index.photoIds.flatMap((id, row) => (ids.has(id) ? [row] : []));
    const v = new Float32Array(rows.length * index.dim);
    rows.forEach((row, i) => v.set(index.vector(row), i * index.dim));
    return new EmbeddingIndex(
      rows.map((r) => index.photoIds[r]!),
      v,
      index.dim,
    );
  };
  const model = activeModel(core.db);
  if (!model) throw new Error('no active model in that library');
  const emb = readEmbeddings(core.db, model.id);
  return {
    core,
    photos,
    modelId: model.id,
    learned: only(new EmbeddingIndex(emb.photoIds, normaliseRows(emb.vectors, emb.dim), emb.dim)),
    raw: only(rawPixelIndex(readModelInputs(core.db, 64, [...ids]), 64)),
  };
}
