#!/usr/bin/env node
// The `keepsake` command. Two ways to load the CLI:
//  - the pre-bundled CLI, dist/cli/keepsake.mjs (`npm run build` or scripts/build-cli.mjs
//    writes it): plain ESM, no loader — ~0.1 s CPU and ~50 MB to start instead of
//    ~0.5 s and ~90 MB;
//  - the TypeScript sources through tsx's loader, so the CLI, the web host and the tests
//    all execute the same code without a build step.
// The bundle is used when KEEPSAKE_CLI_BUNDLE=1, or (unless KEEPSAKE_CLI_BUNDLE=0) when
// this is an installed package: the file sits under node_modules/ or the sources are not
// shipped beside it. In a working tree the sources win, because a bundle built before the
// last edit would run old code, and proving it current (comparing it with the newest
// mtime under main/ and common/) costs about what the bundle saves.
// The first line sets two memory settings for the installed command (npm links this file,
// so the kernel reads that line; npm's Windows shim reads it too): V8's young generation
// capped at 2 MiB per semi-space instead of 16, and glibc's malloc kept to two arenas
// instead of one per thread that ever allocated. Measured on the 1 GB set with a CLI
// session (docs/performance.md, "Session 6: memory and the chunker"): peak RSS of a first
// backup −30 to −45 MB, of a full-read check −15 to −20 MB, CPU within the noise (1 MiB
// saved a little more but cost up to 10 % more user CPU in the first backup).
// Both must be set before the process starts (V8 sizes its heap and glibc reads its
// tunables at start-up), and a re-exec would cost a second Node process; `node
// bin/keepsake.mjs …` runs without them.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/cli/keepsake.mjs', import.meta.url);
const sources = new URL('../main/cli/main.ts', import.meta.url);
const choice = process.env.KEEPSAKE_CLI_BUNDLE;
const installed = /[\\/]node_modules[\\/]/.test(fileURLToPath(import.meta.url)) || !existsSync(sources);

if (choice === '1' || (choice !== '0' && installed && existsSync(bundle))) {
  if (!existsSync(bundle)) {
    process.stderr.write('keepsake: KEEPSAKE_CLI_BUNDLE=1 but dist/cli/keepsake.mjs is missing. Run "npm run build" (or node scripts/build-cli.mjs) first.\n');
    process.exit(1);
  }
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../main/cli/main.ts');
}
