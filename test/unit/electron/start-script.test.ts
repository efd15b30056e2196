// `npm start` without an Electron runtime: scripts/start.mjs says so in one paragraph and
// serves the same contract through the loopback web host (real process, real HTTP).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = join(__dirname, '../../..');
const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

/** Starts start.mjs and resolves with everything printed up to the URL line. */
function start(env: Record<string, string>): Promise<{ child: ChildProcessWithoutNullStreams; text: string; url: string }> {
  const home = mkdtempSync(join(tmpdir(), 'keepsake-start-'));
  const noElectron = mkdtempSync(join(tmpdir(), 'keepsake-no-electron-'));
  const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      KEEPSAKE_HOME: home,
      KEEPSAKE_SKIP_BUILD: '1',
      KEEPSAKE_NO_BROWSER: '1',
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
      // Points the runtime lookup at an empty folder, so this test never launches a real Electron.
      ELECTRON_OVERRIDE_DIST_PATH: noElectron,
      ...env,
    },
  });
  cleanups.push(() => {
    child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
    rmSync(noElectron, { recursive: true, force: true });
  });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)$/m.exec(text);
      if (m?.[1]) resolve({ child, text, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`start.mjs exited (${code}) before printing a URL:\n${text}`)));
  });
}

describe('npm start without an Electron runtime', () => {
  it('explains itself in one paragraph and serves the contract on loopback', async () => {
    const { child, text, url } = await start({});
    const paragraph = text.split('\n').find((l) => l.startsWith('The Electron desktop runtime is not installed')) ?? '';
    expect(paragraph).toMatch(/could not be downloaded .* so Keepsake is starting the same app through its built-in web host .* default browser/);
    const base = new URL(url);
    const token = base.hash.replace('#token=', '');
    const about = await fetch(new URL('/rpc/app.about', base), { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(await about.json()).toMatchObject({ ok: true, value: { name: 'Keepsake', hostKind: 'web' } });
    const refused = await fetch(new URL('/rpc/app.about', base), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(401);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('says the browser was chosen when KEEPSAKE_START_WEB=1', async () => {
    const { text } = await start({ KEEPSAKE_START_WEB: '1' });
    expect(text).toContain('You asked for the browser version (KEEPSAKE_START_WEB=1), so Keepsake is starting the same app');
    expect(text).not.toContain('not installed');
  }, 60_000);
});
