// Library rows for tests that need many photos or embeddings without decoding any image: the same
// rows `likeness bench cli` seeds (src/main/eval/library.ts), with the model version marked 'test'.
import type { Core } from '../../src/main/core';
import { activeModelWithoutWeights } from '../../src/main/eval/library';

export { barePhoto, randomHash } from '../../src/main/eval/library';

/** A finished, active model version of `dim`-dimensional embeddings, with no weights. */
export function activeTestModel(core: Core, dim: number): number {
  return activeModelWithoutWeights(core, dim, 'test');
}
