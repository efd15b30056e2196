// RELIABILITY rows 1, 7 and 9 (and erasure under kill -9) through the shared kill-loop
// harness: import (item batches), folder backup, compaction/GC, full erasure and folder
// restore, each SIGKILLed at seeded random moments. After every kill: the vault's check
// (--read-data every 5th run and on the last), every acknowledged thing present and
// hash-equal, no partial item visible. 2 runs per operation in `npm test`; 200 with
// KEEPSAKE_RELIABILITY=1 (KEEPSAKE_KILL_ITERATIONS overrides).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordFigures } from './harness/figures';
import { KILL_ITERATIONS, runKillLoop, type KillLoopOperation } from './harness/kill-loop';
import { backupOperation, compactOperation, eraseOperation, importOperation, restoreOperation } from './harness/operations';

const dir = mkdtempSync(join(tmpdir(), 'ks-kill-loop-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// KEEPSAKE_KILL_SEED shifts every seed, so a further long run covers new kill moments.
const SEED_SHIFT = Number(process.env.KEEPSAKE_KILL_SEED ?? 0) * 1000;
const timeout = 60_000 + KILL_ITERATIONS * 20_000;
const ops: Array<[string, (d: string) => KillLoopOperation, number]> = [
  ['import', importOperation, 11],
  ['backup', backupOperation, 12],
  ['compaction', compactOperation, 13],
  ['erasure', eraseOperation, 14],
  ['restore', restoreOperation, 15],
];

describe('kill-loop: vault operations', () => {
  it.each(ops)(`%s survives ${KILL_ITERATIONS} seeded kills with nothing acknowledged lost`, async (_name, make, seed) => {
    const figures = await runKillLoop(make(dir), dir, { iterations: KILL_ITERATIONS, seed: seed + SEED_SHIFT, readDataEvery: 5, onRun: (f) => recordFigures(`kill-loop-${f.operation}`, f) });
    expect(figures.failedSeeds).toEqual([]);
    expect(figures.runs).toBe(KILL_ITERATIONS);
    expect(figures.corruptVaults).toBe(0);
    expect(figures.lostAcked).toBe(0);
  }, timeout);
});
