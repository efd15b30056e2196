// Disaster recovery end to end, for every kind of target on real servers on 127.0.0.1:
// back up phone-like fixtures into a vault, sync it, wipe the data folder, restore from
// the target with only the recovery key, run check --read-data, restore the files and
// compare every byte with the originals. Also: what the provider can see, incremental
// syncs, wrong recovery key, and an empty target.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreVault } from '../../../main/core/cloud/mirror/restore';
import { syncToTarget } from '../../../main/core/cloud/mirror/sync';
import { Vault } from '../../../main/core/vault/vault';
import { ALL_KINDS, startRig, type TargetRig } from './helpers';
import { FIXTURE_DIRS, FIXTURES, fastRetry, makeVault, tempDir, treeHashes, type TestVault } from './mirror-helpers';

describe.each(ALL_KINDS)('mirror and disaster recovery: %s', (kind) => {
  let rig: TargetRig;
  let tv: TestVault;
  let targetId: string;
  beforeAll(async () => {
    rig = await startRig(kind);
    tv = await makeVault();
    targetId = tv.store.add({ kind: 'folder', path: '/unused-in-test' }, {}).id;
  });
  afterAll(async () => {
    tv?.close();
    await rig?.close();
  });

  it('uploads only ciphertext under names that reveal nothing, and a second sync uploads nothing new', async () => {
    const first = await syncToTarget(tv.source, { targetId, target: rig.target, store: tv.store, retry: fastRetry });
    expect(first.counter).toBe(1);
    expect(first.packs.uploaded).toBeGreaterThan(0);
    expect(first.packs.uploaded).toBe(first.packs.total);
    const listed = await rig.target.list();
    for (const o of listed) expect(o.name).toMatch(/^[0-9a-f]{64}$/);
    // No plaintext of a fixture reaches the provider: look for a line of a vCard.
    const canary = Buffer.from('BEGIN:VCARD');
    for (const o of listed) expect((await rig.target.get(o.name)).includes(canary)).toBe(false);

    const second = await syncToTarget(tv.source, { targetId, target: rig.target, store: tv.store, retry: fastRetry });
    expect(second.counter).toBe(2);
    expect(second.packs.uploaded).toBe(0);
    // The index changed only in the cloud tables' few pages: not every segment went up again.
    expect(second.segments.uploaded).toBeLessThanOrEqual(second.segments.total);
    const health = tv.store.get(targetId).health;
    expect(health.lastSuccessAt).not.toBeNull();
    expect(health.bytesUp).toBeGreaterThan(0);
  });

  it('restores a wiped computer from the target with only the recovery key, byte for byte', async () => {
    const fresh = tempDir('restored');
    try {
      const report = await restoreVault(fresh, rig.reopen(), tv.recoveryKey, { retry: fastRetry, fastKdfForTests: true });
      expect(report.check?.ok).toBe(true);
      expect(report.check?.readData).toBe(true);
      const vault = await Vault.open(fresh, { recoveryKey: tv.recoveryKey }, { fastKdfForTests: true });
      try {
        for (const [i, d] of FIXTURE_DIRS.entries()) {
          const out = join(fresh, `out-${d}`);
          await vault.restoreSnapshot(i + 1, out);
          expect(treeHashes(out)).toEqual(treeHashes(join(FIXTURES, d)));
        }
      } finally {
        vault.close();
      }
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('refuses a wrong recovery key and leaves the data folder empty', async () => {
    const fresh = tempDir('wrongkey');
    try {
      const other = await makeVault([]);
      const wrongKey = other.recoveryKey;
      other.close();
      await expect(restoreVault(fresh, rig.reopen(), wrongKey, { retry: fastRetry, fastKdfForTests: true })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
      expect(readdirSync(fresh)).toEqual([]);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe('restore from a target with no vault', () => {
  it('says there is nothing there (NOT_FOUND), distinct from a failure', async () => {
    const rig = await startRig('folder');
    const fresh = tempDir('empty');
    try {
      const tv = await makeVault([]);
      await expect(restoreVault(fresh, rig.target, tv.recoveryKey, { retry: fastRetry, fastKdfForTests: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      tv.close();
    } finally {
      rmSync(fresh, { recursive: true, force: true });
      await rig.close();
    }
  });
});

// Keep the fixture list honest: the folders exist and are not empty.
it('uses real fixture folders', () => {
  for (const d of FIXTURE_DIRS) expect(readdirSync(join(FIXTURES, d)).length).toBeGreaterThan(0);
  expect(readFileSync(join(FIXTURES, 'README.md')).length).toBeGreaterThan(0);
});
