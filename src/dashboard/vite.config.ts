import { defineConfig } from 'vite';

/** The dashboard, built into dist/dashboard and served by the API process at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: '../../dist/dashboard', emptyOutDir: true, reportCompressedSize: false },
});
