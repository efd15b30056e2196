import { defineConfig } from 'vite';

// The renderer: React 19, built to dist/renderer and served by app:// (desktop) or the
// web host. No inline scripts (the CSP forbids them), so the module-preload polyfill is off.
export default defineConfig({
  root: 'renderer',
  base: './',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'chrome130',
  },
});
