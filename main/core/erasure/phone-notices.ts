// Erasure notices for paired phones: when an erase runs, each paired phone that sent any
// of the erased items gets a notice naming the receipt and the phone's own ids for them.
// The phone fetches its notices at its next sync (GET /v1/erasures), applies them as its
// settings say, and acknowledges (POST /v1/erasures/ack). The acknowledgement turns the
// receipt's "pending" line for that phone into a done line, as a new revision in the
// receipt hash chain. Only the phone a notice was made for can acknowledge it, once: a
// replayed, foreign or unknown acknowledgement is refused and changes nothing.
// The table lives in the vault index; it is created here (IF NOT EXISTS) because it
// belongs to erasure, not to the vault's or the devices' schema.
import { KeepsakeError } from '../../../common/errors';
import { ReceiptBook } from '../privacy/receipts';
import { all, get, run, sql, type Db } from '../vault/sql';

export interface PhoneNotice {
  receiptId: string;
  /** The phone's own ids (paths) of the erased items. */
  ids: string[];
  at: number;
}

export interface PhoneAck {
  receiptId: string;
  /** Ids the phone deleted. */
  deleted: string[];
  /** Ids the phone keeps, as its settings say. */
  kept: string[];
}

export interface PhoneAckResult {
  revised: true;
  outcome: 'erased' | 'kept-on-device';
  revision: number;
}

interface NoticeRow {
  receipt_id: string;
  device_id: string;
  location: string;
  item_ids: string;
  created_at: number;
  acked_at: number | null;
}

export function ensureNoticeTable(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS erasure_notices (
    receipt_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    location TEXT NOT NULL,
    item_ids TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    acked_at INTEGER,
    PRIMARY KEY (receipt_id, device_id)
  ) WITHOUT ROWID`);
}

export class PhoneErasureNotices {
  constructor(
    private readonly db: Db,
    private readonly ledgerKey: Buffer,
    private readonly now: () => number,
  ) {
    ensureNoticeTable(db);
  }

  /** Records the notice for one phone (called by the erase, right after its receipt). */
  record(receiptId: string, deviceId: string, location: string, deviceItemIds: string[]): void {
    run(
      this.db,
      sql`INSERT INTO erasure_notices (receipt_id, device_id, location, item_ids, created_at) VALUES (${receiptId}, ${deviceId}, ${location}, ${JSON.stringify(deviceItemIds)}, ${this.now()}) ON CONFLICT (receipt_id, device_id) DO NOTHING`,
    );
  }

  /** Notices this phone has not acknowledged yet, oldest first. */
  pendingFor(deviceId: string): PhoneNotice[] {
    return all<NoticeRow>(this.db, sql`SELECT * FROM erasure_notices WHERE device_id = ${deviceId} AND acked_at IS NULL ORDER BY created_at, receipt_id`).map((r) => ({
      receiptId: r.receipt_id,
      ids: JSON.parse(r.item_ids) as string[],
      at: r.created_at,
    }));
  }

  /** The phone's acknowledgement: revises the receipt (pending → done, with the time). */
  ack(deviceId: string, a: PhoneAck): PhoneAckResult {
    const tx = this.db.transaction((): PhoneAckResult => {
      const n = get<NoticeRow>(this.db, sql`SELECT * FROM erasure_notices WHERE receipt_id = ${a.receiptId} AND device_id = ${deviceId}`);
      if (!n) throw new KeepsakeError('NOT_FOUND', 'This phone has no erasure notice with that receipt.');
      if (n.acked_at !== null) throw new KeepsakeError('CONFLICT', 'This erasure was already acknowledged; nothing changed.');
      const expected = new Set(JSON.parse(n.item_ids) as string[]);
      const answered = [...a.deleted, ...a.kept];
      if (new Set(answered).size !== answered.length || answered.length !== expected.size || answered.some((id) => !expected.has(id))) {
        throw new KeepsakeError('BAD_INPUT', 'The acknowledgement must answer for exactly the items in the notice, each once.');
      }
      const at = this.now();
      const outcome: PhoneAckResult['outcome'] = a.kept.length ? 'kept-on-device' : 'erased';
      const when = new Date(at).toISOString();
      const detail =
        outcome === 'kept-on-device'
          ? `The phone confirmed the erasure at ${when}; it deleted ${a.deleted.length} and keeps ${a.kept.length} of its own cop${a.kept.length === 1 ? 'y' : 'ies'}, as its settings say. Keepsake will not take them back.`
          : a.deleted.length === 0
            ? `The phone confirmed the erasure at ${when}; it holds no copy it sent to Keepsake.`
            : `The phone confirmed the erasure at ${when} and deleted its ${a.deleted.length === 1 ? 'copy' : `${a.deleted.length} copies`}.`;
      const book = new ReceiptBook(this.db, this.ledgerKey, this.now);
      const line = this.pendingLine(a.receiptId, deviceId, n.location);
      const revised = book.revise(a.receiptId, (body) => ({
        ...body,
        locations: body.locations.map((l, i) => (i === line ? { ...l, outcome, doneAt: at, detail } : l)),
      }));
      // The phone's ids are personal (file paths): once answered they are no longer needed.
      run(this.db, sql`UPDATE erasure_notices SET acked_at = ${at}, item_ids = '[]' WHERE receipt_id = ${a.receiptId} AND device_id = ${deviceId}`);
      return { revised: true, outcome, revision: revised.revision };
    });
    return tx();
  }

  /**
   * Which line of the receipt is this phone's: the pending phone line with its device id.
   * Two phones can share a name ("Pixel 8"), so the name alone never decides — except on a
   * receipt written before lines carried the device id, and then only when exactly one
   * pending line has that name.
   */
  private pendingLine(receiptId: string, deviceId: string, name: string): number {
    const lines = new ReceiptBook(this.db, this.ledgerKey, this.now).get(receiptId)?.locations ?? [];
    const pending = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.kind === 'phone' && l.outcome === 'pending');
    const mine = pending.find(({ l }) => l.deviceId === deviceId);
    if (mine) return mine.i;
    const legacy = pending.filter(({ l }) => l.deviceId === undefined && l.location === name);
    if (legacy.length === 1) return legacy[0]!.i;
    throw new KeepsakeError('CONFLICT', legacy.length ? 'The receipt names more than one phone by this name and cannot tell which is this one; nothing changed.' : 'The receipt has no pending line for this phone; nothing changed.');
  }
}
