// Gzips the JavaScript of dist/assets and fails when the initial JavaScript
// (what index.html loads: its module script and modulepreloads) exceeds the
// budget (weak connections, phones). Chunks loaded later with import() (the
// authoring screens) are reported apart. The service worker counts as initial.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET = 100 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const assets = join(dist, 'assets');
if (!existsSync(assets)) {
  console.error('dist/assets not found: run `npm run build` first');
  process.exit(1);
}
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initialNames = new Set(
  [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="([^"]+\.js)"/g)].map((m) => basename(m[1])),
);
if (initialNames.size === 0) {
  console.error('no <script src> found in dist/index.html');
  process.exit(1);
}
let initial = 0;
let lazy = 0;
for (const name of readdirSync(assets).filter((f) => f.endsWith('.js')).sort()) {
  const raw = readFileSync(join(assets, name));
  const gz = gzipSync(raw, { level: 9 }).length;
  const isInitial = initialNames.has(name);
  if (isInitial) initial += gz;
  else lazy += gz;
  console.log(
    `${name.padEnd(40)} ${(raw.length / 1024).toFixed(1).padStart(7)} KB raw ${(gz / 1024).toFixed(1).padStart(7)} KB gzip  ${isInitial ? 'initial' : 'lazy'}`,
  );
}
// The service worker (dist/sw.js) is fetched by every first visit too: counted as initial.
const sw = join(dist, 'sw.js');
if (existsSync(sw)) {
  const raw = readFileSync(sw);
  const gz = gzipSync(raw, { level: 9 }).length;
  initial += gz;
  console.log(`${'sw.js'.padEnd(40)} ${(raw.length / 1024).toFixed(1).padStart(7)} KB raw ${(gz / 1024).toFixed(1).padStart(7)} KB gzip  initial (service worker)`);
}
const kb = (n) => (n / 1024).toFixed(1);
console.log(`Lazy JS ${kb(lazy)} KB gzipped (loaded on demand)`);
if (initial > BUDGET) {
  console.error(`Initial JS ${kb(initial)} KB gzipped exceeds the ${BUDGET / 1024} KB budget`);
  process.exit(1);
}
console.log(`Initial JS ${kb(initial)} KB gzipped (budget ${BUDGET / 1024} KB): OK`);
