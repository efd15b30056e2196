// Paired devices in the vault index: add (pin), look up by pinned fingerprint (the TLS
// layer asks this for every connection), options, revoke (unpair drops the pin), and the
// pairing-attempt log that drives the guessing lockout.
import { randomBytes } from 'node:crypto';
import type { Category } from '../../../common/domain';
import { all, get, run, sql, type Db } from '../vault/sql';
import type { DeviceKind } from './wire';

export interface PairedDevice {
  id: string;
  name: string;
  kind: DeviceKind;
  model: string | null;
  /** Null once unpaired. */
  pinnedFingerprint: string | null;
  pairedAt: number;
  revokedAt: number | null;
  lastSyncAt: number | null;
  child: boolean;
  deleteFollowsPhone: boolean;
  /** Categories this device may send; empty = all. */
  syncCategories: Category[];
}

interface Row {
  device_id: string;
  name: string;
  kind: string;
  model: string | null;
  pinned_fingerprint: string | null;
  paired_at: number;
  revoked_at: number | null;
  last_sync_at: number | null;
  child: number;
  delete_follows_phone: number;
  sync_categories: string;
}

function toDevice(r: Row): PairedDevice {
  return {
    id: r.device_id,
    name: r.name,
    kind: r.kind as DeviceKind,
    model: r.model,
    pinnedFingerprint: r.pinned_fingerprint,
    pairedAt: r.paired_at,
    revokedAt: r.revoked_at,
    lastSyncAt: r.last_sync_at,
    child: r.child === 1,
    deleteFollowsPhone: r.delete_follows_phone === 1,
    syncCategories: JSON.parse(r.sync_categories) as Category[],
  };
}

export type AttemptOutcome = 'paired' | 'wrong' | 'expired' | 'replayed' | 'locked' | 'none-open';

export class PairingsStore {
  constructor(private readonly db: Db) {}

  add(d: { name: string; kind: DeviceKind; model?: string | undefined; fingerprint: string; now: number }): PairedDevice {
    const id = `dev-${randomBytes(8).toString('hex')}`;
    this.db.transaction(() => {
      // A certificate pinned to a revoked device may pair again as a new device.
      run(this.db, sql`UPDATE device_pairings SET pinned_fingerprint = NULL WHERE pinned_fingerprint = ${d.fingerprint} AND revoked_at IS NOT NULL`);
      run(this.db, sql`INSERT INTO device_pairings (device_id, name, kind, model, pinned_fingerprint, paired_at) VALUES (${id}, ${d.name}, ${d.kind}, ${d.model ?? null}, ${d.fingerprint}, ${d.now})`);
      // The vault's own devices table names each item's origin device.
      const hasVaultDevices = get<{ n: number }>(this.db, sql`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'devices'`)?.n === 1;
      if (hasVaultDevices) {
        run(this.db, sql`INSERT OR IGNORE INTO devices (id, name, model, platform, created_at) VALUES (${id}, ${d.name}, ${d.model ?? null}, ${d.kind}, ${d.now})`);
      }
    })();
    return this.get(id) as PairedDevice;
  }

  get(id: string): PairedDevice | null {
    const r = get<Row>(this.db, sql`SELECT * FROM device_pairings WHERE device_id = ${id}`);
    return r ? toDevice(r) : null;
  }

  /** The live (not revoked) device pinned to this certificate fingerprint, if any. */
  byFingerprint(fingerprint: string): PairedDevice | null {
    const r = get<Row>(this.db, sql`SELECT * FROM device_pairings WHERE pinned_fingerprint = ${fingerprint} AND revoked_at IS NULL`);
    return r ? toDevice(r) : null;
  }

  list(): PairedDevice[] {
    return all<Row>(this.db, sql`SELECT * FROM device_pairings ORDER BY paired_at, device_id`).map(toDevice);
  }

  setOptions(id: string, o: { name?: string | undefined; child?: boolean | undefined; deleteFollowsPhone?: boolean | undefined; syncCategories?: Category[] | undefined }): PairedDevice | null {
    const cur = this.get(id);
    if (!cur) return null;
    run(this.db, sql`UPDATE device_pairings SET name = ${o.name ?? cur.name}, child = ${(o.child ?? cur.child) ? 1 : 0},
      delete_follows_phone = ${(o.deleteFollowsPhone ?? cur.deleteFollowsPhone) ? 1 : 0},
      sync_categories = ${JSON.stringify(o.syncCategories ?? cur.syncCategories)} WHERE device_id = ${id}`);
    return this.get(id);
  }

  /** Unpair: the pin is dropped at once, so the next TLS handshake from it is refused. */
  revoke(id: string, now: number): boolean {
    return run(this.db, sql`UPDATE device_pairings SET revoked_at = ${now} WHERE device_id = ${id} AND revoked_at IS NULL`).changes === 1;
  }

  touchSync(id: string, now: number): void {
    run(this.db, sql`UPDATE device_pairings SET last_sync_at = ${now} WHERE device_id = ${id}`);
  }

  recordAttempt(at: number, outcome: AttemptOutcome): void {
    run(this.db, sql`INSERT INTO pairing_attempts (at, outcome) VALUES (${at}, ${outcome})`);
  }

  failuresSince(since: number): number {
    return get<{ n: number }>(this.db, sql`SELECT count(*) AS n FROM pairing_attempts WHERE at >= ${since} AND outcome IN ('wrong', 'replayed', 'expired')`)?.n ?? 0;
  }
}
