// RELIABILITY row 8 (lock lapse and suspend): an uploader holds the target's lock (TTL 3 s
// here) and is SIGSTOPped right after its first pack upload, as a laptop lid closing
// mid-sync would. Another computer (the same vault restored from the cloud) tries a
// clean-up: refused while the lock is live; once the lock has lapsed, the clean-up takes
// it over and deletes the pack the stopped sync had uploaded but not yet named. After
// SIGCONT the uploader must notice its lost lock and stop WITHOUT publishing a manifest
// (one naming the deleted pack would break the cloud copy). Then the cloud copy restores
// whole, the local vault checks clean, and the next sync publishes everything. Second
// case: a clean-up whose thread freezes past its lock lifetime in the middle of deleting
// stops at the next delete (lockLost) instead of deleting on from a stale view.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeepsakeError } from '../../common/errors';
import { deriveCloudKeys, objectName } from '../../main/core/cloud/mirror/cloud-crypto';
import { CloudStore } from '../../main/core/cloud/mirror/cloud-store';
import { collectGarbage } from '../../main/core/cloud/mirror/gc';
import { readRemoteManifests } from '../../main/core/cloud/mirror/manifest';
import { restoreVault } from '../../main/core/cloud/mirror/restore';
import { mirrorSourceOf } from '../../main/core/cloud/mirror/source';
import { syncToTarget } from '../../main/core/cloud/mirror/sync';
import type { RetryPolicy } from '../../main/core/cloud/retry';
import { Vault } from '../../main/core/vault/vault';
import { startS3Server, type S3TestServer } from '../support/s3-server';
import { createVault, openVault, readItem, visibleItems } from './harness/operations';
import { makeTarget, type TargetSpec } from './harness/targets';
import { contentFor, crashItem } from './vault-crash-fixture';
import { FolderTarget } from '../../main/core/cloud/folder-target';
import type { CloudTarget } from '../../main/core/cloud/target';
import { syntheticVault } from '../unit/cloud/synthetic-source';
import { wrapTarget } from './harness/wrap-target';

const TTL = 3000;
const retry: RetryPolicy = { attempts: 4, baseMs: 5, maxMs: 50, maxRetryAfterMs: 1000, random: Math.random, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
const dir = mkdtempSync(join(tmpdir(), 'ks-lock-lapse-'));
let server: S3TestServer | null = null;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The uploader child; resolves its stop line once, and its result line when it ends. */
function startUploader(args: string[]): { pid: number; stopped: Promise<void>; result: Promise<Record<string, unknown>> } {
  const child = spawn(process.execPath, [join(process.cwd(), 'bin', 'tsx.mjs'), join(import.meta.dirname, 'lock-lapse', 'uploader-child.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onStop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (onStop = resolve));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('STOPPED ')) onStop();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const result = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return reject(new Error(`uploader ended (${code}) without a result: ${err.slice(-1500)}`));
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
  return { pid: child.pid!, stopped, result };
}

/** 'T' when the process is stopped (/proc/<pid>/stat, field 3). */
const stateOf = (pid: number): string => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.slice(0, 1);

async function expectWhole(home: string, keys: string[], credential: { recoveryKey: string }): Promise<void> {
  const v = await Vault.open(home, credential, { fastKdfForTests: true });
  try {
    expect((await v.check({ readData: true })).problems).toEqual([]);
    const items = visibleItems(v);
    for (const k of keys) expect((await readItem(v, items.get(k)!)).equals(contentFor(k))).toBe(true);
  } finally {
    v.close();
  }
}

describe('row 8: lock lapse and suspend', () => {
  it('a sync stopped past its lock lifetime publishes nothing after another computer cleaned up; the next sync repairs', async () => {
    server = await startS3Server();
    const spec: TargetSpec = { kind: 's3', endpoint: server.endpoint, bucket: server.bucket, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
    const target = makeTarget(spec);
    const homeA = join(dir, 'computer-a');
    const recoveryKey = await createVault(homeA);
    const a = await openVault(homeA);
    await a.putItems(['old-1', 'old-2'].map(crashItem));
    const storeA = new CloudStore(a.indexDb);
    const targetId = storeA.add({ kind: 'folder', path: '/lock-lapse-s3' }, {}).id;
    expect((await syncToTarget(mirrorSourceOf(a), { targetId, target, store: storeA, retry })).counter).toBe(1);
    const fresh = ['new-1', 'new-2', 'new-3', 'new-4'];
    await a.putItems(fresh.map(crashItem));
    a.close();

    // Computer B: the same vault, restored from the cloud with the recovery key.
    const homeB = join(dir, 'computer-b');
    await restoreVault(homeB, target, recoveryKey, { fastKdfForTests: true });
    const b = await Vault.open(homeB, { recoveryKey }, { fastKdfForTests: true });
    const sourceB = mirrorSourceOf(b);
    const gcB = () => collectGarbage({ targetId, target, store: new CloudStore(b.indexDb), vaultId: b.id, cloudKey: sourceB.cloudKey, safetyMarginMs: 500, lockTtlMs: TTL, retry });

    const up = startUploader([homeA, JSON.stringify(spec), targetId, String(TTL)]);
    await up.stopped;
    // The stop line is written just before the child stops itself: wait for the stop.
    for (let i = 0; i < 100 && stateOf(up.pid) !== 'T'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(stateOf(up.pid)).toBe('T');
    // While the stopped uploader's lock is live, a clean-up is refused.
    const blocked = await gcB().catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(KeepsakeError);
    expect((blocked as KeepsakeError).code).toBe('CONFLICT');
    // Past the lock's lifetime it takes over and removes the pack nothing names yet.
    await new Promise((r) => setTimeout(r, TTL + 700));
    const collected = await gcB();
    expect(collected.deleted).toBeGreaterThan(0);
    process.kill(up.pid, 'SIGCONT');
    const result = await up.result;
    expect(result).toMatchObject({ ok: false, code: 'CONFLICT', details: { lockLost: true } });

    // Nothing was published: the cloud copy is still the first one, and it is whole.
    const keys = deriveCloudKeys(Buffer.from(sourceB.cloudKey));
    expect((await readRemoteManifests(target, keys, b.id)).newest?.counter).toBe(1);
    b.close();
    const homeC = join(dir, 'computer-c');
    const restored = await restoreVault(homeC, target, recoveryKey, { fastKdfForTests: true });
    expect(restored.check?.ok).toBe(true);
    await expectWhole(homeC, ['old-1', 'old-2'], { recoveryKey });

    // Computer A is intact and its next sync re-uploads what the clean-up removed.
    const again = await openVault(homeA);
    expect((await again.check({ readData: true })).problems).toEqual([]);
    expect((await syncToTarget(mirrorSourceOf(again), { targetId, target, store: new CloudStore(again.indexDb), retry })).counter).toBe(2);
    again.close();
    const homeD = join(dir, 'computer-d');
    await restoreVault(homeD, target, recoveryKey, { fastKdfForTests: true });
    await expectWhole(homeD, ['old-1', 'old-2', ...fresh], { recoveryKey });
    await target.close();
  }, 90_000);

  it('a clean-up paused past its lock lifetime between deletes deletes nothing more', async () => {
    const sv = syntheticVault(6);
    const folder = join(dir, 'gc-target');
    mkdirSync(folder);
    const real = new FolderTarget(folder);
    try {
      const sync = () => syncToTarget(sv.source, { targetId: sv.targetId, target: real, store: sv.store, retry });
      await sync();
      for (const id of sv.packIds.splice(0, 3)) rmSync(join(sv.source.packsDir, id.slice(0, 2), `${id}.pack`));
      await sync();
      await sync(); // neither the newest nor the previous manifest names the 3 packs now
      let deletes = 0;
      const lockName = objectName(deriveCloudKeys(Buffer.from(sv.source.cloudKey)), 'lock/gc');
      // During the first delete the whole process freezes for longer than the lock lives
      // (the thread blocked, as under SIGSTOP: no timer runs, so no renewal either).
      const slow = wrapTarget(real, {
        async delete(name) {
          if (name === lockName) return real.delete(name); // the holder removing its lock
          if (deletes++ === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1300);
          return real.delete(name);
        },
      });
      const gc = (target: CloudTarget, ttl?: number) => collectGarbage({ targetId: sv.targetId, target, store: sv.store, vaultId: sv.source.vaultId, cloudKey: sv.source.cloudKey, safetyMarginMs: 0, retry, ...(ttl ? { lockTtlMs: ttl } : {}) });
      const err = await gc(slow, 1000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KeepsakeError);
      expect((err as KeepsakeError).details).toMatchObject({ lockLost: true });
      expect(deletes).toBe(1); // the one in flight; none after the lapse was noticed
      const rest = await gc(real);
      expect(rest.deleted).toBeGreaterThanOrEqual(2); // the rest of the garbage (2 packs, old index segments)
    } finally {
      await real.close();
      sv.close();
    }
  }, 60_000);
});
