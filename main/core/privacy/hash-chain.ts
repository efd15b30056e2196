// A keyed hash chain over an append-only table: each row's MAC is
// HMAC(ledgerKey, prev_mac || canonical JSON of the row's fields). Without the vault's
// ledger key nobody can forge a row that verifies, and any edit, deletion or reordering
// breaks every MAC after it, so verification can point at the first bad row.
// The chain head (row count and last MAC) is also kept in `meta`, MAC'd, so cutting rows
// off the end is detected too.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { get, run, sql, type Db } from '../vault/sql';

export const GENESIS: Buffer = Buffer.alloc(32);

/** Deterministic JSON (sorted keys) so the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function chainMac(key: Buffer, prevMac: Buffer, fields: Record<string, unknown>): Buffer {
  return createHmac('sha256', key).update(prevMac).update(canonicalJson(fields)).digest();
}

function headMac(key: Buffer, chain: string, count: number, last: Buffer): string {
  return createHmac('sha256', key).update(`head:${chain}:${count}:`).update(last).digest('hex');
}

export function writeHead(db: Db, key: Buffer, chain: string, count: number, last: Buffer): void {
  const value = JSON.stringify({ count, last: last.toString('hex'), mac: headMac(key, chain, count, last) });
  run(db, sql`INSERT INTO meta (key, value) VALUES (${`chain:${chain}`}, ${value}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
}

export function readHead(db: Db): (chain: string) => { count: number; last: Buffer; mac: string } | null {
  return (chain) => {
    const row = get<{ value: string }>(db, sql`SELECT value FROM meta WHERE key = ${`chain:${chain}`}`);
    if (!row) return null;
    const v = JSON.parse(row.value) as { count: number; last: string; mac: string };
    return { count: v.count, last: Buffer.from(v.last, 'hex'), mac: v.mac };
  };
}

export interface ChainRow {
  seq: number;
  fields: Record<string, unknown>;
  prev_mac: Buffer;
  mac: Buffer;
}

export type ChainVerdict = { ok: true; count: number } | { ok: false; firstBadSeq: number | null; reason: string };

/** Walks rows in seq order and checks every link and the stored head. */
export function verifyChain(key: Buffer, chain: string, rows: Iterable<ChainRow>, head: { count: number; last: Buffer; mac: string } | null): ChainVerdict {
  let prev: Buffer = GENESIS;
  let count = 0;
  let expectedSeq: number | null = null;
  for (const row of rows) {
    if (expectedSeq !== null && row.seq !== expectedSeq) {
      return { ok: false, firstBadSeq: expectedSeq, reason: `record ${expectedSeq} is missing (the next one is ${row.seq})` };
    }
    if (!safeEqual(row.prev_mac, prev)) return { ok: false, firstBadSeq: row.seq, reason: `record ${row.seq} does not follow the record before it (deleted or reordered)` };
    if (!safeEqual(row.mac, chainMac(key, prev, row.fields))) return { ok: false, firstBadSeq: row.seq, reason: `record ${row.seq} was changed after it was written` };
    prev = row.mac;
    count++;
    expectedSeq = row.seq + 1;
  }
  if (count === 0 && !head) return { ok: true, count };
  if (!head) return { ok: false, firstBadSeq: null, reason: 'the ledger head is missing' };
  if (head.mac !== headMac(key, chain, head.count, head.last)) return { ok: false, firstBadSeq: null, reason: 'the ledger head was changed' };
  if (head.count !== count || !safeEqual(head.last, prev)) {
    return { ok: false, firstBadSeq: count < head.count ? (expectedSeq ?? 1) : null, reason: `the ledger should hold ${head.count} records but holds ${count} (records were removed from the end)` };
  }
  return { ok: true, count };
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
