// `npm run build`: the renderer (Vite → dist/renderer) and, where its build script exists,
// the Electron main and preload bundles (esbuild → dist/electron), and the pre-bundled
// `keepsake` command (esbuild → dist/cli, see scripts/build-cli.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run('npx', ['vite', 'build', '--logLevel', 'warn']);
if (existsSync('scripts/build-electron.mjs')) run(process.execPath, ['scripts/build-electron.mjs']);
run(process.execPath, ['scripts/build-cli.mjs']);
