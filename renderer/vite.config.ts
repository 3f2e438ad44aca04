import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';
import { defineConfig, type UserConfig } from 'vite';

/**
 * One renderer build for both Electron (electron-vite) and browser mode (`npm run build:web`). The root
 * is passed in because electron-vite bundles its config, which changes what import.meta points at.
 */
export function rendererConfig(root: string): UserConfig {
  return {
    root,
    base: './',
    plugins: [svelte()],
    build: {
      outDir: resolve(root, '../out/renderer'),
      emptyOutDir: true,
      chunkSizeWarningLimit: 5000,
      rolldownOptions: { input: resolve(root, 'index.html') },
    },
  };
}

export default defineConfig(rendererConfig(import.meta.dirname));
