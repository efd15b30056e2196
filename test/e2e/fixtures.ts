// Playwright fixtures: a fresh data folder and a `keepsake serve` process per test, and the
// page opened at the URL (with its token) that the server printed. Waits on facts (the
// printed URL, elements on screen), never on sleeps.
import { test as base, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface Served {
  url: string;
  origin: string;
  token: string;
  home: string;
}

export async function startServe(home: string, env: NodeJS.ProcessEnv = {}): Promise<{ served: Served; child: ChildProcess }> {
  const child = spawn(process.execPath, ['bin/keepsake.mjs', 'serve', '--port', '0'], {
    env: { ...process.env, KEEPSAKE_HOME: home, KEEPSAKE_GATEWAY_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('keepsake serve printed no URL within 30 s')), 30_000);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`keepsake serve exited with ${code}: ${stderr}`)));
  });
  const parsed = new URL(url);
  const token = /token=([^&]+)/.exec(parsed.hash)?.[1] ?? '';
  return { served: { url, origin: parsed.origin, token, home }, child };
}

export const test = base.extend<{ served: Served; app: Page }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their deps as a destructured object
  served: async ({}, use) => {
    const home = mkdtempSync(join(tmpdir(), 'keepsake-e2e-'));
    const { served, child } = await startServe(home);
    await use(served);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(home, { recursive: true, force: true });
  },
  app: async ({ page, served }, use) => {
    await page.goto(served.url);
    await use(page);
  },
});

export { expect } from '@playwright/test';
