// Receipts: what was erased (or exported) — counts and categories, never content — when,
// and every location with its outcome. Append-only and hash-chained like the consent
// ledger; a receipt whose parts were pending (a phone offline) gets a new revision when
// they complete, so its history stays visible and verifiable.
import { randomUUID } from 'node:crypto';
import { KeepsakeError } from '../../../common/errors';
import { all, get, iterate, run, sql, type Db } from '../vault/sql';
import { chainMac, GENESIS, readHead, verifyChain, writeHead, type ChainVerdict } from './hash-chain';

/**
 * 'exported': written to an export the person asked for (export receipts).
 * 'kept-on-device': a phone confirmed the erasure but keeps its own copy, as its settings say.
 */
export type Outcome = 'erased' | 'key-destroyed' | 'provider-retention' | 'pending' | 'held' | 'failed' | 'exported' | 'kept-on-device';

export interface LocationOutcome {
  /** "This computer", "My S3 bucket", "Pixel 8"… */
  location: string;
  kind: 'vault' | 'phone' | 'cloud' | 'snapshot' | 'export';
  outcome: Outcome;
  /** Items this location held. */
  items: number;
  /** For provider retention: the date until which the provider keeps the ciphertext. */
  until?: number;
  /** When a location that was pending completed (ms). */
  doneAt?: number;
  /** A phone line: the paired device it stands for (its acknowledgement revises this line, never another phone's of the same name). */
  deviceId?: string;
  /** Plain words: what happened or what is still to happen. */
  detail?: string;
}

export interface ReceiptBody {
  kind: 'erasure' | 'export' | 'retention' | 'recovery-purge';
  /** What the person asked for, in plain words ("3 photos", "all screenshots older than 30 days"). */
  scope: string;
  requestedAt: number;
  counts: Record<string, number>;
  locations: LocationOutcome[];
}

export interface Receipt extends ReceiptBody {
  id: string;
  revision: number;
  at: number;
  /** True when no location is pending. */
  complete: boolean;
}

const CHAIN = 'receipts';

interface Row {
  seq: number;
  id: string;
  revision: number;
  at: number;
  kind: string;
  body: string;
  prev_mac: Buffer;
  mac: Buffer;
}

export class ReceiptBook {
  constructor(
    private readonly db: Db,
    private readonly key: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new receipt; `id` lets a job name its receipt before it exists (the erase dialog fetches that one). */
  issue(body: ReceiptBody, id: string = randomUUID()): Receipt {
    if (this.get(id)) throw new KeepsakeError('CONFLICT', 'A receipt with this id already exists.');
    return this.append(id, 1, body);
  }

  /** Records a new revision of a receipt (pending parts completed, retries failed…). */
  revise(id: string, update: (body: ReceiptBody) => ReceiptBody): Receipt {
    const latest = this.get(id);
    if (!latest) throw new KeepsakeError('NOT_FOUND', 'There is no such receipt.');
    const { id: _id, revision, at: _at, complete: _c, ...body } = latest;
    return this.append(id, revision + 1, update(body));
  }

  /** The latest revision of one receipt. */
  get(id: string): Receipt | undefined {
    const r = get<Row>(this.db, sql`SELECT * FROM receipts WHERE id = ${id} ORDER BY revision DESC LIMIT 1`);
    return r ? toReceipt(r) : undefined;
  }

  /** Every revision of one receipt, oldest first. */
  history(id: string): Receipt[] {
    return all<Row>(this.db, sql`SELECT * FROM receipts WHERE id = ${id} ORDER BY revision`).map(toReceipt);
  }

  /** The latest revision of every receipt, newest first. */
  list(): Receipt[] {
    return all<Row>(
      this.db,
      sql`SELECT r.* FROM receipts r JOIN (SELECT id, max(revision) AS rev FROM receipts GROUP BY id) l ON l.id = r.id AND l.rev = r.revision ORDER BY r.seq DESC`,
    ).map(toReceipt);
  }

  /** Receipts that still have pending locations (for retries). */
  pending(): Receipt[] {
    return this.list().filter((r) => !r.complete);
  }

  verify(): ChainVerdict {
    const rows = (function* (db: Db) {
      for (const r of iterate<Row>(db, sql`SELECT * FROM receipts ORDER BY seq`)) {
        yield { seq: r.seq, fields: { id: r.id, revision: r.revision, at: r.at, kind: r.kind, body: r.body }, prev_mac: r.prev_mac, mac: r.mac };
      }
    })(this.db);
    return verifyChain(this.key, CHAIN, rows, readHead(this.db)(CHAIN));
  }

  private append(id: string, revision: number, body: ReceiptBody): Receipt {
    const tx = this.db.transaction(() => {
      const last = get<{ seq: number; mac: Buffer }>(this.db, sql`SELECT seq, mac FROM receipts ORDER BY seq DESC LIMIT 1`);
      const seq = (last?.seq ?? 0) + 1;
      const at = this.now();
      const text = JSON.stringify(body);
      const prev = last?.mac ?? GENESIS;
      const mac = chainMac(this.key, prev, { id, revision, at, kind: body.kind, body: text });
      run(this.db, sql`INSERT INTO receipts (seq, id, revision, at, kind, body, prev_mac, mac) VALUES (${seq}, ${id}, ${revision}, ${at}, ${body.kind}, ${text}, ${prev}, ${mac})`);
      writeHead(this.db, this.key, CHAIN, seq, mac);
      return toReceipt({ seq, id, revision, at, kind: body.kind, body: text, prev_mac: prev, mac });
    });
    return tx();
  }
}

function toReceipt(r: Row): Receipt {
  const body = JSON.parse(r.body) as ReceiptBody;
  return { ...body, id: r.id, revision: r.revision, at: r.at, complete: body.locations.every((l) => l.outcome !== 'pending') };
}
