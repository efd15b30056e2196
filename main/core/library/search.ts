// Search: one box over everything FTS5 indexes (item titles and text: messages, notes,
// email, contacts, event titles, photo names), filtered by category, date and device,
// grouped by category. [Note: windowed ranking]
// Ranking every match of a very common word ("the" in a million messages) is what makes
// naive FTS5 slow: ORDER BY bm25 must score every row, and bm25() itself counts every
// row holding each phrase once per query (tens of ms for a common word, more for a
// phrase). Instead the newest WINDOW matches are taken in rowid order — FTS5 walks its
// doclist backwards and stops early — and those are scored here with BM25's term-frequency
// saturation and length normalisation (k1 = 1.2, b = 0.75; a title hit counts 4×; every
// query term weighs the same, since each candidate holds all of them). When fewer than
// WINDOW rows match that is every match; when more match the answer says `windowed` and
// the screen offers the filters. Prefixes need at least two characters (the index keeps
// 2- and 3-character prefixes, so "ph*" is one doclist, not a vocabulary scan). A quoted
// phrase in a vault whose index keeps no positions (detail=column, migration 0960) is
// matched as its words and its order checked on the text (PHRASE_CANDIDATES).
import type { SearchResult } from '../../../common/contract/library';
import type { Category } from '../../../common/domain';
import { ftsKeepsPositions } from '../vault/fts-detail';
import { all, type Db, type SqlValue } from '../vault/sql';
import { hasPhrase, holdsPhrases, toFtsQuery, toTerms, tokens, type Term } from './fts-query';
import { toRow, type RawRow } from './rows';

export const WINDOW = 500;
/**
 * Without token positions (detail=column, vault/fts-detail.ts) a phrase is looked up as its
 * words and its order checked here on the text: the newest PHRASE_CANDIDATES rows holding
 * all the words are read (their first PHRASE_TEXT_CHARS characters) to find up to WINDOW
 * that hold the phrase.
 */
export const PHRASE_CANDIDATES = 4 * WINDOW;
/** How much of each candidate's text the phrase check reads (bounds a query over large emails). */
export const PHRASE_TEXT_CHARS = 65_536;

export interface SearchInput {
  q: string;
  categories?: Category[] | undefined;
  from?: number | undefined;
  to?: number | undefined;
  deviceId?: string | undefined;
  perGroup?: number | undefined;
}

interface Hit extends RawRow {
  body: string;
  score: number;
}

function termFrequency(toks: string[], t: Term): number {
  let n = 0;
  const w0 = t.words[0]!;
  for (let i = 0; i < toks.length; i++) {
    if (t.words.length === 1) {
      if (t.prefix ? toks[i]!.startsWith(w0) : toks[i] === w0) n++;
    } else if (toks[i] === w0 && t.words.every((w, k) => toks[i + k] === w)) n++;
  }
  return n;
}

const K1 = 1.2;
const B = 0.75;
const TITLE_WEIGHT = 4;

function score(rows: Hit[], terms: Term[]): void {
  const docs = rows.map((r) => ({ title: tokens(r.title), body: tokens(r.body) }));
  const avg = docs.reduce((s, d) => s + d.title.length + d.body.length, 0) / Math.max(1, docs.length) || 1;
  rows.forEach((r, i) => {
    const d = docs[i]!;
    const len = d.title.length + d.body.length;
    let sum = 0;
    for (const t of terms) {
      const tf = TITLE_WEIGHT * termFrequency(d.title, t) + termFrequency(d.body, t);
      sum += (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * len) / avg));
    }
    r.score = sum;
  });
}

export function searchItems(db: Db, input: SearchInput): SearchResult {
  const terms = toTerms(input.q);
  const checkOrder = hasPhrase(terms) && !ftsKeepsPositions(db);
  const match = toFtsQuery(input.q, !checkOrder);
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
  params.push(checkOrder ? PHRASE_CANDIDATES : WINDOW);
  const fetched = all<Hit>(db, {
    text: `SELECT i.seq, i.id, i.category, i.device_id AS deviceId, i.personal, i.occurred_at AS occurredAt, i.title, i.summary, i.version,
             substr(i.body, 1, ${checkOrder ? PHRASE_TEXT_CHARS : 4000}) AS body
           FROM items_fts JOIN items i ON i.seq = items_fts.rowid
           WHERE items_fts MATCH ?${conds.map((c) => ` AND ${c}`).join('')}
           ORDER BY items_fts.rowid DESC LIMIT ?`,
    params,
  });
  // The phrase check reads up to PHRASE_TEXT_CHARS of the text; what is kept is cut as the
  // query without a phrase cuts it (4,000 characters).
  const rows = checkOrder
    ? fetched.filter((r) => holdsPhrases(terms, r.title, r.body)).slice(0, WINDOW).map((r) => ({ ...r, body: [...r.body.slice(0, 8000)].slice(0, 4000).join('') }))
    : fetched;
  const windowed = rows.length === WINDOW || (checkOrder && fetched.length === PHRASE_CANDIDATES);
  score(rows, terms);
  const byCategory = new Map<Category, Hit[]>();
  for (const r of rows) {
    const list = byCategory.get(r.category) ?? [];
    list.push(r);
    byCategory.set(r.category, list);
  }
  const groups: SearchResult['groups'] = [];
  for (const [category, list] of byCategory) {
    list.sort((a, b) => b.score - a.score || b.seq - a.seq); // higher is better; newer first on ties
    const top = list.slice(0, perGroup);
    groups.push({ category, more: list.length > perGroup || windowed, hits: top.map((h) => ({ ...toRow(h), score: h.score, snippet: snippetFor(h.body, terms) })) });
  }
  // The group whose best hit ranks best comes first.
  groups.sort((a, b) => (b.hits[0]?.score ?? 0) - (a.hits[0]?.score ?? 0));
  return { groups, windowed };
}

/**
 * A short excerpt around the first match; \u0002 and \u0003 mark the matched words. Made
 * here rather than with FTS5 snippet(), which re-runs the MATCH for each hit (a 4-letter
 * prefix rebuilds its merged doclist every time: ~15 ms a hit on a million messages).
 */
export function snippetFor(text: string, terms: Term[], radius = 6): string {
  const words: Array<{ start: number; end: number; norm: string }> = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) words.push({ start: m.index, end: m.index + m[0].length, norm: tokens(m[0]).join('') });
  const norms = words.map((w) => w.norm);
  const hit = new Set<number>();
  for (const t of terms) {
    for (let i = 0; i < norms.length; i++) {
      const w0 = t.words[0]!;
      const ok = t.words.length === 1 ? (t.prefix ? norms[i]!.startsWith(w0) : norms[i] === w0) : t.words.every((w, k) => norms[i + k] === w);
      if (ok) for (let k = 0; k < t.words.length; k++) hit.add(i + k);
    }
  }
  const first = hit.size ? Math.min(...hit) : 0;
  const from = Math.max(0, first - radius);
  const to = Math.min(words.length - 1, first + radius * 2);
  if (!words.length) return text.slice(0, 120);
  let out = from > 0 ? '…' : '';
  for (let i = from; i <= to; i++) {
    const w = words[i]!;
    const gap = i === from ? '' : text.slice(words[i - 1]!.end, w.start).replace(/\s+/g, ' ');
    const word = text.slice(w.start, w.end);
    out += gap + (hit.has(i) ? `\u0002${word}\u0003` : word);
  }
  return to < words.length - 1 ? `${out}…` : out;
}
