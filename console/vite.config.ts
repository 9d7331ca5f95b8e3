import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';

// The console is served by `stepjet serve` under /console/ from assets embedded in the Go
// binary (console/embed.go), so the build must be deterministic (no hashes that change with
// the machine) and self-contained (no CDN, fonts or other origins: the server's
// Content-Security-Policy allows 'self' only).
export default defineConfig({
  base: '/console/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
  },
  server: {
    // `npm run dev` proxies the API to a local `stepjet serve`.
    proxy: { '^/$': 'http://127.0.0.1:8083' },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
