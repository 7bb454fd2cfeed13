// The renderer's build on its own (plain Vite): used by `npm run build:renderer`, `likeness serve`
// and the e2e tests, none of which need Electron. electron.vite.config.ts reuses it for the app.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export const rendererConfig: UserConfig = {
  root: here('./src/renderer'),
  // Relative asset URLs: the same build loads from file:// in Electron and from / over HTTP.
  base: './',
  plugins: [svelte()],
  build: {
    outDir: here('./out/renderer'),
    emptyOutDir: true,
    // Never inline assets as data: URLs into CSS/JS beyond what the CSP allows; keep files separate.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'chrome120',
    reportCompressedSize: false,
  },
};

export default defineConfig(rendererConfig);
