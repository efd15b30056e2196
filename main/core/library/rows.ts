// Shared row reading for the browse lists: the item columns every list shows, the
// newest-first keyset page over a fixed (trusted, constant) WHERE clause, and file refs.
// The WHERE clauses are constants written in this folder, never input: they must appear
// literally for SQLite to pick the partial indexes of migration 0700. Values are bound.
import type { ItemRow, FileRef } from '../../../common/contract/library';
import type { Category } from '../../../common/domain';
import { all, type Db, type SqlValue } from '../vault/sql';
import { pageOf, type TimeKey } from './cursor';

export const ROW_COLUMNS = `seq, id, category, device_id AS deviceId, personal, occurred_at AS occurredAt, title, summary, version`;

export interface RawRow {
  seq: number;
  id: string;
  category: Category;
  deviceId: string;
  personal: number;
  occurredAt: number | null;
  title: string;
  summary: string;
  version: number;
}

export function toRow(r: RawRow): ItemRow {
  return { id: r.id, category: r.category, deviceId: r.deviceId, personal: r.personal === 1, occurredAt: r.occurredAt, title: r.title, summary: r.summary, version: r.version };
}

/**
 * One newest-first page of `SELECT <columns> FROM items WHERE <where>`: dated rows by
 * (occurred_at, seq) descending, then undated rows by seq descending.
 */
export function timePage<R extends { seq: number; occurredAt: number | null }>(
  db: Db,
  opts: { columns: string; where: string; indexedBy?: string; params?: SqlValue[]; key: TimeKey | undefined; limit: number },
): { rows: R[]; next: string | null } {
  const { columns, where, key, limit } = opts;
  const params = opts.params ?? [];
  const from = opts.indexedBy ? `items INDEXED BY ${opts.indexedBy}` : 'items';
  let rows: R[] = [];
  if (!key || key.t !== null) {
    const after = key ? ` AND (occurred_at, seq) < (?, ?)` : '';
    const text = `SELECT ${columns} FROM ${from} WHERE ${where} AND occurred_at IS NOT NULL${after} ORDER BY occurred_at DESC, seq DESC LIMIT ?`;
    rows = all<R>(db, { text, params: [...params, ...(key ? [key.t, key.s] : []), limit + 1] });
  }
  if (rows.length <= limit) {
    const after = key && key.t === null ? ` AND seq < ?` : '';
    const text = `SELECT ${columns} FROM ${from} WHERE ${where} AND occurred_at IS NULL${after} ORDER BY seq DESC LIMIT ?`;
    rows = rows.concat(all<R>(db, { text, params: [...params, ...(key && key.t === null ? [key.s] : []), limit + 1 - rows.length] }));
  }
  return pageOf(rows, limit, (r) => ({ t: r.occurredAt, s: r.seq }));
}

interface RawFile {
  role: FileRef['role'];
  ordinal: number;
  name: string;
  mime: string;
  size: number;
}

/** The media id of one file: "<item>.<role>" for the first, "<item>.<role>.<n>" after ([Note: media ids]). */
export function mediaIdOf(id: string, role: FileRef['role'], ordinal: number): string {
  return ordinal === 0 ? `${id}.${role}` : `${id}.${role}.${ordinal}`;
}

/** The current version's files, each with the media id it streams from. */
export function filesOf(db: Db, id: string, version: number, role?: FileRef['role']): FileRef[] {
  const rows = all<RawFile>(db, {
    text: `SELECT role, ordinal, name, mime, size FROM files WHERE item_id = ? AND version = ?${role ? ' AND role = ?' : ''} ORDER BY role, ordinal`,
    params: [id, version, ...(role ? [role] : [])],
  });
  return rows.map((f) => ({ ...f, mediaId: mediaIdOf(id, f.role, f.ordinal) }));
}

export function parseFields(json: string): Record<string, unknown> {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
