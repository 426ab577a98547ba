import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The head-office web UI: its own bundle, served by the sync server at /admin/ (routes/adminPage.ts). */
export default defineConfig({
  root,
  base: '/admin/',
  build: {
    outDir: fileURLToPath(new URL('../../dist/headoffice', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // No inline module-preload helper: the page runs under a same-origin-only CSP.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
  oxc: { jsx: { runtime: 'automatic' } },
});
