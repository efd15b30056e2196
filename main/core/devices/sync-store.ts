// Per-device sync state in the vault index: acknowledged items (written only after the
// vault reported them durable), resumable uploads, location drops and restore offers.
import type { Category } from '../../../common/domain';
import { all, get, run, sql, type Db } from '../vault/sql';
import type { RestoreOffer } from './wire';

export interface AckedItem {
  itemId: string;
  hash: string;
  size: number;
  category: Category;
  vaultItemId: string | null;
  /** 'tombstoned': the vault refused it as erased content; the phone must not resend it. */
  state: 'stored' | 'tombstoned';
  removedAt: number | null;
}

export interface UploadRow {
  deviceId: string;
  itemId: string;
  hash: string;
  size: number;
  category: Category;
  name: string;
  mime: string;
  modified: number;
  staging: string;
  received: number;
}

export interface CategoryStats {
  category: Category;
  items: number;
  bytes: number;
}

export class SyncStore {
  constructor(private readonly db: Db) {}

  /** Runs fn in one transaction: one commit (one fsync) for a whole manifest page or commit. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  acked(deviceId: string, itemId: string): AckedItem | null {
    const r = get<{ item_id: string; hash: string; size: number; category: Category; vault_item_id: string | null; state: 'stored' | 'tombstoned'; removed_at: number | null }>(
      this.db,
      sql`SELECT item_id, hash, size, category, vault_item_id, state, removed_at FROM device_items WHERE device_id = ${deviceId} AND item_id = ${itemId}`,
    );
    return r ? { itemId: r.item_id, hash: r.hash, size: r.size, category: r.category, vaultItemId: r.vault_item_id, state: r.state, removedAt: r.removed_at } : null;
  }

  recordAcks(deviceId: string, acks: Array<{ itemId: string; hash: string; size: number; category: Category; vaultItemId: string | null; state: 'stored' | 'tombstoned' }>, now: number): void {
    this.tx(() => {
      for (const a of acks) {
        run(this.db, sql`INSERT INTO device_items (device_id, item_id, hash, size, category, vault_item_id, state, acked_at) VALUES (${deviceId}, ${a.itemId}, ${a.hash}, ${a.size}, ${a.category}, ${a.vaultItemId}, ${a.state}, ${now})
          ON CONFLICT (device_id, item_id) DO UPDATE SET hash = excluded.hash, size = excluded.size, category = excluded.category, vault_item_id = excluded.vault_item_id,
            state = excluded.state, acked_at = excluded.acked_at, removed_at = NULL`);
        run(this.db, sql`DELETE FROM device_uploads WHERE device_id = ${deviceId} AND item_id = ${a.itemId}`);
      }
    });
  }

  markRemoved(deviceId: string, itemIds: string[], now: number): Array<string | null> {
    const vaultIds: Array<string | null> = [];
    this.db.transaction(() => {
      for (const id of itemIds) {
        const r = this.acked(deviceId, id);
        if (!r || r.removedAt !== null) continue;
        run(this.db, sql`UPDATE device_items SET removed_at = ${now} WHERE device_id = ${deviceId} AND item_id = ${id}`);
        vaultIds.push(r.vaultItemId);
      }
    })();
    return vaultIds;
  }

  stats(deviceId: string): CategoryStats[] {
    return all<CategoryStats>(this.db, sql`SELECT category, count(*) AS items, coalesce(sum(size), 0) AS bytes FROM device_items WHERE device_id = ${deviceId} AND removed_at IS NULL AND state = 'stored' GROUP BY category ORDER BY category`);
  }

  upload(deviceId: string, itemId: string): UploadRow | null {
    const r = get<{ device_id: string; item_id: string; hash: string; size: number; category: Category; name: string; mime: string; modified: number; staging: string; received: number }>(
      this.db,
      sql`SELECT * FROM device_uploads WHERE device_id = ${deviceId} AND item_id = ${itemId}`,
    );
    if (!r) return null;
    return { deviceId: r.device_id, itemId: r.item_id, hash: r.hash, size: r.size, category: r.category, name: r.name, mime: r.mime, modified: r.modified, staging: r.staging, received: r.received };
  }

  /** Registers (or, when the content changed, restarts) an upload. Returns the row now in force. */
  planUpload(u: Omit<UploadRow, 'received'>, now: number): { row: UploadRow; replacedStaging: string | null } {
    const cur = this.upload(u.deviceId, u.itemId);
    if (cur && cur.hash === u.hash && cur.size === u.size) return { row: cur, replacedStaging: null };
    run(this.db, sql`INSERT INTO device_uploads (device_id, item_id, hash, size, category, name, mime, modified, staging, received, updated_at)
      VALUES (${u.deviceId}, ${u.itemId}, ${u.hash}, ${u.size}, ${u.category}, ${u.name}, ${u.mime}, ${u.modified}, ${u.staging}, 0, ${now})
      ON CONFLICT (device_id, item_id) DO UPDATE SET hash = excluded.hash, size = excluded.size, category = excluded.category, name = excluded.name,
        mime = excluded.mime, modified = excluded.modified, staging = excluded.staging, received = 0, updated_at = excluded.updated_at`);
    return { row: { ...u, received: 0 }, replacedStaging: cur?.staging ?? null };
  }

  setReceived(deviceId: string, itemId: string, received: number, now: number): void {
    run(this.db, sql`UPDATE device_uploads SET received = ${received}, updated_at = ${now} WHERE device_id = ${deviceId} AND item_id = ${itemId}`);
  }

  dropUpload(deviceId: string, itemId: string): void {
    run(this.db, sql`DELETE FROM device_uploads WHERE device_id = ${deviceId} AND item_id = ${itemId}`);
  }

  /** Every staging file name an upload still refers to. */
  liveStaging(): Set<string> {
    return new Set(all<{ staging: string }>(this.db, sql`SELECT staging FROM device_uploads`).map((r) => r.staging));
  }

  uploadsOf(deviceId: string): UploadRow[] {
    return all<{ item_id: string }>(this.db, sql`SELECT item_id FROM device_uploads WHERE device_id = ${deviceId}`).map((r) => this.upload(deviceId, r.item_id) as UploadRow);
  }

  recordLocationDrop(deviceId: string, reports: number, reason: string, now: number): void {
    run(this.db, sql`INSERT INTO device_location_drops (device_id, at, reports, reason) VALUES (${deviceId}, ${now}, ${reports}, ${reason})`);
  }

  locationDrops(deviceId: string): Array<{ at: number; reports: number; reason: string }> {
    return all(this.db, sql`SELECT at, reports, reason FROM device_location_drops WHERE device_id = ${deviceId} ORDER BY seq`);
  }

  addRestoreOffer(deviceId: string, o: RestoreOffer & { vaultItemId: string }, now: number): void {
    run(this.db, sql`INSERT OR REPLACE INTO device_restore_offers (offer_id, device_id, vault_item_id, category, path, size, hash, modified, state, created_at)
      VALUES (${o.offerId}, ${deviceId}, ${o.vaultItemId}, ${o.category}, ${o.path}, ${o.size}, ${o.hash}, ${o.modified}, 'offered', ${now})`);
  }

  restoreOffers(deviceId: string): Array<RestoreOffer & { vaultItemId: string }> {
    return all<{ offer_id: string; vault_item_id: string; category: Category; path: string; size: number; hash: string; modified: number }>(
      this.db,
      sql`SELECT offer_id, vault_item_id, category, path, size, hash, modified FROM device_restore_offers WHERE device_id = ${deviceId} AND state = 'offered' ORDER BY created_at, offer_id`,
    ).map((r) => ({ offerId: r.offer_id, vaultItemId: r.vault_item_id, category: r.category, path: r.path, size: r.size, hash: r.hash, modified: r.modified }));
  }

  restoreOffer(deviceId: string, offerId: string): (RestoreOffer & { vaultItemId: string }) | null {
    return this.restoreOffers(deviceId).find((o) => o.offerId === offerId) ?? null;
  }

  markDelivered(deviceId: string, offerIds: string[], now: number): number {
    let n = 0;
    this.db.transaction(() => {
      for (const id of offerIds) n += run(this.db, sql`UPDATE device_restore_offers SET state = 'delivered', delivered_at = ${now} WHERE device_id = ${deviceId} AND offer_id = ${id} AND state = 'offered'`).changes;
    })();
    return n;
  }
}
