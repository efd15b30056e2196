// The desktop app end to end, through Playwright's _electron driver: the window's live web
// preferences are the locked set, app:// responses carry the strict CSP, the preload
// exposes only { invoke, subscribe }, and app.about reaches the screen over IPC. Runs
// wherever an Electron runtime binary is installed; skips, saying why, where it is not.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';
import { createVault, openSection } from '../e2e/pages';

const root = fileURLToPath(new URL('../..', import.meta.url));
const binary = findElectronBinary();

const SKIP_REASON =
  binary.path === null
    ? `Electron lane skipped: no Electron runtime on this machine (${binary.reason}). Install it with "npx install-electron --no" (needs network) to run these tests.`
    : '';
if (SKIP_REASON) process.stderr.write(`${SKIP_REASON}\n`);
test.skip(binary.path === null, SKIP_REASON);

let app: ElectronApplication;
let page: Page;
let home: string;

test.beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'renderer', 'index.html')) || !existsSync(join(root, 'dist', 'electron', 'main.cjs'))) {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
});

test.beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'keepsake-electron-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  app = await electron.launch({
    executablePath: binary.path ?? '',
    args: [root],
    cwd: root,
    env: { ...env, KEEPSAKE_HOME: home, ELECTRON_ENABLE_LOGGING: '1' },
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterEach(async () => {
  await app.close();
  rmSync(home, { recursive: true, force: true });
});

test('the live window behaves as the locked web preferences say', async () => {
  // Electron 45 has no getter for a live window's webPreferences (the factory's values are
  // read back in test/security/window-options.test.ts); here we check their effects.
  expect(page.url()).toBe('app://app/index.html');
  const facts = await page.evaluate(() => ({
    node: typeof (window as unknown as { require?: unknown }).require + typeof (window as unknown as { process?: unknown }).process,
    webview: document.createElement('webview') instanceof HTMLUnknownElement,
  }));
  expect(facts.node).toBe('undefinedundefined');
  expect(facts.webview).toBe(true);
  const windows = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => ({ devTools: w.webContents.isDevToolsOpened(), title: w.getTitle() })));
  expect(windows).toHaveLength(1);
});

test('app:// responses carry the strict CSP header', async () => {
  const csp = await page.evaluate(() => fetch('app://app/index.html').then((r) => r.headers.get('content-security-policy') ?? ''));
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain('unsafe-eval');
});

test('the page sees only window.keepsake = { invoke, subscribe } and no Node', async () => {
  const surface = await page.evaluate(() => ({
    keys: Object.keys((window as unknown as { keepsake: object }).keepsake).sort(),
    require: typeof (window as unknown as { require?: unknown }).require,
    process: typeof (window as unknown as { process?: unknown }).process,
  }));
  expect(surface).toEqual({ keys: ['invoke', 'subscribe'], require: 'undefined', process: 'undefined' });
  const about = await page.evaluate(() => (window as unknown as { keepsake: { invoke(m: string, i: unknown): Promise<unknown> } }).keepsake.invoke('app.about', {}));
  expect(about).toMatchObject({ ok: true, value: { hostKind: 'electron', dataFolder: home } });
});

/**
 * Whether better-sqlite3-multiple-ciphers loads inside this Electron (it is built for one
 * V8 ABI; after a plain `npm install` that is Node's). Asked of the dev binary itself,
 * run as Node, which unpackaged Electron allows.
 */
function sqliteLoadsInElectron(): { ok: true } | { ok: false; why: string } {
  const r = spawnSync(binary.path ?? '', ['-e', "require('better-sqlite3-multiple-ciphers')"], {
    cwd: root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status === 0) return { ok: true };
  const line = (r.stderr || r.error?.message || 'unknown error').split('\n').find((l) => l.trim()) ?? '';
  return { ok: false, why: line.slice(0, 200) };
}

test('app.about is on screen in Settings', async () => {
  const sqlite = sqliteLoadsInElectron();
  test.skip(
    !sqlite.ok,
    `Creating a vault needs better-sqlite3-multiple-ciphers built for Electron; run "npx electron-builder install-app-deps" first (${sqlite.ok ? '' : sqlite.why}).`,
  );
  await createVault(page);
  await openSection(page, 'Settings');
  await expect(page.getByTestId('about-host')).toHaveText('Desktop app');
  await expect(page.getByTestId('about-data-folder')).toHaveText(home);
  await page.screenshot({ path: 'test-results/electron/settings.png' });
});

test('navigation away from the app and new windows are refused', async () => {
  await page.evaluate(() => {
    window.open('https://example.com/', '_blank');
    window.location.href = 'https://example.com/';
  });
  await expect.poll(() => app.windows().length).toBe(1);
  expect(page.url()).toMatch(/^app:\/\/app\//);
});
