// Build the web app into dist/, which the `caseward` binary embeds and serves at `/`.
// `npm run dev` proxies the API to a running `caseward serve` (CASEWARD_URL, default
// http://127.0.0.1:8080), so the app is always same-origin with the API.
import { defineConfig } from 'vite';

const api = process.env.CASEWARD_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: './',
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/healthz': api,
      '/readyz': api,
    },
  },
});
