#!/usr/bin/env node
// Bundles the Electron host and its preload with esbuild:
//   main/electron/main.ts → dist/electron/main.cjs     (main process, CommonJS)
//   preload/index.ts      → dist/electron/preload.cjs  (sandboxed preload, CommonJS)
//   core's worker threads → dist/electron/<worker>.mjs (ESM, beside main.cjs)
// `electron` and the native modules stay external (they are loaded from node_modules,
// unpacked from the asar by electron-builder); everything else is bundled, including
// ESM-only packages, so the main process has no module-format surprises at run time.
// Usage: node scripts/build-electron.mjs [--watch] [--outdir dist/<dir>]
// (--outdir must be two levels below the repo, like dist/electron: see import.meta.url below.)
import { build, context } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Loaded at run time from node_modules: Electron itself, native addons, and packages that read data files next to their own sources. */
export const ELECTRON_EXTERNALS = [
  'electron',
  'better-sqlite3-multiple-ciphers',
  'sharp',
  '@node-rs/argon2',
  'pdfkit', // reads its font metrics from __dirname/data at run time
];

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  // meta.json beside the bundles lists every input and every external import (tests read
  // it; electron-builder.yml leaves it out of the package).
  metafile: true,
};

export const buildOptions = [
  {
    ...common,
    entryPoints: { main: 'main/electron/main.ts' },
    outdir: 'dist/electron',
    outExtension: { '.js': '.cjs' },
    external: ELECTRON_EXTERNALS,
    // Core reads package.json relative to its own file (import.meta.url); in the CJS
    // bundle that becomes this file's URL, and dist/electron/../../package.json is the
    // app's package.json both in the repo and inside app.asar.
    define: { 'import.meta.url': '__keepsake_import_meta_url' },
    banner: { js: "const __keepsake_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  },
  {
    ...common,
    entryPoints: { preload: 'preload/index.ts' },
    outdir: 'dist/electron',
    outExtension: { '.js': '.cjs' },
    // A sandboxed preload may only require('electron') (and a few polyfilled modules).
    external: ['electron'],
  },
  {
    ...common,
    // Worker threads core starts by URL relative to its own module (new URL('./x.mjs',
    // import.meta.url)); in the bundle that is dist/electron/, so each worker is bundled
    // there under the name core asks for. ESM, with a require for the CJS packages inside.
    format: 'esm',
    entryPoints: {
      'ical-expand-worker': 'main/core/intake/records/ical-expand-worker.mjs',
      'heic-worker': 'main/core/intake/media/heic-worker.mjs',
      // the source tree's entry registers tsx first; the bundle needs no loader
      'parse-worker-entry': 'main/core/intake/records/parse-worker-thread.ts',
      'storage-worker-entry': 'main/core/vault/storage-worker-thread.ts',
    },
    outdir: 'dist/electron',
    outExtension: { '.js': '.mjs' },
    external: ELECTRON_EXTERNALS,
    // CommonJS packages inside (heic-decode's libheif) expect require and __dirname.
    banner: {
      js: [
        "import { createRequire as __keepsakeCreateRequire } from 'node:module';",
        "import { dirname as __keepsakeDirname } from 'node:path';",
        "import { fileURLToPath as __keepsakeToPath } from 'node:url';",
        'const require = __keepsakeCreateRequire(import.meta.url);',
        'const __filename = __keepsakeToPath(import.meta.url);',
        'const __dirname = __keepsakeDirname(__filename);',
      ].join(' '),
    },
  },
];

async function main() {
  const at = process.argv.indexOf('--outdir');
  if (at > 0 && process.argv[at + 1]) for (const options of buildOptions) options.outdir = process.argv[at + 1];
  if (process.argv.includes('--watch')) {
    for (const options of buildOptions) await (await context(options)).watch();
    process.stdout.write('Watching main/electron and preload…\n');
    return;
  }
  const results = await Promise.all(buildOptions.map((options) => build(options)));
  const outputs = Object.assign({}, ...results.map((r) => r.metafile.outputs));
  writeFileSync(resolve(root, buildOptions[0].outdir, 'meta.json'), `${JSON.stringify({ outputs }, null, 1)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    process.stderr.write(`build-electron: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
