#!/usr/bin/env node
// `npm start`: builds Keepsake and opens the desktop app. Where no Electron runtime exists
// and none can be downloaded, it says so in one paragraph and runs the very same UI
// through the loopback web host (what `keepsake serve` does) in the default browser.
//   KEEPSAKE_START_WEB=1     skip Electron and use the browser fallback
//   KEEPSAKE_SKIP_BUILD=1    reuse the existing dist/ (faster restarts)
//   ELECTRON_SKIP_BINARY_DOWNLOAD=1  never try to download the runtime
//   KEEPSAKE_NO_BROWSER=1    print the URL but do not open a browser (tests, SSH sessions)
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronPackageDir, findElectronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOWNLOAD_TIMEOUT_MS = 90_000;

function build() {
  if (process.env.KEEPSAKE_SKIP_BUILD === '1') return;
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('Keepsake could not be built (see the messages above).\n');
    process.exit(r.status ?? 1);
  }
}

/** One attempt to fetch the runtime the way `npm install` would have. */
function tryDownload() {
  const dir = electronPackageDir();
  if (!dir || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1') return;
  process.stdout.write('The Electron runtime is not installed; trying to download it once…\n');
  spawnSync(process.execPath, [join(dir, 'install.js')], { cwd: dir, stdio: 'ignore', timeout: DOWNLOAD_TIMEOUT_MS });
}

function launchElectron(binary) {
  const child = spawn(binary, [root], { cwd: root, stdio: 'inherit', env: { ...process.env, ELECTRON_NO_ATTACH_CONSOLE: '1' } });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function openInBrowser(url) {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined); // no opener: the printed URL is enough
    child.unref();
  } catch {
    // Same: the URL is printed above.
  }
}

async function startWebFallback(reason, chosen) {
  const why = chosen
    ? 'You asked for the browser version (KEEPSAKE_START_WEB=1), '
    : `The Electron desktop runtime is not installed on this computer and could not be downloaded (${reason}), `;
  process.stdout.write(
    `\n${why}` +
      'so Keepsake is starting the same app through its built-in web host instead and opening it in your default browser. ' +
      'Everything works the same way; only the desktop extras (tray icon, native notifications, OS keychain) are missing. ' +
      'The server listens on this computer only (127.0.0.1) and the address below carries a one-time key: keep it private. ' +
      'Press Ctrl+C here to stop Keepsake.\n\n',
  );
  const { register } = await import('tsx/esm/api');
  register();
  const { Core } = await import('../main/core/core.ts');
  const { defaultDataFolder } = await import('../main/core/paths.ts');
  const { startWebHost } = await import('../main/web/server.ts');
  const core = new Core({ dataFolder: defaultDataFolder(), hostKind: 'web' });
  const web = await startWebHost({ core, host: '127.0.0.1', port: Number(process.env.KEEPSAKE_PORT ?? 0) });
  process.stdout.write(`${web.url}\n`);
  if (process.env.KEEPSAKE_NO_BROWSER !== '1') openInBrowser(web.url);
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await web.close();
  await core.close();
}

async function main() {
  let found = process.env.KEEPSAKE_START_WEB === '1' ? { path: null, reason: 'KEEPSAKE_START_WEB=1 was set' } : findElectronBinary();
  if (!found.path && process.env.KEEPSAKE_START_WEB !== '1') {
    tryDownload();
    found = findElectronBinary();
  }
  build();
  if (found.path) launchElectron(found.path);
  else await startWebFallback(found.reason, process.env.KEEPSAKE_START_WEB === '1');
}

main().catch((e) => {
  process.stderr.write(`Keepsake could not start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
