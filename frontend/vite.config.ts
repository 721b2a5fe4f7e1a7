import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/**
 * Files of public/ the shell needs offline. The PNG icons are not among them: 21 KB that only
 * installing to the home screen needs, and the browser fetches them then.
 */
const PUBLIC_SHELL = ['/favicon.svg', '/manifest.webmanifest'];

/**
 * Names the chunks of Arabic and English words in dist/index.html, and writes dist/sw.js from sw/sw.js: the files index.html loads (its hashed script, preloads and
 * stylesheet), index.html itself and PUBLIC_SHELL are precached; the version is their hash, so a
 * new build is a new worker. Lazy chunks are kept when first used, not downloaded in advance
 * (prepaid data).
 */
function serviceWorker(): Plugin {
  let outDir = 'dist';
  return {
    name: 'sanad-service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    writeBundle(_options, bundle) {
      // The chunks of each language's words, named in index.html's first script so that the
      // reader's is fetched beside the app's script.
      const words = (lang: string) =>
        Object.values(bundle).find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith(`/src/i18n/${lang}.ts`))?.fileName;
      let html = readFileSync(join(outDir, 'index.html'), 'utf8');
      for (const lang of ['ar', 'en']) {
        const file = words(lang);
        if (!file) throw new Error(`no chunk of its own for src/i18n/${lang}.ts`);
        html = html.replace(`__SANAD_WORDS_${lang.toUpperCase()}__`, `/${file}`);
      }
      writeFileSync(join(outDir, 'index.html'), html);
      const loaded = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
      const precache = ['/index.html', ...new Set(loaded), ...PUBLIC_SHELL];
      const source = readFileSync(new URL('./sw/sw.js', import.meta.url), 'utf8');
      const version = createHash('sha256').update(source).update(precache.join('\n')).digest('hex').slice(0, 12);
      const out = source.replace("'__VERSION__'", JSON.stringify(version)).replace('__PRECACHE__', JSON.stringify(precache));
      writeFileSync(join(outDir, 'sw.js'), out);
    },
  };
}

// Preact through its automatic JSX runtime; no framework plugin needed.
export default defineConfig({
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  plugins: [serviceWorker()],
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
