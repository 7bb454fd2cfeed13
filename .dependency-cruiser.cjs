// The layer rule of DESIGN.md, checked by dependency-cruiser (`npm run lint`):
//   app | cli → api → jobs → search → model → library → store → shared
// a folder may import only folders to its right; util/ and security/ are leaves every layer may use
// and that import nothing of ours; only app/ (and the preload script) import 'electron'; the renderer
// reaches the core only through src/shared; the model core is pure (no I/O, no store or library).
const main = '^src/main/';
// Each layer and the layers it must not import (those to its left).
const layers = [
  ['store', ['library', 'model', 'search', 'jobs', 'api', 'cli', 'app']],
  ['library', ['model', 'search', 'jobs', 'api', 'cli', 'app']],
  ['model', ['search', 'jobs', 'api', 'cli', 'app']],
  ['search', ['jobs', 'api', 'cli', 'app']],
  ['jobs', ['api', 'cli', 'app']],
  ['api', ['cli', 'app']],
  ['cli', ['app']],
];
const layerRules = layers.map(([layer, above]) => ({
  name: `layer-${layer}`,
  comment: `${layer}/ may import only folders to its right in DESIGN.md's order, never ${above.join(', ')}`,
  severity: 'error',
  from: { path: `${main}${layer}/` },
  to: { path: `${main}(${above.join('|')})/` },
}));
// core.ts and dataDir.ts (the library's database and folders) sit with store/.
layerRules.push({
  name: 'layer-core',
  comment: 'core.ts and dataDir.ts open the store; they import nothing above it',
  severity: 'error',
  from: { path: `${main}(core|dataDir)\\.ts$` },
  to: { path: `${main}(library|model|search|jobs|api|cli|app)/` },
});

const modelCore = `${main}model/(config|params|encoder|loss|trainer|augment|cutMix)\\.ts$`;

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'no import cycle between files', severity: 'error', from: {}, to: { circular: true } },
    ...layerRules,
    {
      name: 'leaves-import-nothing-of-ours',
      comment: 'util/ and security/ are leaf folders: every layer may use them, they use none',
      severity: 'error',
      from: { path: `${main}(util|security)/` },
      to: { path: '^src/', pathNot: `${main}(util|security)/` },
    },
    {
      name: 'only-the-shell-imports-electron',
      severity: 'error',
      from: { pathNot: `^(${main}app/|src/preload/|test/e2e/electron)` },
      to: { path: '^electron$|node_modules/electron/' },
    },
    {
      name: 'renderer-only-through-the-contract',
      comment: 'the renderer talks to the core only through src/shared/api.ts',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: '^src/(main|preload)/' },
    },
    {
      name: 'shared-is-the-bottom',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/(main|preload|renderer|gpu)/' },
    },
    {
      name: 'pure-model-core',
      comment: 'config, params, encoder, loss, trainer and augment do no I/O: they run in Node workers and in the GPU window alike',
      severity: 'error',
      from: { path: modelCore },
      to: { path: `^(node:)?(fs|path|worker_threads|child_process)$|^src/main/(store|library|core|dataDir)` },
    },
    {
      name: 'gpu-window-uses-the-model-core-only',
      comment: 'src/gpu runs in a browser window: the model core, util and the shared contract, nothing that does I/O',
      severity: 'error',
      from: { path: '^src/gpu/' },
      to: { path: '^src/main/', pathNot: `${modelCore}|${main}util/` },
    },
    {
      name: 'evaluation-apart-from-the-product',
      comment: 'src/main/eval measures the product; only the command line runs it',
      severity: 'error',
      from: { path: `${main}(store|library|model|search|jobs|api|app|util|security)/` },
      to: { path: `${main}eval/` },
    },
    {
      name: 'product-does-not-import-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
