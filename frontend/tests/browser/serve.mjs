// Starts the real Sanad server for the browser tests, serving the built SPA
// (frontend/dist) from a throw-away data directory.
// SANAD_BROWSER_MOCK=1 uses the in-memory stand-in (mock-server.mjs) instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const frontend = resolve(here, '..', '..');
const port = process.env.SANAD_BROWSER_PORT || '8391';
const bin = resolve(frontend, process.env.SANAD_BIN || '../target/debug/sanad');
const staticDir = join(frontend, 'dist');
// Keep in step with tests/browser/helpers.ts.
const ADMIN_EMAIL = 'admin@example.ma';
const ADMIN_PASSWORD = 'admin-password-2024';
const TRAINER_EMAIL = 'formatrice@example.ma';
const TRAINER_PASSWORD = 'trainer-password-2024';
const MODERATOR_EMAIL = 'moderatrice@example.ma';
const MODERATOR_PASSWORD = 'moderator-password-2024';

function cleanupNow(dir) {
  rmSync(dir, { recursive: true, force: true });
}

if (!existsSync(join(staticDir, 'index.html'))) {
  console.error('serve.mjs: frontend/dist/index.html missing: run `npm run build` first');
  process.exit(1);
}

if (process.env.SANAD_BROWSER_MOCK === '1') {
  await import('./mock-server.mjs');
} else {
  serveReal();
}

function serveReal() {
  if (!existsSync(bin)) {
    console.error(`serve.mjs: server binary not found at ${bin} (build it, or set SANAD_BIN)`);
    process.exit(1);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'sanad-browser-'));
  const env = {
    ...process.env,
    SANAD_LISTEN: `127.0.0.1:${port}`,
    SANAD_DATA_DIR: dataDir,
    SANAD_PUBLIC_URL: `http://127.0.0.1:${port}`,
    // The starter courses are what the learner tests read, take and play.
    SANAD_DEMO_CONTENT: process.env.SANAD_DEMO_CONTENT || 'on',
    // Every test registers its own people from 127.0.0.1.
    SANAD_REGISTRATIONS_PER_HOUR: '10000',
    SANAD_STATIC_DIR: staticDir,
    // Request logs would drown the test report; warnings and errors still show.
    RUST_LOG: process.env.RUST_LOG || 'warn',
  };
  if (process.env.SANAD_DATABASE_URL) env.SANAD_DATABASE_URL = process.env.SANAD_DATABASE_URL;

  // An administrator, a trainer and a moderator for the admin, authoring and forum tests (see tests/browser/helpers.ts).
  const accounts = [
    [ADMIN_EMAIL, 'Admin Sanad', 'admin', ADMIN_PASSWORD],
    [TRAINER_EMAIL, 'Nadia Formatrice', 'trainer', TRAINER_PASSWORD],
    [MODERATOR_EMAIL, 'Samira Modératrice', 'moderator', MODERATOR_PASSWORD],
  ];
  for (const [email, name, role, password] of accounts) {
    const made = spawnSync(bin, ['user', 'add', '--email', email, '--name', name, '--role', role], {
      env,
      input: `${password}\n`,
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    if (made.status !== 0) {
      console.error(`serve.mjs: could not create the test ${role}`);
      cleanupNow(dataDir);
      process.exit(1);
    }
  }

  const child = spawn(bin, ['serve'], { env, stdio: 'inherit' });
  console.log(`serve.mjs: ${bin} serve on 127.0.0.1:${port}, data in ${dataDir}`);

  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000).unref();
    });
  }
  child.on('exit', (code, signal) => {
    cleanup();
    process.exit(code ?? (signal ? 0 : 1));
  });
  process.on('exit', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
}
