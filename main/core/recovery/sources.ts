// What a recovery can restore from, with item counts: everything, each device that
// contributed items, each snapshot.
import type { Vault } from '../vault/vault';
import { all, get, sql } from '../vault/sql';

export function recoverySources(vault: Vault): Array<{ kind: 'everything' | 'device' | 'snapshot'; id: string; label: string; items: number }> {
  const db = vault.indexDb;
  const total = get<{ n: number }>(db, sql`SELECT count(*) AS n FROM items`)?.n ?? 0;
  const out: Array<{ kind: 'everything' | 'device' | 'snapshot'; id: string; label: string; items: number }> = [{ kind: 'everything', id: 'everything', label: 'Everything in the vault', items: total }];
  for (const d of all<{ id: string; name: string; n: number }>(db, sql`SELECT d.id, d.name, count(i.id) AS n FROM devices d JOIN items i ON i.device_id = d.id GROUP BY d.id ORDER BY d.name`)) {
    out.push({ kind: 'device', id: d.id, label: d.name, items: d.n });
  }
  for (const s of all<{ id: number; label: string; created_at: number; n: number }>(db, sql`SELECT s.id, s.label, s.created_at, count(si.item_id) AS n FROM snapshots s LEFT JOIN snapshot_items si ON si.snapshot_id = s.id GROUP BY s.id ORDER BY s.created_at DESC`)) {
    out.push({ kind: 'snapshot', id: String(s.id), label: s.label || `Snapshot of ${new Date(s.created_at).toISOString().slice(0, 10)}`, items: s.n });
  }
  return out;
}
