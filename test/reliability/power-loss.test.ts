// RELIABILITY row 3 (simulated power loss on the chunk and pack store). The vault runs on
// the power-loss shim (fs-shim/power-loss-fs.ts, injected through VaultOptions.fs, the
// seam the pack store writes through): import batches, destroy some items, compact. At
// seeded operations the shim writes what a power cut at that instant could leave — data
// not fsynced dropped, torn or garbled; name changes not fsynced partly lost — next to a
// copy of the index (SQLite commits with synchronous=FULL, so its file and WAL on disk are
// what survives). Every image must open, pass `check --read-data`, hold every item whose
// put had returned (whole), show no partial item, and keep destroyed items gone.
// 20 images in `npm test`; 500 with KEEPSAKE_RELIABILITY=1 (KEEPSAKE_POWER_LOSS_IMAGES=N).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vaultLayout } from '../../main/core/vault/layout';
import { Vault } from '../../main/core/vault/vault';
import { PowerLossFs } from './fs-shim/power-loss-fs';
import { recordFigures } from './harness/figures';
import { rng } from './harness/kill-loop';
import { createVault, readItem, visibleItems } from './harness/operations';
import { contentFor, CRASH_CHUNKS, CRASH_PASS, crashItem } from './vault-crash-fixture';

const IMAGES = Number(process.env.KEEPSAKE_POWER_LOSS_IMAGES ?? (process.env.KEEPSAKE_RELIABILITY === '1' ? 500 : 20));
const PER_RUN = 10;
const BATCHES = 6;
const dir = mkdtempSync(join(tmpdir(), 'ks-power-loss-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Image {
  path: string;
  at: number;
  what: string;
  acked: string[];
  destroyed: string[];
}

/** The workload: batches of 3 items, then the first item of each batch destroyed, then compaction. */
async function workload(home: string, fs: PowerLossFs | undefined, acked: Set<string>, destroyed: Set<string>): Promise<void> {
  const vault = await Vault.open(home, { passphrase: CRASH_PASS }, { fastKdfForTests: true, chunker: CRASH_CHUNKS, ...(fs ? { fs } : {}) });
  try {
    const victims: string[] = [];
    for (let b = 0; b < BATCHES; b++) {
      // The same keys every run (each run has its own vault): the operation count is then fixed.
      const keys = [0, 1, 2].map((i) => `pl-${b}-${i}`);
      await vault.putItems(keys.map(crashItem));
      keys.forEach((k) => acked.add(k));
      victims.push(keys[0]!);
    }
    const ids = visibleItems(vault);
    await vault.destroyItems(victims.map((k) => ids.get(k)!));
    victims.forEach((k) => destroyed.add(k));
    await vault.compact();
  } finally {
    vault.close();
  }
}

/** Copies what the shim does not model: the index and its WAL, the key slots, the head. */
function copyUnmodelled(home: string, dest: string): void {
  const from = vaultLayout(home).root;
  const to = vaultLayout(dest).root;
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (['packs', 'tmp', 'lock', 'repair-backups'].includes(name) || name.endsWith('-shm') || name.startsWith('lock.')) continue;
    copyFileSync(join(from, name), join(to, name));
  }
}

async function verifyImage(img: Image): Promise<string[]> {
  const problems: string[] = [];
  let vault: Vault;
  try {
    vault = await Vault.open(img.path, { passphrase: CRASH_PASS }, { fastKdfForTests: true, chunker: CRASH_CHUNKS });
  } catch (e) {
    return [`does not open: ${(e as Error).message}`];
  }
  try {
    const check = await vault.check({ readData: true });
    problems.push(...check.problems.map((p) => `check: ${JSON.stringify(p)}`));
    const items = visibleItems(vault);
    for (const [key, id] of items) {
      const bytes = await readItem(vault, id).catch((e: unknown) => Buffer.from(`unreadable: ${(e as Error).message}`));
      if (!bytes.equals(contentFor(key))) problems.push(`partial or wrong item visible: ${key}`);
    }
    for (const k of img.acked) if (!img.destroyed.includes(k) && !items.has(k)) problems.push(`acknowledged item lost: ${k}`);
    for (const k of img.destroyed) if (items.has(k)) problems.push(`destroyed item came back: ${k}`);
  } finally {
    vault.close();
  }
  return problems;
}

describe('row 3: simulated power loss on the pack store', () => {
  it(`every one of ${IMAGES} power-cut images opens clean with every acknowledged item whole`, async () => {
    // One dry run counts the shim operations of the workload, so crash points cover all of it.
    const dryHome = join(dir, 'dry');
    await createVault(dryHome);
    const writes: number[] = [];
    const counter = new PowerLossFs(vaultLayout(dryHome).root, ['packs', 'tmp'], (n, what) => void (what === 'write' && writes.push(n)));
    await workload(dryHome, counter, new Set(), new Set());
    const total = counter.ops;
    rmSync(dryHome, { recursive: true, force: true });

    const failures: string[] = [];
    const stats = { images: 0, tailsDropped: 0, tailsTorn: 0, tailsGarbled: 0, tailsKept: 0, nameChangesLost: 0, operations: total };
    // A cut the run does not reach (its operation count can differ a little from the dry
    // run's) is drawn again in the next run, so exactly IMAGES images are checked.
    for (let run = 0; stats.images < IMAGES && run < IMAGES; run++) {
      const random = rng(3000 + run);
      const home = join(dir, `run-${run}`);
      await createVault(home);
      const points = new Set<number>();
      // Half the cuts anywhere, half just before a pack write (a file with an unsynced tail).
      while (points.size < Math.min(PER_RUN, IMAGES - stats.images)) points.add(points.size % 2 ? writes[Math.floor(random() * writes.length)]! : Math.floor(random() * total));
      const acked = new Set<string>();
      const destroyed = new Set<string>();
      const images: Image[] = [];
      const shim: PowerLossFs = new PowerLossFs(vaultLayout(home).root, ['packs', 'tmp'], (n, what) => {
        if (!points.has(n)) return;
        const path = join(dir, `run-${run}-cut-${n}`);
        copyUnmodelled(home, path);
        shim.materialize(vaultLayout(path).root, rng(run * 100_000 + n));
        images.push({ path, at: n, what, acked: [...acked], destroyed: [...destroyed] });
      });
      await workload(home, shim, acked, destroyed);
      for (const img of images) {
        const p = await verifyImage(img);
        if (p.length) failures.push(`run ${run}, cut before operation ${img.at} (${img.what}): ${p.slice(0, 3).join('; ')}`);
        rmSync(img.path, { recursive: true, force: true });
      }
      for (const k of Object.keys(shim.stats) as Array<keyof typeof shim.stats>) stats[k] += shim.stats[k];
      rmSync(home, { recursive: true, force: true });
    }
    recordFigures('power-loss', { ...stats, failures: failures.length, failed: failures.slice(0, 20) });
    expect(failures).toEqual([]);
    expect(stats.images).toBe(IMAGES);
    // The images did exercise lost name changes and — over the long run's 500 images —
    // lost, torn and garbled data. The 20 images of `npm test` meet only 1–5 unsynced tails
    // (a tail counts only where the file's own creation survived the cut, and a fifth are
    // kept whole), and which ones varies with the seal workers' order: measured 0 once in a
    // combined run, so the short run does not require one.
    if (IMAGES >= 100) expect(stats.tailsDropped + stats.tailsTorn + stats.tailsGarbled).toBeGreaterThan(0);
    expect(stats.nameChangesLost).toBeGreaterThan(0);
  }, 60_000 + IMAGES * 3_000);
});
