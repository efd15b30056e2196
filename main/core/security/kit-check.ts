// When the Emergency Kit was last proven to open the vault (a drill in Settings). The
// dashboard asks people to test a kit that never was; making a new recovery key resets it.
import { get, run, sql, type Db } from '../vault/sql';

const KEY = 'kit_verified_at';

export function recordKitVerified(db: Db, at: number): void {
  run(db, sql`INSERT INTO meta (key, value) VALUES (${KEY}, ${String(at)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
}

export function clearKitVerified(db: Db): void {
  run(db, sql`DELETE FROM meta WHERE key = ${KEY}`);
}

export function kitVerifiedAt(db: Db): number | null {
  const r = get<{ value: string }>(db, sql`SELECT value FROM meta WHERE key = ${KEY}`);
  return r ? Number(r.value) : null;
}
