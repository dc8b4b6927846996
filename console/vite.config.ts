import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const consoleRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/console', import.meta.url));
// Dev server only: where the govdx API server listens (`npm run dev:console`).
const apiTarget = process.env.GOVDX_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: consoleRoot,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Long-lived vendor chunks: a console release rarely changes them.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/,
            },
            { name: 'i18n', test: /node_modules[\\/](i18next|react-i18next)[\\/]/ },
            // Only loaded (dynamic import) when an Excel file is read or written.
            { name: 'exceljs', test: /node_modules[\\/]exceljs[\\/]/, priority: 1 },
            // Charts of the quality pages only.
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 1 },
            { name: 'antd', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
});
