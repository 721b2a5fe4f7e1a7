// Gzips every JavaScript file in dist/assets and fails when the total
// exceeds the budget for initial JavaScript (weak connections, phones).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET = 100 * 1024;
const assets = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'assets');
if (!existsSync(assets)) {
  console.error('dist/assets not found: run `npm run build` first');
  process.exit(1);
}
let total = 0;
for (const name of readdirSync(assets).filter((f) => f.endsWith('.js')).sort()) {
  const raw = readFileSync(join(assets, name));
  const gz = gzipSync(raw, { level: 9 }).length;
  total += gz;
  console.log(`${name.padEnd(40)} ${(raw.length / 1024).toFixed(1).padStart(7)} KB raw ${(gz / 1024).toFixed(1).padStart(7)} KB gzip`);
}
const kb = (total / 1024).toFixed(1);
if (total > BUDGET) {
  console.error(`Total JS ${kb} KB gzipped exceeds the ${BUDGET / 1024} KB budget`);
  process.exit(1);
}
console.log(`Total JS ${kb} KB gzipped (budget ${BUDGET / 1024} KB): OK`);
