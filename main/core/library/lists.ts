// The plain lists: notes and email newest first, contacts A to Z, one email with its
// parts, and calendar occurrences in a range with recurring events expanded (from the
// occurrences intake computed, fields.occurrences, plus the first start).
import type { EmailMessage, ItemRow, Occurrence } from '../../../common/contract/library';
import { KeepsakeError } from '../../../common/errors';
import { all, get, type Db } from '../vault/sql';
import { decodeCursor, encodeCursor, isNameKey, isTimeKey } from './cursor';
import { filesOf, parseFields, ROW_COLUMNS, str, timePage, toRow, type RawRow } from './rows';

const LIST_WHERE = {
  note: `category = 'note'`,
  email: `category = 'email'`,
} as const;

export function newestFirst(db: Db, category: keyof typeof LIST_WHERE, opts: { cursor?: string | undefined; limit: number }): { items: ItemRow[]; next: string | null } {
  const page = timePage<RawRow>(db, { columns: ROW_COLUMNS, where: LIST_WHERE[category], key: decodeCursor(opts.cursor, isTimeKey), limit: opts.limit });
  return { items: page.rows.map(toRow), next: page.next };
}

export function contacts(db: Db, opts: { cursor?: string | undefined; limit: number }): { items: ItemRow[]; next: string | null } {
  const key = decodeCursor(opts.cursor, isNameKey);
  const rows = all<RawRow>(db, {
    text: `SELECT ${ROW_COLUMNS} FROM items INDEXED BY lib_contact_name WHERE category = 'contact'${key ? ' AND (title COLLATE NOCASE, seq) > (?, ?)' : ''} ORDER BY title COLLATE NOCASE, seq LIMIT ?`,
    params: [...(key ? [key.n, key.s] : []), opts.limit + 1],
  });
  const kept = rows.slice(0, opts.limit);
  const last = kept[kept.length - 1];
  return { items: kept.map(toRow), next: rows.length > opts.limit && last ? encodeCursor({ n: last.title, s: last.seq }) : null };
}

function addressList(v: unknown): string {
  if (!Array.isArray(v)) return str(v);
  return v
    .map((a) => {
      const o = (a ?? {}) as { name?: unknown; address?: unknown };
      const name = str(o.name);
      const addr = str(o.address);
      return name && addr ? `${name} <${addr}>` : name || addr;
    })
    .filter(Boolean)
    .join(', ');
}

export function emailMessage(db: Db, id: string): EmailMessage {
  const r = get<{ id: string; title: string; occurredAt: number | null; version: number; fields: string; category: string }>(db, {
    text: `SELECT id, title, occurred_at AS occurredAt, version, fields, category FROM items WHERE id = ?`,
    params: [id],
  });
  if (!r || r.category !== 'email') throw new KeepsakeError('NOT_FOUND', 'There is no such email.');
  const f = parseFields(r.fields);
  return {
    id: r.id,
    subject: str(f.subject) || r.title,
    from: addressList(f.from),
    to: addressList(f.to),
    cc: addressList(f.cc),
    occurredAt: r.occurredAt,
    text: str(f.text),
    html: typeof f.html === 'string' ? f.html : null,
    attachments: filesOf(db, r.id, r.version, 'attachment'),
  };
}

const MAX_OCCURRENCES = 5000;

/** Occurrences overlapping [from, to), recurring events expanded, earliest first. */
export function eventsInRange(db: Db, from: number, to: number): Occurrence[] {
  // A recurring event's first start may be years before the range, so every event that
  // starts before `to` is a candidate; non-recurring ones must also end after `from`.
  const rows = all<{ id: string; title: string; occurredAt: number; fields: string }>(db, {
    text: `SELECT id, title, occurred_at AS occurredAt, fields FROM items WHERE category = 'event' AND occurred_at IS NOT NULL AND occurred_at < ?
             AND (occurred_at >= ? - 7 * 86400000 OR json_type(fields, '$.rrule') IS NOT NULL OR json_type(fields, '$.rdate') IS NOT NULL)`,
    params: [to, from],
  });
  const out: Occurrence[] = [];
  for (const r of rows) {
    const f = parseFields(r.fields);
    const startText = str(f.start);
    const endText = str(f.end);
    const span = startText && endText ? Date.parse(endText) - Date.parse(startText) : NaN;
    const duration = Number.isFinite(span) && span >= 0 ? span : null;
    const starts = new Set<number>([r.occurredAt]);
    if (Array.isArray(f.occurrences)) for (const o of f.occurrences) if (typeof o === 'number' && Number.isFinite(o)) starts.add(o);
    const recurring = starts.size > 1 || f.rrule !== undefined;
    const allDay = f.allDay === true;
    for (const start of starts) {
      const end = duration === null ? null : start + duration;
      if (start >= to || (end ?? start + 1) <= from) continue;
      out.push({ id: r.id, title: r.title || str(f.summary) || 'Untitled event', start, end, allDay, location: str(f.location) || null, recurring });
      if (out.length >= MAX_OCCURRENCES) break;
    }
  }
  return out.sort((a, b) => a.start - b.start || a.title.localeCompare(b.title));
}
