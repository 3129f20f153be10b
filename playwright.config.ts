import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in Debian's Chromium against the browser host. Never downloads a browser:
 * CHROMIUM_PATH (default /usr/bin/chromium) must exist; .ci/run installs it.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    },
  },
});
