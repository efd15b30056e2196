// Keyset cursors: the position after the last row of a page, as opaque base64url JSON.
// A list ordered by (occurred_at DESC, seq DESC) resumes with "strictly before (t, seq)";
// undated rows come last (t = null). Never OFFSET: page 5,000 costs what page 1 costs.
import { KeepsakeError } from '../../../common/errors';

export interface TimeKey {
  /** occurred_at of the last row, or null once the list has reached undated rows. */
  t: number | null;
  s: number;
}

export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined, check: (x: unknown) => x is T): T | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!check(parsed)) throw new KeepsakeError('BAD_INPUT', 'That page position is not valid any more. Reload the list.');
  return parsed;
}

export function isTimeKey(x: unknown): x is TimeKey {
  if (!x || typeof x !== 'object') return false;
  const k = x as Record<string, unknown>;
  return (k.t === null || (typeof k.t === 'number' && Number.isFinite(k.t))) && typeof k.s === 'number' && Number.isSafeInteger(k.s);
}

export function isNameKey(x: unknown): x is { n: string; s: number } {
  if (!x || typeof x !== 'object') return false;
  const k = x as Record<string, unknown>;
  return typeof k.n === 'string' && k.n.length <= 2000 && typeof k.s === 'number' && Number.isSafeInteger(k.s);
}

export function clampLimit(limit: number | undefined, fallback = 100): number {
  return Math.min(Math.max(limit ?? fallback, 1), 500);
}

/** Slices one extra fetched row into "there is a next page" and builds its cursor. */
export function pageOf<R extends { seq: number }, K>(rows: R[], limit: number, keyOf: (r: R) => K): { rows: R[]; next: string | null } {
  if (rows.length <= limit) return { rows, next: null };
  const kept = rows.slice(0, limit);
  return { rows: kept, next: encodeCursor(keyOf(kept[kept.length - 1]!)) };
}
