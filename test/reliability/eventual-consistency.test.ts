// RELIABILITY row 14 (eventual consistency, "S3-compatible" providers): the mirror runs
// against s3rver behind an eventually consistent wrapper (harness/eventual-target.ts: new
// keys hidden from LIST and deleted keys still listed for a window; overwritten and
// deleted keys read stale half the time within it). Three syncs with a compaction between
// (so old packs become garbage), a clean-up after each, then two more clean-up cycles once
// the window has passed. Pass: no acknowledged data lost — every restore is whole and
// equals the vault as of the manifest it restored; no clean-up ever deletes an object
// younger than the safety margin or one the newest or previous manifest names; the
// garbage is gone after the cycles. A sync or clean-up may stop with a KeepsakeError
// while the provider is inconsistent (counted), never silently.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isKeepsakeError } from '../../common/errors';
import { deriveCloudKeys, objectName } from '../../main/core/cloud/mirror/cloud-crypto';
import { CloudStore } from '../../main/core/cloud/mirror/cloud-store';
import { collectGarbage, type GcReport } from '../../main/core/cloud/mirror/gc';
import { readRemoteManifests, type Manifest } from '../../main/core/cloud/mirror/manifest';
import { restoreVault } from '../../main/core/cloud/mirror/restore';
import { mirrorSourceOf } from '../../main/core/cloud/mirror/source';
import { syncToTarget } from '../../main/core/cloud/mirror/sync';
import type { RetryPolicy } from '../../main/core/cloud/retry';
import type { Vault } from '../../main/core/vault/vault';
import { startS3Server, type S3TestServer } from '../support/s3-server';
import { eventuallyConsistent } from './harness/eventual-target';
import { recordFigures } from './harness/figures';
import { createVault, openVault, readItem, visibleItems } from './harness/operations';
import { makeTarget } from './harness/targets';
import { contentFor, crashItem } from './vault-crash-fixture';

const WINDOW = 3000;
const MARGIN = 1500;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
// Enough patience to outlast the window (about 9 s of backoff in all).
const retry: RetryPolicy = { attempts: 8, baseMs: 100, maxMs: 2000, maxRetryAfterMs: 5000, random: () => 1, sleep: (ms) => sleep(ms) };
const dir = mkdtempSync(join(tmpdir(), 'ks-eventual-'));
let server: S3TestServer | null = null;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const refs = (m: Manifest | null): string[] => (m ? [...m.packs.map((p) => p.name), ...m.index.segments.map((s) => s.name)] : []);

describe('row 14: eventual consistency', () => {
  it('backup, clean-up, backup, restore against a provider that lists and reads stale for a while: nothing lost, margin honoured', async () => {
    server = await startS3Server();
    const real = makeTarget({ kind: 's3', endpoint: server.endpoint, bucket: server.bucket, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });
    const target = eventuallyConsistent(real, { windowMs: WINDOW, staleness: 0.5, seed: 14 });
    const home = join(dir, 'home');
    const recoveryKey = await createVault(home);
    const vault: Vault = await openVault(home);
    const store = new CloudStore(vault.indexDb);
    const targetId = store.add({ kind: 'folder', path: '/eventual-s3' }, {}).id;
    const source = mirrorSourceOf(vault);
    const keys = deriveCloudKeys(Buffer.from(source.cloudKey));
    const model = new Map<number, string[]>(); // manifest counter → the items it holds
    const honest: string[] = [];
    const gcReports: GcReport[] = [];
    // Objects a clean-up deleted although the newest or previous manifest named them.
    const wrongful: string[] = [];

    const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T | null> => {
      try {
        return await work();
      } catch (e) {
        if (!isKeepsakeError(e)) throw e;
        honest.push(`${what}: ${e.code} ${e.message.slice(0, 120)}`);
        return null;
      }
    };
    const sync = async (): Promise<void> => {
      for (let i = 0; i < 4; i++) {
        const r = await attempt('sync', () => syncToTarget(source, { targetId, target, store, retry }));
        if (r) {
          model.set(r.counter, [...visibleItems(vault).keys()].sort());
          return;
        }
        await sleep(WINDOW);
      }
      throw new Error(`sync never succeeded: ${honest.join(' | ')}`);
    };
    const lock = objectName(keys, 'lock/gc');
    const gc = async (): Promise<void> => {
      // What the newest and previous manifests really name as this clean-up starts.
      const truth = await readRemoteManifests(real, keys, vault.id);
      const live = new Set([...refs(truth.newest), ...refs(truth.previous)]);
      const before = target.deletes.length;
      const r = await attempt('clean-up', () => collectGarbage({ targetId, target, store, vaultId: vault.id, cloudKey: source.cloudKey, safetyMarginMs: MARGIN, retry }));
      if (r) gcReports.push(r);
      for (const d of target.deletes.slice(before)) if (live.has(d.name)) wrongful.push(d.name.slice(0, 12));
    };

    await vault.putItems(['r0-a', 'r0-b', 'r0-c', 'r0-d'].map(crashItem));
    await sync();
    await gc();
    const ids = visibleItems(vault);
    await vault.destroyItems([ids.get('r0-a')!, ids.get('r0-b')!]);
    await vault.compact();
    await vault.putItems(['r1-a', 'r1-b'].map(crashItem));
    await sync();
    await gc();
    await vault.putItems(['r2-a'].map(crashItem));
    await sync();
    await gc();

    // A restore while the provider may still be inconsistent: whole, and equal to the
    // vault as of whichever manifest it found.
    const early = join(dir, 'restore-early');
    const r1 = await restoreVault(early, target, recoveryKey, { fastKdfForTests: true, retry });
    expect(r1.check?.ok).toBe(true);
    await expectRestored(early, recoveryKey, model.get(r1.counter));

    // Two more clean-up cycles once the window has passed: the compacted-away packs go.
    await sleep(WINDOW + 200);
    await gc();
    await sleep(WINDOW + 200);
    await gc();
    const late = join(dir, 'restore-late');
    const r2 = await restoreVault(late, target, recoveryKey, { fastKdfForTests: true, retry });
    expect(r2.counter).toBe(Math.max(...model.keys()));
    await expectRestored(late, recoveryKey, model.get(r2.counter));

    // What clean-up deleted (the lock objects, removed by their holders, aside).
    const collected = target.deletes.filter((d) => d.name !== lock);
    for (const d of collected) expect(d.ageMs, `deleted ${d.name.slice(0, 12)} at age ${d.ageMs} ms`).toBeGreaterThanOrEqual(MARGIN);
    expect(wrongful).toEqual([]);
    expect(collected.length).toBeGreaterThan(0);
    recordFigures('eventual-consistency', { ...target.stats, deletes: collected.length, honestStops: honest.length, honest, gcRuns: gcReports.length, syncs: model.size });
    vault.close();
    await target.close();
  }, 120_000);
});

async function expectRestored(home: string, recoveryKey: string, expected: string[] | undefined): Promise<void> {
  expect(expected).toBeDefined();
  const { Vault } = await import('../../main/core/vault/vault');
  const v = await Vault.open(home, { recoveryKey }, { fastKdfForTests: true });
  try {
    const items = visibleItems(v);
    expect([...items.keys()].sort()).toEqual(expected);
    for (const [k, id] of items) expect((await readItem(v, id)).equals(contentFor(k))).toBe(true);
  } finally {
    v.close();
  }
}
