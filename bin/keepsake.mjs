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
// The first line is a plain `node`: starting Node with a 2 MiB semi-space and two malloc
// arenas cut peak RSS ~10 % but cost the first backup 5-10 % CPU in quiet alternated
// pairs, and its speed is the target (docs/performance.md, "Session 6: memory and the
// chunker").
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
