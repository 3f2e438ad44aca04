import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import { rendererConfig } from './renderer/vite.config.ts';

// main: the app + the scoring and stream workers as their own entries (worker_threads needs a file);
// preload: CommonJS, since sandboxed preloads cannot be ESM.
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve('electron/main/index.ts'),
          scoreWorker: resolve('electron/scoring/scoreWorker.ts'),
          streamWorker: resolve('electron/streams/streamWorker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig(resolve('renderer')),
});
