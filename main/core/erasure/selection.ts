// Turns a selection (picked items, a search, a category, a device, a date range) into the
// ids of the items it covers, and a plain-words description for the receipt.
import { categoryLabels } from '../../../common/domain';
import type { Selection } from '../../../common/contract/erasure';
import { all, sql } from '../vault/sql';
import type { Vault } from '../vault/vault';

const DAY = 86_400_000;
const MAX_QUERY_HITS = 100_000;

export function resolveSelection(vault: Vault, s: Selection, now: number): { ids: string[]; scope: string } {
  const db = vault.indexDb;
  if ('itemIds' in s) return { ids: [...new Set(s.itemIds)], scope: `${s.itemIds.length} chosen item${s.itemIds.length === 1 ? '' : 's'}` };
  if ('query' in s) {
    const hits = vault.search(s.query, { limit: MAX_QUERY_HITS, ...(s.category ? { category: s.category } : {}) });
    return { ids: hits.map((h) => h.id), scope: `items matching “${s.query}”${s.category ? ` in ${categoryLabels[s.category]}` : ''}` };
  }
  if ('childDevices' in s) {
    const ids = all<{ id: string }>(db, sql`SELECT i.id FROM items i JOIN device_pairings d ON d.device_id = i.device_id WHERE d.child = 1`).map((r) => r.id);
    return { ids, scope: "everything from the children's devices" };
  }
  if ('deviceId' in s) {
    const ids = all<{ id: string }>(db, sql`SELECT id FROM items WHERE device_id = ${s.deviceId}`).map((r) => r.id);
    return { ids, scope: `everything from device ${s.deviceId}` };
  }
  if ('from' in s) {
    const rows = s.category
      ? all<{ id: string }>(db, sql`SELECT id FROM items WHERE category = ${s.category} AND occurred_at >= ${s.from} AND occurred_at < ${s.to}`)
      : all<{ id: string }>(db, sql`SELECT id FROM items WHERE occurred_at >= ${s.from} AND occurred_at < ${s.to}`);
    const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
    return { ids: rows.map((r) => r.id), scope: `${s.category ? categoryLabels[s.category] : 'everything'} from ${day(s.from)} to ${day(s.to)}` };
  }
  if (s.olderThanDays) {
    const cutoff = now - s.olderThanDays * DAY;
    const ids = all<{ id: string }>(db, sql`SELECT id FROM items WHERE category = ${s.category} AND occurred_at < ${cutoff}`).map((r) => r.id);
    return { ids, scope: `${categoryLabels[s.category]} older than ${s.olderThanDays} days` };
  }
  const ids = all<{ id: string }>(db, sql`SELECT id FROM items WHERE category = ${s.category}`).map((r) => r.id);
  return { ids, scope: `all ${categoryLabels[s.category].toLowerCase()}` };
}
