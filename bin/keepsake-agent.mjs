#!/usr/bin/env node
// The reference device agent (`keepsake-agent`). Runs the TypeScript sources through
// tsx's loader like bin/keepsake.mjs, so it needs no build step (also under Termux).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../agent/src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
