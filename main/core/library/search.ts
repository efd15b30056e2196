// Search: one box over everything FTS5 indexes (item titles and text: messages, notes,
// email, contacts, event titles, photo names), filtered by category, date and device,
// grouped by category. [Note: windowed ranking]
// Ranking every match of a very common word ("the" in a million messages) is what makes
// naive FTS5 slow: ORDER BY bm25 must score every row. Instead the newest WINDOW matches
// are taken in rowid order — FTS5 walks its doclist backwards and stops early — and only
// those are ranked by bm25 (title 4×). When fewer than WINDOW rows match, that is every
// match and the ranking is exact; when more match, the answer says `windowed` and the
// screen offers the filters. Prefixes need at least two characters (the index keeps 2-
// and 3-character prefixes, so "ph*" is one doclist, not a vocabulary scan).
import type { SearchResult } from '../../../common/contract/library';
import type { Category } from '../../../common/domain';
import { all, get, type Db, type SqlValue } from '../vault/sql';
import { toRow, type RawRow } from './rows';

export const WINDOW = 2000;

export interface SearchInput {
  q: string;
  categories?: Category[] | undefined;
  from?: number | undefined;
  to?: number | undefined;
  deviceId?: string | undefined;
  perGroup?: number | undefined;
}

/** The person's words as an FTS5 expression: every word a string literal (no syntax injection). */
export function toMatch(text: string): string {
  const parts: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== undefined) {
      const words = m[1].split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      if (words.length) parts.push(`"${words.join(' ')}"`);
      continue;
    }
    const raw = m[2]!;
    const words = raw.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    words.forEach((w, i) => {
      const prefix = i === words.length - 1 && raw.endsWith('*') && w.length >= 2;
      parts.push(`"${w}"${prefix ? '*' : ''}`);
    });
  }
  return parts.slice(0, 32).join(' ');
}

interface Hit extends RawRow {
  score: number;
}

export function searchItems(db: Db, input: SearchInput): SearchResult {
  const match = toMatch(input.q);
  if (!match) return { groups: [], windowed: false };
  const perGroup = input.perGroup ?? 8;
  const conds: string[] = [];
  const params: SqlValue[] = [match];
  if (input.categories?.length) {
    conds.push(`i.category IN (${input.categories.map(() => '?').join(', ')})`);
    params.push(...input.categories);
  }
  if (input.from !== undefined) {
    conds.push('i.occurred_at >= ?');
    params.push(input.from);
  }
  if (input.to !== undefined) {
    conds.push('i.occurred_at < ?');
    params.push(input.to);
  }
  if (input.deviceId !== undefined) {
    conds.push('i.device_id = ?');
    params.push(input.deviceId);
  }
  params.push(WINDOW);
  const rows = all<Hit>(db, {
    text: `SELECT i.seq, i.id, i.category, i.device_id AS deviceId, i.personal, i.occurred_at AS occurredAt, i.title, i.summary, i.version,
             bm25(items_fts, 4.0, 1.0) AS score
           FROM items_fts JOIN items i ON i.seq = items_fts.rowid
           WHERE items_fts MATCH ?${conds.map((c) => ` AND ${c}`).join('')}
           ORDER BY items_fts.rowid DESC LIMIT ?`,
    params,
  });
  const byCategory = new Map<Category, Hit[]>();
  for (const r of rows) {
    const list = byCategory.get(r.category) ?? [];
    list.push(r);
    byCategory.set(r.category, list);
  }
  const groups: SearchResult['groups'] = [];
  for (const [category, list] of byCategory) {
    list.sort((a, b) => a.score - b.score || b.seq - a.seq); // bm25: lower is better
    const top = list.slice(0, perGroup);
    groups.push({ category, more: list.length > perGroup || rows.length === WINDOW, hits: top.map((h) => ({ ...toRow(h), score: -h.score, snippet: snippetOf(db, match, h.seq) ?? h.summary })) });
  }
  // The group whose best hit ranks best comes first.
  groups.sort((a, b) => (b.hits[0]?.score ?? 0) - (a.hits[0]?.score ?? 0));
  return { groups, windowed: rows.length === WINDOW };
}

/** A short excerpt around the match; \u0002 and \u0003 mark the matched words. */
function snippetOf(db: Db, match: string, seq: number): string | undefined {
  return get<{ s: string }>(db, {
    text: `SELECT snippet(items_fts, -1, char(2), char(3), '…', 14) AS s FROM items_fts WHERE items_fts MATCH ? AND rowid = ?`,
    params: [match, seq],
  })?.s;
}
