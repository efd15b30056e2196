#!/usr/bin/env node
// Bundles the `keepsake` command with esbuild so it starts without the tsx loader:
//   main/cli/main.ts      → dist/cli/keepsake.mjs  (+ chunk-*.mjs: commands still load on demand)
//   core's worker threads → dist/cli/<worker>.mjs  (core starts them by URL beside its module)
// Loading TypeScript through tsx cost ~0.5 s CPU and ~90 MB before the first command ran;
// the bundle is plain ESM that Node loads directly. Native addons and pdfkit (it reads its
// font data beside its own sources) stay external, loaded from node_modules.
// bin/keepsake.mjs decides when the bundle is used (see there).
// Usage: node scripts/build-cli.mjs [--outdir dist/<dir>]
// (--outdir must be two levels below the repo, like dist/cli: core reads ../../package.json
// relative to its own module.)
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Loaded at run time from node_modules: native addons and packages that read data files beside their sources. */
export const CLI_EXTERNALS = ['electron', 'better-sqlite3-multiple-ciphers', 'sharp', '@node-rs/argon2', 'pdfkit'];

export const cliBuildOptions = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // Commands are dynamic imports (main/cli/commands/index.ts): splitting keeps each one in
  // its own chunk, so `keepsake backup` still does not load the cloud SDKs or pdfkit.
  splitting: true,
  entryPoints: {
    keepsake: 'main/cli/main.ts',
    'ical-expand-worker': 'main/core/intake/records/ical-expand-worker.mjs',
    'heic-worker': 'main/core/intake/media/heic-worker.mjs',
    // the source tree's entry registers tsx first; the bundle needs no loader
    'parse-worker-entry': 'main/core/intake/records/parse-worker-thread.ts',
    'storage-worker-entry': 'main/core/vault/storage-worker-thread.ts',
    // the CLI session holder process (main/core/vault/session/client.ts starts it by URL)
    'session-holder-entry': 'main/core/vault/session/holder.ts',
  },
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  external: CLI_EXTERNALS,
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  metafile: true,
  // CommonJS packages inside (node-forge, qrcode, heic-decode…) expect require and __dirname.
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
};

/** Builds into outdir (default dist/cli); writes meta.json (every input and external import) there. */
export async function buildCli(outdir = cliBuildOptions.outdir) {
  const dir = resolve(root, outdir);
  // chunk names carry a content hash: without this, every build would leave the last one's chunks behind
  rmSync(dir, { recursive: true, force: true });
  const result = await build({ ...cliBuildOptions, outdir });
  writeFileSync(join(dir, 'meta.json'), `${JSON.stringify({ outputs: result.metafile.outputs }, null, 1)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--outdir');
  buildCli(at > 0 && process.argv[at + 1] ? process.argv[at + 1] : undefined).catch((e) => {
    process.stderr.write(`build-cli: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
