// RELIABILITY rows 2 and 10-adjacent (kill -9 while syncing) through the shared kill-loop
// harness: cloud mirror to a folder target and to s3rver on 127.0.0.1, and phone sync
// (the desktop gateway and the reference agent in the killed process; the agent's acks
// are the log). After every kill: the local vault checks clean; for the cloud, a wiped
// computer restores from the target with only the recovery key and holds every item the
// last acknowledged sync covered, whole; for the phone, every acknowledged file is in the
// vault hash-equal. 2 runs each in `npm test`; 200 with KEEPSAKE_RELIABILITY=1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordFigures } from './harness/figures';
import { KILL_ITERATIONS, runKillLoop } from './harness/kill-loop';
import { cloudOperation, phoneOperation } from './harness/operations';

const dir = mkdtempSync(join(tmpdir(), 'ks-kill-loop-sync-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// KEEPSAKE_KILL_SEED shifts every seed, so a further long run covers new kill moments.
const SEED_SHIFT = Number(process.env.KEEPSAKE_KILL_SEED ?? 0) * 1000;
const timeout = 60_000 + KILL_ITERATIONS * 30_000;

describe('kill-loop: sync operations', () => {
  it.each(['folder', 's3'] as const)(`cloud sync to a %s target survives ${KILL_ITERATIONS} seeded kills`, async (kind) => {
    const op = cloudOperation(dir, kind);
    try {
      const figures = await runKillLoop(op, dir, { iterations: KILL_ITERATIONS, seed: (kind === 'folder' ? 21 : 22) + SEED_SHIFT, readDataEvery: 5, onRun: (f) => recordFigures(`kill-loop-${f.operation}`, f) });
      expect(figures.failedSeeds).toEqual([]);
      expect(figures.corruptVaults).toBe(0);
      expect(figures.lostAcked).toBe(0);
    } finally {
      await op.close();
    }
  }, timeout);

  it(`phone sync (agent → gateway) survives ${KILL_ITERATIONS} seeded kills`, async () => {
    const figures = await runKillLoop(phoneOperation(dir), dir, { iterations: KILL_ITERATIONS, seed: 23 + SEED_SHIFT, readDataEvery: 5, onRun: (f) => recordFigures(`kill-loop-${f.operation}`, f) });
    expect(figures.failedSeeds).toEqual([]);
    expect(figures.corruptVaults).toBe(0);
    expect(figures.lostAcked).toBe(0);
  }, timeout);
});
