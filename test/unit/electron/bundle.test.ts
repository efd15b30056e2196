// The built desktop host: scripts/build-electron.mjs produces CommonJS bundles that keep
// only electron, native modules and Node built-ins external, and the bundled main process
// — loaded in plain Node with a recording stand-in for 'electron' (fake-electron-run.mjs)
// — wires every piece: schemes registered before ready, deny-all permissions, both
// protocols, the one IPC channel, the locked window at app://app, tray and menu, and a
// quit that waits for core to close. Builds into its own dist/ folder so parallel test
// files never read a half-written bundle.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(__dirname, '../../..');
const out = join(root, 'dist', `electron-test-${process.pid}`);
const home = mkdtempSync(join(tmpdir(), 'keepsake-bundle-'));
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** The external (not bundled) imports esbuild recorded for one output file. */
function externals(file: string): string[] {
  const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { outputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }> };
  const entry = Object.entries(meta.outputs).find(([name]) => name.endsWith(`/${file}`));
  if (!entry) throw new Error(`${file} is not in meta.json`);
  return [...new Set(entry[1].imports.filter((i) => i.external).map((i) => i.path))].sort();
}

beforeAll(async () => {
  await run(process.execPath, [join(root, 'scripts', 'build-electron.mjs'), '--outdir', out], { cwd: root, timeout: 50_000 });
}, 60_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

async function runMain(env: Record<string, string> = {}): Promise<Record<string, unknown> & { calls: Array<[string, unknown?]> }> {
  const { stdout } = await run(process.execPath, [join(__dirname, 'fake-electron-run.mjs'), join(out, 'main.cjs')], {
    cwd: root,
    timeout: 50_000,
    env: { ...process.env, KEEPSAKE_HOME: home, ...env },
  });
  return JSON.parse(stdout) as Record<string, unknown> & { calls: Array<[string, unknown?]> };
}

describe('bundles', () => {
  it('main: only electron, native modules and built-ins are external', () => {
    const main = readFileSync(join(out, 'main.cjs'), 'utf8');
    const allowed = new Set(['electron', 'better-sqlite3-multiple-ciphers', 'sharp', '@node-rs/argon2', 'pdfkit']);
    expect(externals('main.cjs').filter((m) => !builtins.has(m) && !allowed.has(m))).toEqual([]);
    expect(externals('main.cjs')).toContain('electron');
    expect(main).toMatch(/^const __keepsake_import_meta_url = require\('node:url'\)/);
    expect(main).not.toMatch(/import\.meta/);
  });

  it('preload: CommonJS that requires nothing but electron', () => {
    const preload = readFileSync(join(out, 'preload.cjs'), 'utf8');
    expect(externals('preload.cjs')).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld("keepsake"');
    expect(preload).not.toMatch(/\bexport\b|\bimport\s/);
  });

  it('workers: bundled beside main.cjs under the names core starts them by, and they run without tsx', async () => {
    for (const file of ['ical-expand-worker.mjs', 'heic-worker.mjs', 'parse-worker-entry.mjs']) {
      expect(externals(file).filter((m) => !builtins.has(m) && m !== 'sharp')).toEqual([]);
    }
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:u1', 'DTSTART:20240101T100000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'SUMMARY:x', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const ical = await firstMessages(join(out, 'ical-expand-worker.mjs'), { text: ics, maxInstances: 10, horizonMs: 1e12 }, 2);
    expect(ical[0]).toMatchObject({ index: 0, occurrences: [1704103200000, 1704189600000, 1704276000000] });
    const photo = readFileSync(join(root, '..', 'shared', 'fixtures', 'photos', 'exifr__heic-iphone7.heic'));
    const heic = await firstMessages(join(out, 'heic-worker.mjs'), { buffer: new Uint8Array(photo), index: 0, maxPixels: 1e8 }, 1);
    expect(heic[0]).toMatchObject({ width: expect.any(Number), height: expect.any(Number), count: 1 });
    const sms = readFileSync(join(root, '..', 'shared', 'fixtures', 'messages', 'sbr2__sms_small.xml'));
    const parse = await firstMessages(join(out, 'parse-worker-entry.mjs'), { importer: 'sms-xml', size: sms.length, path: 'sms.xml', batchItems: 1000 }, 1, [{ type: 'chunk', data: sms }, { type: 'end' }]);
    expect(parse[0]).toEqual({ type: 'ready' });
  });
});

/** Starts a bundled worker in plain Node and collects its first `n` messages (or its error). */
function firstMessages(file: string, workerData: unknown, n: number, send: unknown[] = []): Promise<unknown[]> {
  const worker = new Worker(file, { workerData });
  for (const m of send) worker.postMessage(m);
  const got: unknown[] = [];
  return new Promise((resolve, reject) => {
    worker.on('message', (m) => {
      got.push(m);
      if (got.length === n) void worker.terminate().then(() => resolve(got));
    });
    worker.on('error', reject);
    worker.on('exit', () => resolve(got));
  });
}

describe('the bundled main process, driven with a stand-in electron module', () => {
  it('wires every piece in order and serves the window', async () => {
    const r = await runMain();
    const names = r.calls.map((c) => c[0]);
    const schemes = r.calls.find((c) => c[0] === 'registerSchemesAsPrivileged')?.[1] as { ready: boolean; schemes: Array<{ scheme: string }> };
    expect(schemes.ready).toBe(false); // must happen before 'ready'
    expect(schemes.schemes.map((s) => s.scheme)).toEqual(['app', 'vault']);
    expect(r.calls).toContainEqual(['setPath', { name: 'userData', path: join(home, 'chromium') }]);
    for (const name of ['setPermissionRequestHandler', 'setPermissionCheckHandler', 'setApplicationMenu', 'Tray']) expect(names).toContain(name);
    expect(r.calls).toContainEqual(['protocol.handle', 'app']);
    expect(r.calls).toContainEqual(['protocol.handle', 'vault']);
    expect(r.calls.filter((c) => c[0] === 'ipcMain.handle')).toEqual([['ipcMain.handle', 'keepsake:invoke']]);
    expect(r.calls).toContainEqual(['loadURL', 'app://app/index.html']);
    expect(names.indexOf('setPermissionRequestHandler')).toBeLessThan(names.indexOf('BrowserWindow'));
    expect((r.windowOptions as { webPreferences: Record<string, unknown> }).webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webviewTag: false,
      preload: join(out, 'preload.cjs'),
    });
  });

  it('answers app.about over IPC to the window only, and guards navigation, windows and protocols', async () => {
    const r = await runMain();
    expect(r.aboutFromWindow).toMatchObject({ ok: true, value: { name: 'Keepsake', hostKind: 'electron', dataFolder: home, version: expect.stringMatching(/^\d+\.\d+\.\d+/) } });
    expect(r.aboutFromElsewhere).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(r.navigationPrevented).toBe(true);
    expect(r.windowOpen).toEqual({ action: 'deny' });
    expect(r.calls).toContainEqual(['openExternal', 'https://github.com/x']);
    expect(r.appTraversal).toMatchObject({ status: 404, csp: expect.stringContaining("script-src 'self'") });
    expect(r.vaultLocked).toBe(423);
    expect(r.quitHeldForClose).toBe(true);
  });

  it('a second instance exits at once without opening anything', async () => {
    const r = await runMain({ FAKE_LOCK: '0' });
    expect(r.calls.map((c) => c[0])).toEqual(['setPath', 'app.exit']);
    expect(r.calls[1]).toEqual(['app.exit', 0]);
    expect(r.windowOptions).toBeNull();
  });
});
