import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./src/web', import.meta.url));
// YUNYI_WEB_OUT: another output folder (parallel work on one checkout builds and serves its own bundle).
const outDir = process.env.YUNYI_WEB_OUT
  ? fileURLToPath(new URL(`./${process.env.YUNYI_WEB_OUT}`, import.meta.url))
  : fileURLToPath(new URL('./dist/web', import.meta.url));
// The API server the dev server forwards to; YUNYI_API_URL lets a developer point it elsewhere.
const apiTarget = process.env.YUNYI_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  plugins: [react()],
  server: {
    // Anchored patterns: a bare '/api' prefix would also swallow the SPA's own /api.ts module.
    proxy: {
      '^/api/': { target: apiTarget, changeOrigin: true },
      '^/healthz$': { target: apiTarget, changeOrigin: true },
      '^/dicomweb/': { target: apiTarget, changeOrigin: true },
      '^/ws(/|$)': { target: apiTarget, changeOrigin: true, ws: true },
    },
  },
  build: {
    outDir,
    emptyOutDir: true,
    // antd alone is ~1 MB minified; it is split into its own cached chunk instead of warned about.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // Vendor chunks change less often than the app, so browsers keep them cached across releases.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /[\\/]node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/,
              priority: 30,
            },
            // antd is on /login, so it goes first and keeps the helpers it shares with antd-mobile;
            // antd-mobile then holds only what the patient H5 alone needs.
            {
              name: 'antd',
              test: /[\\/]node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|dayjs)[\\/]/,
              priority: 20,
            },
            { name: 'i18n', test: /[\\/]node_modules[\\/](i18next|react-i18next)[\\/]/, priority: 15 },
            { name: 'antd-mobile', test: /[\\/]node_modules[\\/]antd-mobile/, priority: 10 },
          ],
        },
      },
    },
  },
});
