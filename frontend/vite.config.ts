import { defineConfig } from 'vite';

// Preact through its automatic JSX runtime; no framework plugin needed.
export default defineConfig({
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  resolve: {
    alias: {
      react: 'preact/compat',
      'react-dom': 'preact/compat',
    },
  },
  build: {
    target: 'es2020',
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev` against a local server: SANAD_DEV_API=http://127.0.0.1:8080
    proxy: process.env.SANAD_DEV_API
      ? { '/api': process.env.SANAD_DEV_API, '/healthz': process.env.SANAD_DEV_API }
      : undefined,
  },
});
