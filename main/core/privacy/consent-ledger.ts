// The consent ledger: append-only, hash-chained records of what the person allowed
// (subject, purpose, recipient, precision, expiry, notice) and withdrew, plus every piece of
// data dropped for want of a live consent. It is enforced, not only recorded: `active()` is
// what gates location sharing and child-device sync.
import { createHash, randomUUID } from 'node:crypto';
import { KeepsakeError } from '../../../common/errors';
import { consentSurvivesNotice, currentNotice, type ConsentSubject } from '../../../common/notices';
import { all, get, iterate, run, sql, type Db } from '../vault/sql';
import { chainMac, GENESIS, readHead, verifyChain, writeHead, type ChainVerdict } from './hash-chain';

export type Precision = 'precise' | 'approximate' | 'none';
export type ConsentAction = 'granted' | 'withdrawn' | 'dropped';

export interface ConsentRecord {
  seq: number;
  id: string;
  at: number;
  action: ConsentAction;
  subject: ConsentSubject;
  purpose: string;
  recipient: string;
  precision: Precision;
  expiresAt: number | null;
  noticeVersion: string;
  noticeHash: string;
  /** For a withdrawal or a drop: the grant it concerns. */
  refersTo: string | null;
  details: Record<string, unknown>;
}

export interface GrantInput {
  subject: ConsentSubject;
  purpose: string;
  recipient: string;
  precision: Precision;
  /** Absolute expiry (ms); null only for consents that last until withdrawn. */
  expiresAt: number | null;
}

export type ActiveConsent = { live: true; grant: ConsentRecord } | { live: false; reason: string };

const CHAIN = 'consent';

interface Row {
  seq: number;
  id: string;
  at: number;
  action: ConsentAction;
  subject: ConsentSubject;
  purpose: string;
  recipient: string;
  precision: Precision;
  expires_at: number | null;
  notice_version: string;
  notice_hash: string;
  refers_to: string | null;
  details: string;
  prev_mac: Buffer;
  mac: Buffer;
}

export function noticeHash(subject: ConsentSubject): string {
  return createHash('sha256').update(currentNotice(subject).text).digest('hex');
}

export class ConsentLedger {
  constructor(
    private readonly db: Db,
    private readonly key: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  grant(input: GrantInput): ConsentRecord {
    if (input.expiresAt !== null && input.expiresAt <= this.now()) throw new KeepsakeError('BAD_INPUT', 'A consent must expire in the future.');
    if (input.subject === 'location' && input.expiresAt === null) throw new KeepsakeError('BAD_INPUT', 'Location sharing must have an end time.');
    return this.append({ action: 'granted', ...input, refersTo: null, details: {} });
  }

  /** Withdraws a grant at once. Withdrawing an already ended grant is refused. */
  withdraw(grantId: string): ConsentRecord {
    const grant = this.find(grantId);
    if (!grant || grant.action !== 'granted') throw new KeepsakeError('NOT_FOUND', 'There is no such consent.');
    const state = this.stateOf(grant);
    if (!state.live) throw new KeepsakeError('CONFLICT', `This consent has already ended (${state.reason}).`);
    return this.append({ ...pick(grant), action: 'withdrawn', refersTo: grant.id, expiresAt: null, details: {} });
  }

  /** Records that data was dropped because no live consent allowed it. */
  recordDrop(subject: ConsentSubject, purpose: string, recipient: string, reason: string, details: Record<string, unknown> = {}): ConsentRecord {
    return this.append({ action: 'dropped', subject, purpose, recipient, precision: 'none', expiresAt: null, refersTo: null, details: { reason, ...details } });
  }

  /** The live grant for this subject, purpose and recipient, or why there is none. */
  active(subject: ConsentSubject, purpose: string, recipient: string): ActiveConsent {
    const grants = all<Row>(
      this.db,
      sql`SELECT * FROM consent_records WHERE subject = ${subject} AND purpose = ${purpose} AND recipient = ${recipient} AND action = 'granted' ORDER BY seq DESC LIMIT 1`,
    );
    const latest = grants[0];
    if (!latest) {
      const other = get<{ n: number }>(this.db, sql`SELECT count(*) AS n FROM consent_records WHERE subject = ${subject} AND action = 'granted' AND (purpose != ${purpose} OR recipient != ${recipient})`);
      return { live: false, reason: other && other.n > 0 ? 'no consent for this purpose and recipient' : 'no consent was given' };
    }
    return this.stateOf(toRecord(latest));
  }

  list(): ConsentRecord[] {
    return all<Row>(this.db, sql`SELECT * FROM consent_records ORDER BY seq`).map(toRecord);
  }

  verify(): ChainVerdict {
    const rows = (function* (db: Db) {
      for (const r of iterate<Row>(db, sql`SELECT * FROM consent_records ORDER BY seq`)) {
        yield { seq: r.seq, fields: macFields(toRecord(r)), prev_mac: r.prev_mac, mac: r.mac };
      }
    })(this.db);
    return verifyChain(this.key, CHAIN, rows, readHead(this.db)(CHAIN));
  }

  private stateOf(grant: ConsentRecord): ActiveConsent {
    const withdrawn = get<{ at: number }>(this.db, sql`SELECT at FROM consent_records WHERE refers_to = ${grant.id} AND action = 'withdrawn'`);
    if (withdrawn) return { live: false, reason: 'it was withdrawn' };
    if (grant.expiresAt !== null && grant.expiresAt <= this.now()) return { live: false, reason: 'it has expired' };
    if (!consentSurvivesNotice(grant.subject, Number(grant.noticeVersion))) return { live: false, reason: 'the notice changed and needs fresh consent' };
    return { live: true, grant };
  }

  private find(id: string): ConsentRecord | undefined {
    const r = get<Row>(this.db, sql`SELECT * FROM consent_records WHERE id = ${id}`);
    return r ? toRecord(r) : undefined;
  }

  private append(input: Omit<ConsentRecord, 'seq' | 'id' | 'at' | 'noticeVersion' | 'noticeHash'>): ConsentRecord {
    const notice = currentNotice(input.subject);
    const tx = this.db.transaction(() => {
      const last = get<{ seq: number; mac: Buffer }>(this.db, sql`SELECT seq, mac FROM consent_records ORDER BY seq DESC LIMIT 1`);
      const record: ConsentRecord = {
        ...input,
        seq: (last?.seq ?? 0) + 1,
        id: randomUUID(),
        at: this.now(),
        noticeVersion: String(notice.version),
        noticeHash: noticeHash(input.subject),
      };
      const prev = last?.mac ?? GENESIS;
      const mac = chainMac(this.key, prev, macFields(record));
      run(
        this.db,
        sql`INSERT INTO consent_records (seq, id, at, action, subject, purpose, recipient, precision, expires_at, notice_version, notice_hash, refers_to, details, prev_mac, mac)
            VALUES (${record.seq}, ${record.id}, ${record.at}, ${record.action}, ${record.subject}, ${record.purpose}, ${record.recipient}, ${record.precision},
                    ${record.expiresAt}, ${record.noticeVersion}, ${record.noticeHash}, ${record.refersTo}, ${JSON.stringify(record.details)}, ${prev}, ${mac})`,
      );
      writeHead(this.db, this.key, CHAIN, record.seq, mac);
      return record;
    });
    return tx();
  }
}

function pick(r: ConsentRecord): Pick<ConsentRecord, 'subject' | 'purpose' | 'recipient' | 'precision'> {
  return { subject: r.subject, purpose: r.purpose, recipient: r.recipient, precision: r.precision };
}

/** Everything a record says, for its MAC (not seq: order is covered by the chain). */
function macFields(r: ConsentRecord): Record<string, unknown> {
  const { seq: _seq, ...rest } = r;
  return rest;
}

function toRecord(r: Row): ConsentRecord {
  return {
    seq: r.seq,
    id: r.id,
    at: r.at,
    action: r.action,
    subject: r.subject,
    purpose: r.purpose,
    recipient: r.recipient,
    precision: r.precision,
    expiresAt: r.expires_at,
    noticeVersion: r.notice_version,
    noticeHash: r.notice_hash,
    refersTo: r.refers_to,
    details: JSON.parse(r.details) as Record<string, unknown>,
  };
}
