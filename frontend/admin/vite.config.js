// Builds the admin into ../dist/admin, served by the Go server under
// /admin/. Asset names carry content hashes, so a rebuild from the same
// lockfile reproduces the committed files byte for byte.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/admin/',
  esbuild: { jsx: 'automatic', legalComments: 'none' },
  build: {
    outDir: '../dist/admin',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  test: { environment: 'node', include: ['src/**/*.test.js'] },
});
