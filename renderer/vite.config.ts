import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';
import { defineConfig, type UserConfig } from 'vite';

const root = resolve(import.meta.dirname);

/** One renderer build for both Electron (electron-vite) and browser mode (`npm run build:web`). */
export const rendererConfig: UserConfig = {
  root,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: resolve(root, '../out/renderer'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 5000,
    rollupOptions: { input: resolve(root, 'index.html') },
  },
};

export default defineConfig(rendererConfig);
