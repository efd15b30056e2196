// `npm test`: the one gate. Typecheck every layer with its own environment, lint with zero
// warnings, run the Node suites (core, contract, security, fuzz, short reliability), build
// the UI and drive it in Chromium through the web host, then the Electron lane (which skips
// itself, saying why, where no Electron binary exists). Stops at the first failing step.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const steps = [
  ['Typecheck: common (no Node, no DOM)', 'npx', ['tsc', '-p', 'tsconfig.common.json']],
  ['Typecheck: core, web host, CLI, tests (Node)', 'npx', ['tsc', '-p', 'tsconfig.node.json']],
  ['Typecheck: renderer (DOM only)', 'npx', ['tsc', '-p', 'tsconfig.renderer.json']],
  ['Typecheck: Electron host and preload', 'npx', ['tsc', '-p', 'tsconfig.electron.json']],
  ['Typecheck: browser e2e tests', 'npx', ['tsc', '-p', 'tsconfig.e2e.json']],
  ['Lint (zero warnings)', 'npx', ['eslint', '--max-warnings', '0', '.']],
  ['Unit, contract, security and reliability tests (Vitest, Node)', 'npx', ['vitest', 'run']],
  ['Build', process.execPath, ['scripts/build.mjs']],
  ['Browser end-to-end tests (Playwright, Debian Chromium, web host)', 'npx', ['playwright', 'test']],
];
if (existsSync('playwright.electron.config.ts')) {
  steps.push(['Electron end-to-end lane', 'npx', ['playwright', 'test', '-c', 'playwright.electron.config.ts']]);
}

const only = process.argv.slice(2);
for (const [title, cmd, args] of steps) {
  if (only.length && !only.some((o) => title.toLowerCase().includes(o.toLowerCase()))) continue;
  const started = Date.now();
  console.log(`\n━━ ${title}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`\n✗ ${title} failed (${secs} s).`);
    process.exit(r.status ?? 1);
  }
  console.log(`✓ ${title} (${secs} s)`);
}
