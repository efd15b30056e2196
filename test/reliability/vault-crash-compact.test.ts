// RELIABILITY row 7: kill -9 at random points during compaction of a vault with ~30 %
// garbage (erased items), then reopen: check --read-data is clean, every surviving item
// reads back bit-identical, no erased item reappears, and a rerun of compaction finishes.
// 10 seeded iterations; 200 with KEEPSAKE_RELIABILITY=1.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vault } from '../../main/core/vault/vault';
import { readAll, tempDir } from '../unit/vault/helpers';
import { contentFor, CRASH_CHUNKS, CRASH_PASS, crashItem, ITERATIONS, rng, runAndKill } from './vault-crash-fixture';

let t: ReturnType<typeof tempDir>;
beforeAll(async () => {
  t = tempDir('ks-crash-compact-');
  const { vault } = await Vault.create(join(t.dir, 'home'), CRASH_PASS, { fastKdfForTests: true });
  vault.close();
});
afterAll(() => t.cleanup());

const open = (): Promise<Vault> => Vault.open(join(t.dir, 'home'), { passphrase: CRASH_PASS }, { fastKdfForTests: true, chunker: CRASH_CHUNKS });

describe('kill -9 during compaction', () => {
  it(`stays consistent and a rerun finishes (${ITERATIONS} seeded kills)`, async () => {
    const random = rng(4321);
    const alive = new Map<string, string>(); // key → item id
    const erased = new Set<string>();
    let finishedRuns = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      // make garbage: add 20 items, erase ~30 % of what is alive
      let vault = await open();
      const keys = Array.from({ length: 20 }, (_, j) => `c${i}-${j}`);
      const res = await vault.putItems(keys.map(crashItem));
      res.forEach((r, j) => alive.set(keys[j]!, r.id));
      const victims = [...alive.keys()].filter(() => random() < 0.3);
      await vault.destroyItems(victims.map((k) => alive.get(k)!));
      for (const k of victims) {
        alive.delete(k);
        erased.add(k);
      }
      vault.close();

      // a third of the runs stop at a seeded random moment (whatever the machine's speed,
      // that may be after compaction ended); the rest freeze exactly between durable steps
      const roll = random();
      const stop = roll < 1 / 3 ? undefined : roll < 2 / 3 ? 'afterWrite' : 'afterCommit';
      const delay = Math.floor(random() * 80);
      const { finished } = await runAndKill(['compact', join(t.dir, 'home'), ...(stop ? [stop] : [])], delay, stop && 'STALLED');
      if (finished) finishedRuns++;
      if (stop) expect(finished).toBe(false);

      vault = await open();
      try {
        expect((await vault.check({ readData: true })).problems).toEqual([]);
        for (const [key, id] of alive) expect((await readAll(vault.readFile(id))).equals(contentFor(key))).toBe(true);
        for (const item of vault.listItems({ limit: 1000 })) expect(erased.has(item.title)).toBe(false);
        const rerun = await vault.compact();
        expect(rerun.packsRewritten).toBeGreaterThanOrEqual(0);
        const after = await vault.compact();
        expect(after.packsRewritten + after.packsDeleted + after.orphansRemoved).toBe(0); // nothing left to do
        expect((await vault.check({ readData: true })).problems).toEqual([]);
      } finally {
        vault.close();
      }
    }
    // the deterministic crash points guarantee that most runs really died mid-compaction
    expect(finishedRuns).toBeLessThanOrEqual(Math.ceil(ITERATIONS / 2));
  });
});
