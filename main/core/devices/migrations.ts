// The devices area's schema migrations (0600–0690) and their runner. [Note: Devices schema]
// They live in the vault index but are tracked by their own counter (meta
// 'devices_schema'), not PRAGMA user_version: bumping user_version past the vault's own
// latest migration would make the vault refuse its index as "from a newer version".
// Every statement is IF NOT EXISTS, so adding these to the vault's allMigrations() later
// is harmless too.
import { KeepsakeError } from '../../../common/errors';
import { get, run, sql, type Db } from '../vault/sql';
import { devicePairings } from '../vault/migrations/0600-device-pairings';
import { pairingAttempts } from '../vault/migrations/0610-pairing-attempts';
import { deviceSync } from '../vault/migrations/0620-device-sync';
import { locationDrops } from '../vault/migrations/0630-location-drops';
import { restoreOffers } from '../vault/migrations/0640-restore-offers';
import type { Migration } from '../vault/migrations/migration';

export const deviceMigrations: Migration[] = [devicePairings, pairingAttempts, deviceSync, locationDrops, restoreOffers];

const KEY = 'devices_schema';

/** Applies the devices migrations newer than the recorded devices schema version. */
export function ensureDeviceSchema(db: Db, migrations: Migration[] = deviceMigrations): number {
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
  const current = Number(get<{ value: string }>(db, sql`SELECT value FROM meta WHERE key = ${KEY}`)?.value ?? 0);
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  if (current > latest) {
    throw new KeepsakeError('UNSUPPORTED', `This vault's device data was written by a newer version of Keepsake (devices schema ${current}). Update Keepsake to use phones with it.`);
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      run(db, sql`INSERT INTO meta (key, value) VALUES (${KEY}, ${String(m.version)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
    })();
  }
  return Math.max(current, latest);
}
