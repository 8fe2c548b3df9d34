/**
 * The playground as a static site: `pnpm playground` serves it, `pnpm playground:build` writes dist/ (relative
 * paths, so any static file server or sub-folder works). The training worker is an ES module worker; the
 * bundled Fashion-MNIST subset files become hashed assets next to it.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  // The gzipped IDX files are data: served and emitted as they are (never inlined as base64).
  assetsInclude: ['**/*.gz'],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2048,
  },
  worker: { format: 'es', rolldownOptions: { output: { minify: false } } },
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  logLevel: 'warn',
});
