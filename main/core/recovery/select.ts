// Which vault items a recovery carries: the source (everything, one device, one snapshot,
// or the vault as it was at a date), the chosen categories and date range. Erased items
// never come back: an item whose fingerprint is tombstoned is left out and counted. Legal
// holds do not matter here (they stop erasure, never a restore). Items come back in a
// stable order (category, time, id) so a rerun writes the same bytes.
import type { RecoveryCategory, RecoveryPlan } from '../../../common/contract/recovery';
import { RecoveryCategory as Categories } from '../../../common/contract/recovery';
import { KeepsakeError } from '../../../common/errors';
import { all, get, sql, type Db, type SqlQuery } from '../vault/sql';

export interface SelectedItem {
  id: string;
  category: RecoveryCategory;
  occurredAt: number | null;
  lat: number | null;
  lon: number | null;
  bytes: number;
}

export interface Selection {
  items: SelectedItem[];
  erasedLeftOut: number;
}

interface Row {
  id: string;
  category: RecoveryCategory;
  occurred_at: number | null;
  lat: number | null;
  lon: number | null;
  bytes: number | null;
  tomb: number;
}

export function selectItems(db: Db, plan: Pick<RecoveryPlan, 'source' | 'categories' | 'from' | 'to'>): Selection {
  const cats = new Set<string>(plan.categories ?? Categories.options);
  const src = plan.source;
  if (src.kind === 'snapshot' && !get(db, sql`SELECT 1 AS x FROM snapshots WHERE id = ${src.snapshotId}`)) throw new KeepsakeError('NOT_FOUND', 'There is no such snapshot.');
  if (src.kind === 'device' && !get(db, sql`SELECT 1 AS x FROM devices WHERE id = ${src.deviceId}`)) throw new KeepsakeError('NOT_FOUND', 'There is no such device.');
  return filterRows(db, plan, cats);
}

function filterRows(db: Db, plan: Pick<RecoveryPlan, 'source' | 'from' | 'to'>, cats: Set<string>): Selection {
  const src = plan.source;
  const base = `SELECT i.id, i.category, i.occurred_at, i.lat, i.lon,
      (SELECT coalesce(sum(size), 0) FROM files f WHERE f.item_id = i.id AND f.version = i.version) AS bytes,
      EXISTS (SELECT 1 FROM tombstones t WHERE t.fingerprint = i.fingerprint) AS tomb
    FROM items i`;
  const q: SqlQuery =
    src.kind === 'everything'
      ? { text: base, params: [] }
      : src.kind === 'device'
        ? { text: `${base} WHERE i.device_id = ? OR i.id IN (SELECT item_id FROM item_sources WHERE device_id = ?)`, params: [src.deviceId, src.deviceId] }
        : src.kind === 'snapshot'
          ? { text: `${base} WHERE i.id IN (SELECT item_id FROM snapshot_items WHERE snapshot_id = ?)`, params: [src.snapshotId] }
          : { text: `${base} WHERE i.created_at <= ?`, params: [src.at] };
  const items: SelectedItem[] = [];
  let erasedLeftOut = 0;
  for (const r of all<Row>(db, q)) {
    if (!cats.has(r.category)) continue;
    if (r.occurred_at !== null && ((plan.from !== undefined && r.occurred_at < plan.from) || (plan.to !== undefined && r.occurred_at > plan.to))) continue;
    if (r.tomb) {
      erasedLeftOut++;
      continue;
    }
    items.push({ id: r.id, category: r.category, occurredAt: r.occurred_at, lat: r.lat, lon: r.lon, bytes: r.bytes ?? 0 });
  }
  items.sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : (a.occurredAt ?? 0) - (b.occurredAt ?? 0) || (a.id < b.id ? -1 : 1)));
  return { items, erasedLeftOut };
}
