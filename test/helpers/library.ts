// Libraries for tests: rows for tests that need many photos or embeddings without decoding any
// image (the same rows `likeness bench cli` seeds, src/main/eval/library.ts, with the model version
// marked 'test'); and a real library of a test file's own photos, indexed before its tests.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { activeModelWithoutWeights } from '../../src/main/eval/library';
import { indexFolders } from '../../src/main/library/scan';
import { photoIdByPath } from '../../src/main/store/photos';
import { tempDir } from './images';

export { barePhoto, randomHash } from '../../src/main/eval/library';

/** A finished, active model version of `dim`-dimensional embeddings, with no weights. */
export function activeTestModel(core: Core, dim: number): number {
  return activeModelWithoutWeights(core, dim, 'test');
}

export interface IndexedLibrary {
  /** The temporary directory holding `photos` and the data directory (`home`). */
  tmp: { path: string };
  photos: string;
  /** Open from before the file's tests until after them. */
  core: Core;
  idOf(path: string): number;
}

/**
 * A real library for one test file: before its tests, `write` fills a photos folder in a fresh
 * temporary directory, which is then indexed into a data directory beside it (`home`); after
 * them, the library is closed and the directory removed.
 */
export function indexedLibrary(name: string, write: (photos: string) => Promise<void>): IndexedLibrary {
  const tmp = tempDir(name);
  const photos = join(tmp.path, 'photos');
  let core: Core | null = null;
  const library: IndexedLibrary = {
    tmp,
    photos,
    get core() {
      if (!core) throw new Error('the library is open only during the tests');
      return core;
    },
    idOf: (path) => photoIdByPath(library.core.db, path)!,
  };
  before(async () => {
    mkdirSync(photos, { recursive: true });
    await write(photos);
    core = openCore(join(tmp.path, 'home'));
    await indexFolders(core, [photos]);
  });
  after(() => {
    if (core) closeCore(core);
    tmp.cleanup();
  });
  return library;
}
