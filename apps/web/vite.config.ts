import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

// `vite` and `vite preview` forward the API to a running `novapos serve`.
const apiTarget = process.env.NOVAPOS_API_URL ?? 'http://localhost:3000';
const proxy = { '/api': { target: apiTarget, changeOrigin: false } };

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      strategies: 'generateSW',
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
      includeAssets: ['icon.svg', 'icon-maskable.svg'],
      manifest: {
        name: 'NovaPOS',
        short_name: 'NovaPOS',
        description: 'Point of sale and back office for NovaPOS retailers',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#0f5c4d',
        background_color: '#f3f6f5',
        icons: [
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: '/icon-maskable.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'maskable' },
        ],
      },
      workbox: {
        // Every route chunk is precached so /pos and /admin open with the network off.
        globPatterns: ['**/*.{js,css,html,svg,webmanifest}'],
        // Except the label sheet: its barcode renderer is most of the app's weight, and printing
        // labels needs the catalog online anyway, so tills should not download it on install.
        globIgnores: ['**/labels.page-*.js'],
        // The camera scanner's decoder (ZXing in WebAssembly, ~1 MB) is not precached: most tills
        // scan with a wedge scanner. Once a till has used the camera it is kept for offline use.
        runtimeCaching: [{ urlPattern: /\/assets\/[^/]+\.wasm$/, handler: 'CacheFirst', options: { cacheName: 'novapos-wasm', expiration: { maxEntries: 4 } } }],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  server: { proxy },
  preview: { proxy },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
