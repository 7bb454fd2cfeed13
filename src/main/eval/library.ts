// Library rows for benchmarks and tests that need many photos or embeddings without decoding any
// image: the facts of a bare photo (no EXIF, no model inputs) and an active model version with no
// weights, whose embeddings the caller writes itself.
import type { Core } from '../core';
import type { NewPhoto } from '../store/library';
import { activateModel, createModel, finishModel } from '../store/models';

/** A JPEG's facts with nothing read from it; `overrides` sets what the caller looks at. */
export function barePhoto(contentHash: string, overrides: Partial<NewPhoto> = {}): NewPhoto {
  return {
    contentHash,
    bytes: 1000,
    format: 'jpeg',
    width: 640,
    height: 480,
    orientation: 1,
    takenAt: null,
    cameraMake: null,
    cameraModel: null,
    lensModel: null,
    latitude: null,
    longitude: null,
    dhash: Buffer.alloc(8),
    modelInputs: [],
    ...overrides,
  };
}

/** 8 random difference-hash bytes from a seeded generator. */
export function randomHash(random: () => number): Buffer {
  return Buffer.from(Array.from({ length: 8 }, () => Math.floor(random() * 256)));
}

/** A finished, active model version of `dim`-dimensional embeddings, with no weights; `backend` and device say who made it. */
export function activeModelWithoutWeights(core: Core, dim: number, backend: string): number {
  const id = createModel(core.db, { config: {}, inputSize: 64, embeddingDim: dim, backend, device: backend, parentId: null, weightsPath: null });
  finishModel(core.db, id, { status: 'ready' });
  activateModel(core.db, id);
  return id;
}
