// RELIABILITY row 18, remote half: one pack object disappears from the cloud target (the
// provider lost it, or someone deleted it). A restore from that target refuses with an
// error naming what is missing instead of restoring a vault with holes; the next sync
// notices the object is gone (it lists the target, it does not trust its own records) and
// uploads it again from the local copy; after that a wiped computer restores every item
// byte for byte. Folder target and s3rver.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isKeepsakeError } from '../../common/errors';
import { CloudStore } from '../../main/core/cloud/mirror/cloud-store';
import { deriveCloudKeys, objectName } from '../../main/core/cloud/mirror/cloud-crypto';
import { restoreVault } from '../../main/core/cloud/mirror/restore';
import { mirrorSourceOf } from '../../main/core/cloud/mirror/source';
import { syncToTarget } from '../../main/core/cloud/mirror/sync';
import { listLocalPacks } from '../../main/core/cloud/mirror/local-packs';
import { Vault } from '../../main/core/vault/vault';
import { startRig } from '../unit/cloud/helpers';
import { fastRetry } from '../unit/cloud/mirror-helpers';
import { readItem } from './harness/operations';
import { contentFor, CRASH_PASS, crashItem } from './vault-crash-fixture';

const dir = mkdtempSync(join(tmpdir(), 'ks-disappear-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(['folder', 's3'] as const)('a pack disappears from the %s target', (kind) => {
  it('restore refuses naming it; the next sync re-uploads it; then restore is whole', async () => {
    const rig = await startRig(kind);
    const home = join(dir, `${kind}-home`);
    const { vault, recoveryKey } = await Vault.create(home, CRASH_PASS, { fastKdfForTests: true });
    const keys = Array.from({ length: 30 }, (_, i) => `gone-${kind}-${i}`);
    try {
      await vault.putItems(keys.map(crashItem));
      const store = new CloudStore(vault.indexDb);
      const targetId = store.add({ kind: 'folder', path: '/row-18' }, {}).id;
      const source = mirrorSourceOf(vault);
      await syncToTarget(source, { targetId, target: rig.target, store, retry: fastRetry });

      const packs = await listLocalPacks(source.packsDir);
      const victim = objectName(deriveCloudKeys(source.cloudKey), `pack/${packs[0]!.id}`);
      await rig.target.delete(victim);

      const broken = join(dir, `${kind}-broken`);
      const err = await restoreVault(broken, rig.reopen(), recoveryKey, { fastKdfForTests: true, retry: fastRetry }).then(() => null, (e: unknown) => e);
      expect(isKeepsakeError(err), String(err)).toBe(true);
      expect((err as Error).message).toContain(packs[0]!.id.slice(0, 16));

      const healed = await syncToTarget(source, { targetId, target: rig.target, store, retry: fastRetry });
      expect(healed.packs.uploaded).toBe(1);
    } finally {
      vault.close();
    }
    const fresh = join(dir, `${kind}-restored`);
    try {
      const report = await restoreVault(fresh, rig.reopen(), recoveryKey, { fastKdfForTests: true, retry: fastRetry });
      expect(report.check?.ok).toBe(true);
      const restored = await Vault.open(fresh, { recoveryKey }, { fastKdfForTests: true });
      try {
        const items = restored.listItems({ limit: 100 });
        expect(items.map((s) => s.title).sort()).toEqual([...keys].sort());
        for (const s of items) expect((await readItem(restored, s.id)).equals(contentFor(s.title))).toBe(true);
      } finally {
        restored.close();
      }
    } finally {
      await rig.close();
    }
  });
});
