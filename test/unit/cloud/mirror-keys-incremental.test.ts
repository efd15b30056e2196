// Two properties of the cloud copy over time: after the recovery key is rotated and the
// vault synced, the old key opens nothing in the cloud any more and the new one restores
// everything (RELIABILITY row 42); and an unchanged vault re-syncs only the few index
// segments whose pages changed, never the whole index.
import { rmSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { restoreVault } from '../../../main/core/cloud/mirror/restore';
import { syncToTarget } from '../../../main/core/cloud/mirror/sync';
import { rotateRecoveryKey } from '../../../main/core/vault/keys/slot-admin';
import { startRig, type TargetRig } from './helpers';
import { fastRetry, makeVault, tempDir, type TestVault } from './mirror-helpers';

let rig: TargetRig | null = null;
let tv: TestVault | null = null;
const dirs: string[] = [];
afterEach(async () => {
  tv?.close();
  await rig?.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  tv = null;
  rig = null;
});

it('after a recovery-key rotation and a sync, the old key opens nothing and the new key restores the vault', async () => {
  rig = await startRig('folder');
  tv = await makeVault(['contacts']);
  const targetId = tv.store.add({ kind: 'folder', path: rig.directory }, {}).id;
  await syncToTarget(tv.source, { targetId, target: rig.target, store: tv.store, retry: fastRetry });
  const oldKey = tv.recoveryKey;
  const { recoveryKey: newKey } = await rotateRecoveryKey(tv.vault.layout, tv.vault.masterKey);
  const report = await syncToTarget(tv.source, { targetId, target: rig.target, store: tv.store, retry: fastRetry });
  expect(report.keySlotsUploaded).toBe(true);

  const a = tempDir('rotated-old');
  dirs.push(a);
  await expect(restoreVault(a, rig.reopen(), oldKey, { retry: fastRetry, fastKdfForTests: true })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
  const b = tempDir('rotated-new');
  dirs.push(b);
  const ok = await restoreVault(b, rig.reopen(), newKey, { retry: fastRetry, fastKdfForTests: true });
  expect(ok.check?.ok).toBe(true);
});

it('re-syncs only the index segments that changed', async () => {
  rig = await startRig('folder');
  tv = await makeVault(['contacts', 'calendar']);
  const targetId = tv.store.add({ kind: 'folder', path: rig.directory }, {}).id;
  const opts = { targetId, target: rig.target, store: tv.store, retry: fastRetry, segmentBytes: 4096 };
  const first = await syncToTarget(tv.source, opts);
  // Identical segments (free pages) are one object: the first sync uploads each distinct one.
  expect(first.segments.uploaded).toBeGreaterThan(first.segments.total / 2);
  expect(first.segments.total).toBeGreaterThan(20);
  const second = await syncToTarget(tv.source, opts);
  expect(second.packs.uploaded).toBe(0);
  expect(second.segments.uploaded).toBeGreaterThan(0); // the cloud tables themselves changed
  expect(second.segments.uploaded).toBeLessThan(first.segments.uploaded / 4);
});
