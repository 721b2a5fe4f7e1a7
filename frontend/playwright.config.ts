import { defineConfig } from '@playwright/test';

const port = Number(process.env.SANAD_BROWSER_PORT ?? 8391);
const baseURL = `http://127.0.0.1:${port}`;

// Debian's Chromium, never a downloaded browser (`npx playwright install` is not used).
const executablePath = process.env.SANAD_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests/browser',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    locale: 'fr-FR',
    trace: 'retain-on-failure',
    // The service worker is tested in offline.spec.ts, which allows it; elsewhere page.route must
    // see every request (a worker's fetches escape it).
    serviceWorkers: 'block',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-gpu',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: 'node tests/browser/serve.mjs',
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
