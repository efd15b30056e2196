// A Vitest setup file used only by scripts/reliability.mjs (through
// vitest.figures.config.ts): counts fast-check executions per test file via a global
// reporter that still fails exactly as the default one does, and appends the sum to
// KEEPSAKE_FIGURES_DIR/fc-runs.jsonl.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect } from 'vitest';

let runs = 0;
let properties = 0;
fc.configureGlobal({
  reporter(out) {
    runs += out.numRuns;
    properties++;
    if (out.failed) throw new Error(fc.defaultReportMessage(out));
  },
});

afterAll(() => {
  const dir = process.env.KEEPSAKE_FIGURES_DIR;
  if (!dir || !properties) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, 'fc-runs.jsonl'), `${JSON.stringify({ file: expect.getState().testPath ?? 'unknown', properties, runs })}\n`);
});
