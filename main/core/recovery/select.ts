// Which vault items a recovery carries: the source (everything, one device, one snapshot,
// or the vault as it was at a date), the chosen categories and date range. Erased items
// never come back: an item whose fingerprint is tombstoned is left out and counted. Legal
// holds do not matter here (they stop erasure, never a restore). Items come back in a
// stable order (category, time — no time counts as 0 —, id) so a rerun writes the same bytes.
//
// A large vault is never held as one array: `countSelection` answers with COUNT queries
// and `eachSelected` reads one category page by page (keyset paging on the index
// items(category, occurred_at), so each page costs the same however far in it is).
import type { RecoveryCategory, RecoveryPlan } from '../../../common/contract/recovery';
import { RecoveryCategory as Categories } from '../../../common/contract/recovery';
import { KeepsakeError } from '../../../common/errors';
import { all, get, sql, type Db, type SqlValue } from '../vault/sql';

export interface SelectedItem {
  id: string;
  category: RecoveryCategory;
  occurredAt: number | null;
  lat: number | null;
  lon: number | null;
  bytes: number;
}

export type SelectPlan = Pick<RecoveryPlan, 'source' | 'categories' | 'from' | 'to'>;

/** Items read per page: small enough to stay flat in memory, large enough for few queries. */
export const PAGE = 500;

interface Row {
  id: string;
  category: RecoveryCategory;
  occurred_at: number | null;
  lat: number | null;
  lon: number | null;
  bytes: number | null;
}

interface Where {
  text: string;
  params: SqlValue[];
}

/** Refuses a source that does not exist; the categories the plan selects, in contract order. */
export function checkPlan(db: Db, plan: SelectPlan): RecoveryCategory[] {
  const src = plan.source;
  if (src.kind === 'snapshot' && !get(db, sql`SELECT 1 AS x FROM snapshots WHERE id = ${src.snapshotId}`)) throw new KeepsakeError('NOT_FOUND', 'There is no such snapshot.');
  if (src.kind === 'device' && !get(db, sql`SELECT 1 AS x FROM devices WHERE id = ${src.deviceId}`)) throw new KeepsakeError('NOT_FOUND', 'There is no such device.');
  const cats = new Set<string>(plan.categories ?? Categories.options);
  return Categories.options.filter((c) => cats.has(c));
}

/** The plan's filters for one category (source and date range), without the tombstone test. */
function filters(plan: SelectPlan, category: RecoveryCategory): Where {
  const parts = ['i.category = ?'];
  const params: SqlValue[] = [category];
  const src = plan.source;
  if (src.kind === 'device') {
    parts.push('(i.device_id = ? OR EXISTS (SELECT 1 FROM item_sources s WHERE s.item_id = i.id AND s.device_id = ?))');
    params.push(src.deviceId, src.deviceId);
  } else if (src.kind === 'snapshot') {
    parts.push('EXISTS (SELECT 1 FROM snapshot_items si WHERE si.item_id = i.id AND si.snapshot_id = ?)');
    params.push(src.snapshotId);
  } else if (src.kind === 'date') {
    parts.push('i.created_at <= ?');
    params.push(src.at);
  }
  if (plan.from !== undefined) {
    parts.push('(i.occurred_at IS NULL OR i.occurred_at >= ?)');
    params.push(plan.from);
  }
  if (plan.to !== undefined) {
    parts.push('(i.occurred_at IS NULL OR i.occurred_at <= ?)');
    params.push(plan.to);
  }
  return { text: parts.join(' AND '), params };
}

const TOMB = 'EXISTS (SELECT 1 FROM tombstones t WHERE t.fingerprint = i.fingerprint)';

/** How many items of each selected category will be restored, and how many erased ones are left out. */
export function countSelection(db: Db, plan: SelectPlan): { counts: Map<RecoveryCategory, number>; erasedLeftOut: number } {
  const counts = new Map<RecoveryCategory, number>();
  let erasedLeftOut = 0;
  for (const c of checkPlan(db, plan)) {
    const w = filters(plan, c);
    const r = get<{ n: number; erased: number }>(db, { text: `SELECT count(*) AS n, coalesce(sum(${TOMB}), 0) AS erased FROM items i WHERE ${w.text}`, params: w.params })!;
    if (r.n - r.erased > 0) counts.set(c, r.n - r.erased);
    erasedLeftOut += r.erased;
  }
  return { counts, erasedLeftOut };
}

const COLUMNS = `i.id, i.category, i.occurred_at, i.lat, i.lon,
  (SELECT coalesce(sum(size), 0) FROM files f WHERE f.item_id = i.id AND f.version = i.version) AS bytes`;

/**
 * The selected items of one category in restore order, one page at a time. Three stretches
 * so the index orders each: times before 1970, then no time or time 0 (by id), then later
 * times — the order (coalesce(occurred_at, 0), id).
 */
export function* eachSelected(db: Db, plan: SelectPlan, category: RecoveryCategory, pageSize = PAGE): Generator<SelectedItem[]> {
  const w = filters(plan, category);
  const base = `SELECT ${COLUMNS} FROM items i WHERE ${w.text} AND NOT ${TOMB}`;
  const page = (extra: string, params: SqlValue[], order: string): Row[] =>
    all<Row>(db, { text: `${base} AND ${extra} ORDER BY ${order} LIMIT ${pageSize}`, params: [...w.params, ...params] });
  // `first` starts the stretch; a later page starts at the last time seen, with `bound` as
  // the only other limit, so the index seeks straight to it (a constant like `> 0` beside
  // it would make SQLite walk the index from the stretch's start on every page).
  const timed = function* (first: string, bound: string): Generator<Row[]> {
    let rows = page(first, [], 'i.occurred_at, i.id');
    while (rows.length) {
      yield rows;
      const last = rows[rows.length - 1]!;
      rows = page(`${bound}i.occurred_at >= ? AND (i.occurred_at > ? OR i.id > ?)`, [last.occurred_at, last.occurred_at, last.id], 'i.occurred_at, i.id');
    }
  };
  const untimed = function* (): Generator<Row[]> {
    const none = '(i.occurred_at IS NULL OR i.occurred_at = 0)';
    let rows = page(none, [], 'i.id');
    while (rows.length) {
      yield rows;
      rows = page(`${none} AND i.id > ?`, [rows[rows.length - 1]!.id], 'i.id');
    }
  };
  for (const stretch of [timed('i.occurred_at < 0', 'i.occurred_at < 0 AND '), untimed(), timed('i.occurred_at > 0', '')]) {
    for (const rows of stretch) yield rows.map(toSelected);
  }
}

function toSelected(r: Row): SelectedItem {
  return { id: r.id, category: r.category, occurredAt: r.occurred_at, lat: r.lat, lon: r.lon, bytes: r.bytes ?? 0 };
}
