import { defineConfig } from '@playwright/test';

// The Electron end-to-end lane: Playwright's _electron driver launches the real desktop
// app (dist/electron/main.cjs) with a fresh data folder per test. Where no Electron
// runtime binary exists (it cannot be downloaded here), every test skips, saying why.
export default defineConfig({
  testDir: 'test/electron',
  outputDir: 'test-results/electron',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: { screenshot: 'only-on-failure', trace: 'off' },
});
