import { defineConfig } from 'vite';

// The app is served by the Natter server itself (same origin as the API), under a
// Content-Security-Policy without inline script or style: nothing here may emit either.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2023',
    modulePreload: { polyfill: false },
    sourcemap: true,
    chunkSizeWarningLimit: 1000,
  },
  server: {
    // `npm run dev -w @natter/web` proxies the API to a server started with `npm start`.
    proxy: { '/api': { target: 'http://localhost:8080', ws: true } },
  },
});
