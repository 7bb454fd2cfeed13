// `npm run build` / `npm start`: the Electron main process (src/main/app), the sandboxed preload
// script and the Svelte renderer, all into out/.
import { defineConfig } from 'electron-vite';
import { fileURLToPath } from 'node:url';
import { rendererConfig } from './renderer.vite.config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: here('./out/main'),
      // better-sqlite3, sharp, tfjs… stay in node_modules (native code, and large).
      externalizeDeps: true,
      rollupOptions: {
        // Training and embedding start src/main/model/worker.ts and embedWorker.ts as worker threads,
        // clusters and near-duplicates src/main/search/groupWorker.ts, found as ./<name>.js beside
        // the code that starts them: so one flat directory, no chunks/ sub-folder.
        input: {
          index: here('./src/main/app/main.ts'),
          worker: here('./src/main/model/worker.ts'),
          embedWorker: here('./src/main/model/embedWorker.ts'),
          groupWorker: here('./src/main/search/groupWorker.ts'),
        },
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: here('./out/preload'),
      // A sandboxed preload cannot load modules: one self-contained CommonJS file.
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { index: here('./src/preload/index.ts'), gpuTrainer: here('./src/preload/gpuTrainer.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      // The hidden GPU training window's page (src/gpu) beside the app's.
      rollupOptions: { input: { index: here('./src/renderer/index.html'), gpuTrainer: here('./src/renderer/gpu-trainer.html') } },
    },
  },
});
