// The kill-loop harness can fail: a child that acknowledges batches it never stores is
// reported with lost acknowledged items and a failure per run, each with its seed; the
// ack log ignores a line the kill cut before its newline.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAckLog, rng, runKillLoop, type KillLoopOperation } from './harness/kill-loop';
import { createVault, importOperation } from './harness/operations';

const dir = mkdtempSync(join(tmpdir(), 'ks-kill-harness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kill-loop harness', () => {
  it('reports acknowledged-but-lost items from a lying child, with the seeds', async () => {
    const honest = importOperation(dir);
    const home = join(dir, 'import-home-0'); // the honest operation's first epoch
    const lying: KillLoopOperation = { ...honest, name: 'lying', before: async (i) => void (i === 0 && (await createVault(home))), args: (i) => ['lying', home, String(i)], maxDelayMs: 300 };
    const figures = await runKillLoop(lying, dir, { iterations: 2, seed: 5, readDataEvery: 100 });
    expect(figures.runs).toBe(2);
    expect(figures.lostAcked).toBeGreaterThan(0);
    expect(figures.failures).toBe(2);
    expect(figures.failedSeeds.map((f) => f.seed)).toEqual([500_000, 500_001]);
    expect(figures.failedSeeds[0]!.detail).toMatch(/lost l0-0-0/);
    expect(figures.corruptVaults).toBe(0);
  });

  it('counts only whole lines of the ack log and replays a seed identically', () => {
    const log = join(dir, 'cut.jsonl');
    writeFileSync(log, '{"keys":["a"]}\n{"keys":["b"]}\n{"keys":["c');
    expect(readAckLog(log)).toEqual([{ keys: ['a'] }, { keys: ['b'] }]);
    const a = rng(42);
    const b = rng(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});
