// Erasure in the cloud: every target gets a fresh mirror of the vault as it is now (new
// index without the erased items, packs rewritten by compaction), then a clean-up that
// deletes every object the new manifest does not need — old packs that held the items'
// chunks and old index segments that held their wrapped keys — all versions, only after
// two listings agree. A target that cannot be reached, or whose old objects are too young
// to delete safely, is reported as pending: its copy stays encrypted under keys that no
// longer exist anywhere, and the next sync finishes the job.
import { isKeepsakeError } from '../../../common/errors';
import type { Core } from '../core';
import { cloudStore } from '../cloud/service';
import { collectGarbage } from '../cloud/mirror/gc';
import { syncToTarget } from '../cloud/mirror/sync';
import { mirrorSourceOf } from '../cloud/mirror/source';
import { buildTarget } from '../cloud/target-config';
import type { LocationOutcome } from '../privacy/receipts';
import type { Vault } from '../vault/vault';

/** Erasure may delete unreferenced objects at once: this vault is the only writer of its target. */
const ERASE_SAFETY_MARGIN_MS = 0;

export async function eraseFromCloud(core: Core, vault: Vault, items: number): Promise<LocationOutcome[]> {
  const store = cloudStore(vault, () => core.clock.now());
  const outcomes: LocationOutcome[] = [];
  for (const r of store.list()) {
    const built = buildTarget(r.settings, store.secrets(r.id), r.bandwidthBps);
    const source = mirrorSourceOf(vault);
    try {
      await syncToTarget(source, { targetId: r.id, target: built.target, store, log: core.log, now: () => core.clock.now() });
      const gc = await collectGarbage({ targetId: r.id, target: built.target, store, vaultId: vault.id, cloudKey: source.cloudKey, afterWrites: (fn) => vault.afterWrites(fn), safetyMarginMs: ERASE_SAFETY_MARGIN_MS, log: core.log, now: () => core.clock.now() });
      outcomes.push(
        gc.tooYoung > 0
          ? { location: r.label, kind: 'cloud', outcome: 'pending', items, detail: `${gc.tooYoung} old object(s) could not be deleted safely yet; the next sync removes them. They are encrypted under keys that no longer exist.` }
          : { location: r.label, kind: 'cloud', outcome: 'erased', items, detail: `${gc.deleted} object(s) deleted (every version), checked by listing.` },
      );
    } catch (e) {
      outcomes.push({
        location: r.label,
        kind: 'cloud',
        outcome: 'pending',
        items,
        detail: `Could not be reached (${isKeepsakeError(e) ? e.message : 'unexpected error'}); the next sync completes the erasure. What is stored there is encrypted under keys that no longer exist.`,
      });
    } finally {
      source.cloudKey.fill(0);
      await built.target.close();
      core.events.emit('cloud.changed', { id: r.id });
    }
  }
  return outcomes;
}
