// Where recovery reports live: the `recoveries` table of the vault index (migration 0900).
// A device restore's report is refreshed from the delivery state when it is read.
import type { RecoveryReport } from '../../../common/contract/recovery';
import { KeepsakeError } from '../../../common/errors';
import { all, get, run, sql, type Db } from '../vault/sql';

export function saveReport(db: Db, r: RecoveryReport): void {
  run(db, sql`UPDATE recoveries SET report = ${JSON.stringify(r)}, state = ${r.state}, finished_at = ${r.finishedAt} WHERE id = ${r.id}`);
}

/** A report by recovery id or by the id of the job that ran it. */
export function loadReport(db: Db, id: string): RecoveryReport {
  const row = get<{ report: string }>(db, sql`SELECT report FROM recoveries WHERE id = ${id} OR job_id = ${id}`);
  if (!row) throw new KeepsakeError('NOT_FOUND', 'There is no such recovery.');
  return refreshDevice(db, JSON.parse(row.report) as RecoveryReport);
}

export function listReports(db: Db): RecoveryReport[] {
  return all<{ report: string }>(db, sql`SELECT report FROM recoveries ORDER BY created_at DESC`).map((r) => refreshDevice(db, JSON.parse(r.report) as RecoveryReport));
}

export function consentOf(db: Db, id: string): string | null {
  const row = get<{ consent_id: string | null }>(db, sql`SELECT consent_id FROM recoveries WHERE id = ${id} OR job_id = ${id}`);
  if (!row) throw new KeepsakeError('NOT_FOUND', 'There is no such recovery.');
  return row.consent_id;
}

/** For a phone target, "verified" is what the phone has fetched, checked by hash and acknowledged. */
function refreshDevice(db: Db, r: RecoveryReport): RecoveryReport {
  if (r.target.kind !== 'device') return r;
  const deviceId = r.target.deviceId;
  const exists = get(db, sql`SELECT 1 AS x FROM sqlite_master WHERE name = 'device_restore_offers'`);
  if (!exists) return r;
  for (const c of r.categories) {
    const delivered = new Set(all<{ path: string }>(db, sql`SELECT path FROM device_restore_offers WHERE device_id = ${deviceId} AND category = ${c.category} AND state = 'delivered'`).map((x) => x.path));
    c.verified = c.files.filter((p) => delivered.has(p)).length;
  }
  r.ok = r.state === 'finished' && r.categories.every((c) => c.verified === c.written);
  return r;
}
