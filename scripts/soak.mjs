#!/usr/bin/env node
// `npm run soak`: the randomised soak against a model (test/soak/soak.ts), 10 minutes by
// default. Options pass through: --minutes N, --seed N (replay), --json-out file, --verbose.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const r = spawnSync(process.execPath, [join(root, 'bin', 'tsx.mjs'), join(root, 'test', 'soak', 'soak.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
