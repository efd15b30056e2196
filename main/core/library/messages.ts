// Conversations and the call log. A conversation is every message with the same address
// (fields.address, as SMS Backup & Restore and phone backups record it); the index
// lib_msg_thread (migration 0700) keeps one conversation's messages in time order.
import type { Bubble, CallRow, Thread } from '../../../common/contract/library';
import { all, type Db } from '../vault/sql';
import { decodeCursor, encodeCursor, isTimeKey, type TimeKey } from './cursor';
import { filesOf, parseFields, str, timePage } from './rows';

interface ThreadKey {
  t: number | null;
  k: string;
}
function isThreadKey(x: unknown): x is ThreadKey {
  if (!x || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  return (o.t === null || typeof o.t === 'number') && typeof o.k === 'string';
}

/** Conversations, most recent first (from lib_threads, migration 0710); the cursor is the last (lastAt, address) shown. */
export function threads(db: Db, opts: { cursor?: string | undefined; limit: number }): { items: Thread[]; next: string | null } {
  const key = decodeCursor(opts.cursor, isThreadKey);
  const rows = all<{ k: string; lastAt: number | null; n: number }>(db, {
    text: `SELECT address AS k, last_at AS lastAt, count AS n FROM lib_threads INDEXED BY lib_threads_recent
           ${key ? 'WHERE (coalesce(last_at, -1), address) < (coalesce(?, -1), ?)' : ''}
           ORDER BY coalesce(last_at, -1) DESC, address DESC LIMIT ?`,
    params: [...(key ? [key.t, key.k] : []), opts.limit + 1],
  });
  const kept = rows.slice(0, opts.limit);
  const items = kept.map((r) => {
    const last = all<{ fields: string }>(db, {
      text: `SELECT fields FROM items INDEXED BY lib_msg_thread WHERE category = 'message' AND json_extract(fields, '$.address') = ? ORDER BY occurred_at DESC, seq DESC LIMIT 1`,
      params: [r.k],
    })[0];
    const f = parseFields(last?.fields ?? '{}');
    return { key: r.k, title: str(f.contactName) || r.k || 'Unknown sender', lastAt: r.lastAt, count: r.n, lastText: (str(f.body) || str(f.subject)).slice(0, 200) };
  });
  const lastRow = kept[kept.length - 1];
  return { items, next: rows.length > opts.limit && lastRow ? encodeCursor({ t: lastRow.lastAt, k: lastRow.k }) : null };
}

interface RawMsg {
  seq: number;
  id: string;
  occurredAt: number | null;
  version: number;
  fields: string;
}

export function thread(db: Db, opts: { key: string; cursor?: string | undefined; limit: number }): { items: Bubble[]; next: string | null } {
  const key: TimeKey | undefined = decodeCursor(opts.cursor, isTimeKey);
  const page = timePage<RawMsg>(db, {
    columns: 'seq, id, occurred_at AS occurredAt, version, fields',
    where: `category = 'message' AND json_extract(fields, '$.address') = ?`,
    params: [opts.key],
    key,
    limit: opts.limit,
  });
  return {
    items: page.rows.map((r) => {
      const f = parseFields(r.fields);
      return {
        id: r.id,
        occurredAt: r.occurredAt,
        direction: str(f.direction) || 'unknown',
        text: str(f.body),
        subject: str(f.subject) || null,
        attachments: filesOf(db, r.id, r.version, 'attachment'),
      };
    }),
    next: page.next,
  };
}

export function calls(db: Db, opts: { cursor?: string | undefined; limit: number }): { items: CallRow[]; next: string | null } {
  const page = timePage<RawMsg & { title: string }>(db, {
    columns: 'seq, id, occurred_at AS occurredAt, version, title, fields',
    where: `category = 'call'`,
    key: decodeCursor(opts.cursor, isTimeKey),
    limit: opts.limit,
  });
  return {
    items: page.rows.map((r) => {
      const f = parseFields(r.fields);
      return { id: r.id, occurredAt: r.occurredAt, title: r.title, number: str(f.number), kind: str(f.kind) || 'unknown', durationSeconds: typeof f.durationSeconds === 'number' ? f.durationSeconds : 0 };
    }),
    next: page.next,
  };
}
