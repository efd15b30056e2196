// Clean-up (GC) safety and tampering detection (RELIABILITY rows 13, 36, 37):
// GC removes only what no manifest needs and only past the safety margin; LIST faults
// during GC delete nothing; a target rolled back to an older copy, a target holding
// another vault, and two swapped packs are each detected and reported.
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveCloudKeys, objectName } from '../../../main/core/cloud/mirror/cloud-crypto';
import { collectGarbage } from '../../../main/core/cloud/mirror/gc';
import { manifestNames, readRemoteManifests } from '../../../main/core/cloud/mirror/manifest';
import { restoreVault } from '../../../main/core/cloud/mirror/restore';
import { syncToTarget } from '../../../main/core/cloud/mirror/sync';
import { KeepsakeError } from '../../../common/errors';
import type { FaultKind } from '../../support/fault-proxy';
import { wrapTarget } from '../../reliability/harness/wrap-target';
import { startRig, type TargetRig } from './helpers';
import { fastRetry, makeVault, tempDir } from './mirror-helpers';
import { syntheticVault, type SyntheticVault } from './synthetic-source';

let rig: TargetRig | null = null;
let sv: SyntheticVault | null = null;
afterEach(async () => {
  sv?.close();
  await rig?.close();
  sv = null;
  rig = null;
});

const sync = (v: SyntheticVault, r: TargetRig) => syncToTarget(v.source, { targetId: v.targetId, target: r.target, store: v.store, retry: fastRetry });
const gc = (v: SyntheticVault, r: TargetRig, safetyMarginMs = 0) => collectGarbage({ targetId: v.targetId, target: r.target, store: v.store, vaultId: v.source.vaultId, cloudKey: v.source.cloudKey, safetyMarginMs, retry: fastRetry });

function dropLocalPacks(v: SyntheticVault, n: number): string[] {
  const gone = v.packIds.splice(0, n);
  for (const id of gone) rmSync(join(v.source.packsDir, id.slice(0, 2), `${id}.pack`));
  return gone;
}

describe('GC', () => {
  it('removes packs no manifest needs, keeps the previous copy restorable until the next sync, and honours the safety margin', async () => {
    rig = await startRig('s3');
    sv = syntheticVault(12);
    await sync(sv, rig);
    const gone = dropLocalPacks(sv, 3);
    await sync(sv, rig);
    // The previous manifest still names the dropped packs: nothing of them may go yet.
    const keys = deriveCloudKeys(sv.source.cloudKey);
    const first = await gc(sv, rig);
    for (const id of gone) expect(await rig.target.head(objectName(keys, `pack/${id}`))).not.toBeNull();
    expect(first.deleted).toBe(0);
    await sync(sv, rig);
    const young = await gc(sv, rig, 3600_000);
    expect(young.deleted).toBe(0);
    expect(young.tooYoung).toBeGreaterThanOrEqual(3);
    const report = await gc(sv, rig);
    expect(report.deleted).toBeGreaterThanOrEqual(3);
    for (const id of gone) expect(await rig.target.head(objectName(keys, `pack/${id}`))).toBeNull();
    for (const id of sv.packIds) expect(await rig.target.head(objectName(keys, `pack/${id}`))).not.toBeNull();
  });

  it('never collects a target that has no manifest, and never touches objects that are not Keepsake\u2019s', async () => {
    rig = await startRig('folder');
    sv = syntheticVault(2);
    mkdirIn(rig.directory, 'ab', 'abcdef-not-ours.txt');
    expect((await gc(sv, rig)).deleted).toBe(0);
    await sync(sv, rig);
    await sync(sv, rig);
    await gc(sv, rig);
    expect(readdirSync(join(rig.directory, 'ab'))).toContain('abcdef-not-ours.txt');
  });

  describe.each(['s3', 'webdav'] as const)('LIST faults during GC delete nothing: %s', (kind) => {
    it.each<FaultKind>(['list-error', 'list-short', 'list-bad-truncation'])('%s', async (fault) => {
      rig = await startRig(kind, { proxy: { seed: 11, toxicity: 0 }, listPageSize: 4 });
      sv = syntheticVault(10);
      await sync(sv, rig);
      dropLocalPacks(sv, 4);
      await sync(sv, rig);
      await sync(sv, rig);
      const before = (await rig.target.list()).map((o) => o.name).sort();
      // Only listings are damaged: PROPFIND of the root or a fan-out folder, or a bucket GET.
      rig.proxy?.set({ toxicity: 1, faults: [fault], match: ({ method, url }) => (method === 'PROPFIND' && /^\/([0-9a-f]{2}\/?)?$/.test(url)) || (method === 'GET' && !/\/[0-9a-f]{64}(\?|$)/.test(url)) });
      const outcome = await gc(sv, rig).catch((e: Error) => e);
      rig.proxy?.set({ toxicity: 0 });
      const after = (await rig.target.list()).map((o) => o.name).sort();
      if (fault === 'list-short' && !(outcome instanceof Error)) {
        // A final page cut short the same way in both reads cannot be told from the end of
        // the listing; then only objects no manifest needs may have gone, never one it needs.
        const keys = deriveCloudKeys(sv.source.cloudKey);
        for (const id of sv.packIds) expect(after).toContain(objectName(keys, `pack/${id}`));
      } else {
        expect(outcome).toBeInstanceOf(Error);
        expect((outcome as Error).message).toMatch(/Nothing was deleted/);
        expect(after).toEqual(before);
      }
      // Backup still works after the failed clean-up.
      await sync(sv, rig);
    });
  });
});

describe('rollback and swap detection', () => {
  it('refuses a target rolled back to an older copy, for sync and for GC', async () => {
    rig = await startRig('folder');
    sv = syntheticVault(4);
    await sync(sv, rig);
    const saved = tempDir('saved-target');
    cpSync(rig.directory, saved, { recursive: true });
    sv.addPacks(2);
    await sync(sv, rig);
    await sync(sv, rig);
    rmSync(rig.directory, { recursive: true, force: true });
    cpSync(saved, rig.directory, { recursive: true });
    rmSync(saved, { recursive: true, force: true });
    await expect(sync(sv, rig)).rejects.toMatchObject({ code: 'CORRUPT', details: { rollback: true, remote: 1, highestSeen: 3 } });
    await expect(gc(sv, rig)).rejects.toMatchObject({ code: 'CORRUPT' });
  });

  it('re-reads a manifest served stale for a moment (eventual consistency) instead of calling it a rollback', async () => {
    rig = await startRig('folder');
    sv = syntheticVault(4);
    await sync(sv, rig); // counter 1, in slot b
    sv.addPacks(1);
    await sync(sv, rig); // counter 2, in slot a: this computer has now seen 2
    const names = manifestNames(deriveCloudKeys(Buffer.from(sv.source.cloudKey)));
    const real = rig.target;
    let staleReads = 0;
    // As a store that has not caught up yet: slot a (the newest) reads as missing twice,
    // so only the older copy in slot b is seen — then the store catches up.
    const lagging = wrapTarget(real, {
      get: (name, range, signal) => {
        if (name === names.a && staleReads < 2) {
          staleReads++;
          return Promise.reject(new KeepsakeError('NOT_FOUND', 'not there yet'));
        }
        return real.get(name, range, signal);
      },
    });
    sv.addPacks(1);
    const report = await syncToTarget(sv.source, { targetId: sv.targetId, target: lagging, store: sv.store, retry: fastRetry });
    expect(staleReads).toBe(2);
    expect(report.counter).toBe(3);
    expect((await readRemoteManifests(real, deriveCloudKeys(Buffer.from(sv.source.cloudKey)), sv.source.vaultId)).newest?.counter).toBe(3);
  });

  it('refuses a target that holds another vault', async () => {
    rig = await startRig('folder');
    sv = syntheticVault(2);
    await sync(sv, rig);
    const other = syntheticVault(2);
    try {
      await expect(syncToTarget(other.source, { targetId: other.targetId, target: rig.target, store: other.store, retry: fastRetry })).rejects.toMatchObject({ code: 'CONFLICT', details: { foreignVault: true } });
    } finally {
      other.close();
    }
  });

  it('detects two swapped packs on restore and names the damage', async () => {
    rig = await startRig('folder');
    const tv = await makeVault(['contacts', 'calendar']);
    const fresh = tempDir('swap-restore');
    try {
      const targetId = tv.store.add({ kind: 'folder', path: rig.directory }, {}).id;
      await syncToTarget(tv.source, { targetId, target: rig.target, store: tv.store, retry: fastRetry });
      const keys = deriveCloudKeys(tv.source.cloudKey);
      const { newest } = await readRemoteManifests(rig.target, keys, tv.source.vaultId);
      const packs = newest?.packs ?? [];
      expect(packs.length).toBeGreaterThanOrEqual(2);
      const [a, b] = [packs[0]!, packs[1]!];
      const pa = join(rig.directory, a.name.slice(0, 2), a.name);
      const pb = join(rig.directory, b.name.slice(0, 2), b.name);
      renameSync(pa, `${pa}.x`);
      renameSync(pb, pa);
      renameSync(`${pa}.x`, pb);
      await expect(restoreVault(fresh, rig.reopen(), tv.recoveryKey, { retry: { ...fastRetry, attempts: 2 }, fastKdfForTests: true })).rejects.toThrow(/does not match the manifest|could not be downloaded intact/);
      expect(readdirSync(fresh)).toEqual([]);
    } finally {
      tv.close();
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('detects a manifest replayed into the other slot', async () => {
    rig = await startRig('folder');
    sv = syntheticVault(2);
    await sync(sv, rig); // counter 1 → slot b
    await sync(sv, rig); // counter 2 → slot a
    const keys = deriveCloudKeys(sv.source.cloudKey);
    const slotA = objectName(keys, 'manifest/a');
    const slotB = objectName(keys, 'manifest/b');
    // Put the old manifest (slot b) into slot a's place: it must not open there.
    writeFileSync(join(rig.directory, slotA.slice(0, 2), slotA), readFileSync(join(rig.directory, slotB.slice(0, 2), slotB)));
    const { newest } = await readRemoteManifests(rig.target, keys, sv.source.vaultId);
    expect(newest?.counter).toBe(1);
    // …and this computer has seen counter 2, so syncing is refused as a rollback.
    await expect(sync(sv, rig)).rejects.toMatchObject({ code: 'CORRUPT' });
  });
});

function mkdirIn(root: string, dir: string, file: string): void {
  mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, dir, file), 'a file the user keeps here');
}
