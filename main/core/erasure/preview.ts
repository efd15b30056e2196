// The erase preview: what would be destroyed and every place a copy lives, before
// anything happens. Built from the same `copies` table the data map shows.
import type { ErasePreview, Selection } from '../../../common/contract/erasure';
import { categoryLabels, type Category } from '../../../common/domain';
import { countOf } from '../../../common/format';
import { all, get, sql } from '../vault/sql';
import type { Vault } from '../vault/vault';
import { cloudStore } from '../cloud/service';
import { captureCopies } from './erase';
import { LegalHolds } from './holds';
import { resolveSelection } from './selection';

const PLANS: Record<string, string> = {
  vault: 'Keys destroyed, rows scrubbed, stored chunks removed from this computer.',
  cloud: 'Objects deleted (every version) and the deletion checked by listing; what the provider keeps beyond Keepsake’s reach stays encrypted under the destroyed keys and is named on the receipt.',
  phone: 'The phone is told to delete its copy at its next sync (as its deletion setting says); until it confirms, the receipt shows it as pending.',
  export: 'Export files Keepsake wrote that are still present are deleted.',
  snapshot: 'Removed from every snapshot that lists them.',
};

export function previewErase(vault: Vault, selection: Selection, now: number): ErasePreview {
  const { ids, scope } = resolveSelection(vault, selection, now);
  const { free, held } = new LegalHolds(vault.indexDb).partition(ids);
  const counts: Record<string, number> = {};
  let bytes = 0;
  for (const id of free) {
    const r = get<{ category: string; bytes: number | null }>(
      vault.indexDb,
      sql`SELECT i.category, (SELECT sum(f.size) FROM files f WHERE f.item_id = i.id AND f.version = i.version) AS bytes FROM items i WHERE i.id = ${id}`,
    );
    if (!r) continue;
    counts[r.category] = (counts[r.category] ?? 0) + 1;
    bytes += r.bytes ?? 0;
  }
  const locations: ErasePreview['locations'] = [];
  for (const c of captureCopies(vault, free).filter((c) => c.kind !== 'cloud')) {
    const enc = get<{ encryption: string }>(vault.indexDb, sql`SELECT encryption FROM copies WHERE location_id = ${c.locationId} LIMIT 1`);
    locations.push({ name: c.name, kind: c.kind, items: c.itemIds.length, encryption: enc?.encryption ?? 'unknown', plan: PLANS[c.kind] ?? '' });
  }
  if (free.length) {
    for (const t of cloudStore(vault, () => now).list()) {
      locations.push({ name: t.label, kind: 'cloud', items: free.length, encryption: 'end-to-end encrypted (aes-256-gcm)', plan: PLANS.cloud! });
    }
  }
  const snapshotItems = free.filter((id) => all(vault.indexDb, sql`SELECT 1 AS x FROM snapshot_items WHERE snapshot_id IN (SELECT id FROM snapshots) AND item_id = ${id} LIMIT 1`).length > 0).length;
  if (snapshotItems) locations.push({ name: 'Snapshots', kind: 'snapshot', items: snapshotItems, encryption: 'aes-256-gcm/item-key', plan: PLANS.snapshot! });
  const described = Object.entries(counts)
    .map(([c, n]) => countOf(categoryLabels[c as Category], n))
    .join(', ');
  return { itemIds: free, counts, bytes, held: held.length, locations, scope: described ? `${scope} (${described})` : scope };
}
