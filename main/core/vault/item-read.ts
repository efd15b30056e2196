// Reading items back: records, lists, file streams (with byte ranges, for video seeking)
// and full-text search. Every chunk read is decrypted and authenticated; a damaged or
// moved chunk raises CORRUPT and is never returned as data.
import { Readable } from 'node:stream';
import type { Category } from '../../../common/domain';
import { KeepsakeError } from '../../../common/errors';
import type { MediaSource } from '../media';
import type { VaultContext } from './context';
import { chunkAad, open, unwrapItemKey } from './item-crypto';
import { PackReader } from './pack-store';
import { hasPhrase, holdsPhrases, toFtsQuery, toTerms } from '../library/fts-query';
import { ftsKeepsPositions } from './fts-detail';
import { all, get, sql } from './sql';
import type { FileInfo, FileRole, ItemQuery, ItemRecord, ItemSummary, SearchHit } from './types';

interface ItemRowFull {
  seq: number;
  id: string;
  category: Category;
  device_id: string;
  personal: number;
  occurred_at: number | null;
  title: string;
  summary: string;
  body: string;
  fields: string;
  lat: number | null;
  lon: number | null;
  version: number;
  created_at: number;
  updated_at: number;
}

function toSummary(r: ItemRowFull): ItemSummary {
  return {
    id: r.id,
    category: r.category,
    deviceId: r.device_id,
    personal: r.personal === 1,
    occurredAt: r.occurred_at,
    title: r.title,
    summary: r.summary,
    version: r.version,
    updatedAt: r.updated_at,
  };
}

export function getItem(ctx: VaultContext, id: string): ItemRecord | null {
  const r = get<ItemRowFull>(ctx.db, sql`SELECT * FROM items WHERE id = ${id}`);
  if (!r) return null;
  const files = all<FileInfo>(ctx.db, sql`SELECT role, ordinal, name, mime, size FROM files WHERE item_id = ${id} AND version = ${r.version} ORDER BY role, ordinal`);
  const sources = all<{ deviceId: string; sourceKey: string }>(ctx.db, sql`SELECT device_id AS deviceId, source_key AS sourceKey FROM item_sources WHERE item_id = ${id} ORDER BY first_seen_at`);
  return {
    ...toSummary(r),
    text: r.body,
    fields: JSON.parse(r.fields) as Record<string, unknown>,
    location: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
    files,
    sources,
    createdAt: r.created_at,
  };
}

export function listItems(ctx: VaultContext, q: ItemQuery): Array<ItemSummary & { cursor: number }> {
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
  const after = q.after ?? Number.MAX_SAFE_INTEGER;
  const rows = all<ItemRowFull>(
    ctx.db,
    sql`SELECT * FROM items WHERE seq < ${after}
        AND (${q.category ?? null} IS NULL OR category = ${q.category ?? null})
        AND (${q.deviceId ?? null} IS NULL OR device_id = ${q.deviceId ?? null})
        AND (${q.personal === undefined ? null : q.personal ? 1 : 0} IS NULL OR personal = ${q.personal === undefined ? null : q.personal ? 1 : 0})
        ORDER BY seq DESC LIMIT ${limit}`,
  );
  return rows.map((r) => ({ ...toSummary(r), cursor: r.seq }));
}

interface ChunkLoc {
  pack_id: string;
  offset: number;
  length: number;
  plain_length: number;
  file_offset: number;
  chunk_id: Buffer;
}

export interface FileHandle {
  itemId: string;
  size: number;
  mime: string;
  name: string;
  chunks: ChunkLoc[];
  wrappedKey: Buffer;
}

/** Finds a file of an item (current version unless given). */
export function fileHandle(ctx: VaultContext, itemId: string, role: FileRole, ordinal = 0, version?: number): FileHandle | null {
  const f = get<{ seq: number; size: number; mime: string; name: string; wrapped_key: Buffer }>(
    ctx.db,
    sql`SELECT f.seq, f.size, f.mime, f.name, i.wrapped_key FROM files f JOIN items i ON i.id = f.item_id
        WHERE f.item_id = ${itemId} AND f.role = ${role} AND f.ordinal = ${ordinal} AND f.version = COALESCE(${version ?? null}, i.version)`,
  );
  if (!f) return null;
  const chunks = all<ChunkLoc>(
    ctx.db,
    sql`SELECT c.pack_id, c.offset, c.length, c.plain_length, c.chunk_id, fc.file_offset FROM file_chunks fc JOIN chunks c ON c.seq = fc.chunk_seq
        WHERE fc.file_seq = ${f.seq} ORDER BY fc.idx`,
  );
  return { itemId, size: f.size, mime: f.mime, name: f.name, chunks, wrappedKey: f.wrapped_key };
}

/** Streams bytes start..end (inclusive) of a file, decrypting chunk by chunk. */
export function streamFile(ctx: VaultContext, h: FileHandle, start = 0, end = h.size - 1, shared?: PackReader): Readable {
  const reader = shared ?? new PackReader(ctx.layout);
  const key = unwrapItemKey(ctx.keys.itemWrap, h.wrappedKey, h.itemId);
  const wanted = h.chunks.filter((c) => c.file_offset + c.plain_length > start && c.file_offset <= end);
  let i = 0;
  const done = (): void => {
    key.fill(0);
    if (!shared) reader.close();
  };
  return new Readable({
    highWaterMark: 1,
    objectMode: false,
    read() {
      try {
        const c = wanted[i++];
        if (!c) {
          done();
          this.push(null);
          return;
        }
        const plain = open(key, reader.read(c.pack_id, c.offset, c.length), chunkAad(c.chunk_id, h.itemId));
        if (plain.length !== c.plain_length) throw new KeepsakeError('CORRUPT', 'A stored chunk has the wrong length.');
        const from = Math.max(0, start - c.file_offset);
        const to = Math.min(plain.length, end - c.file_offset + 1);
        this.push(plain.subarray(from, to));
      } catch (e) {
        done();
        this.destroy(e as Error);
      }
    },
    destroy(err, cb) {
      done();
      cb(err);
    },
  });
}

export function readFile(ctx: VaultContext, itemId: string, role: FileRole = 'original', ordinal = 0): Readable {
  const h = fileHandle(ctx, itemId, role, ordinal);
  if (!h) throw new KeepsakeError('NOT_FOUND', 'That item has no such file.');
  return h.size === 0 ? Readable.from([]) : streamFile(ctx, h);
}

/**
 * Media ids are "<item id>" (the original), "<item id>.<role>" (its first file of that
 * role) or "<item id>.<role>.<n>" (the nth, from 0, canonical decimal). Any file seeks by
 * chunk, so a range inside a later attachment does not decrypt what comes before it.
 */
/** Rows whose words' order vault search checks for a phrase when the index keeps no positions. */
export const PHRASE_CANDIDATES = 5_000;
/** How much of each candidate's text the phrase check reads (bounds a query over large emails). */
const PHRASE_TEXT_CHARS = 65_536;

export function media(ctx: VaultContext, mediaId: string): MediaSource | null {
  const m = /^([0-9a-f]{32})(?:\.(original|thumbnail|attachment)(?:\.(0|[1-9][0-9]{0,3}))?)?$/.exec(mediaId);
  if (!m) return null;
  const h = fileHandle(ctx, m[1]!, (m[2] as FileRole | undefined) ?? 'original', m[3] ? Number(m[3]) : 0);
  if (!h) return null;
  return { size: h.size, mime: h.mime, stream: (start, end) => streamFile(ctx, h, start, end) };
}

/**
 * Full-text search. The person's words become FTS5 string literals (so no query syntax
 * can be injected), a trailing * keeps prefix search and "quoted words" stay phrases.
 * Ranked with bm25 (title weighted 4×) and cut to the top `limit`. Where the index keeps
 * no positions (detail=column, migration 0960) a phrase is matched as its words and the
 * best-ranked PHRASE_CANDIDATES of those are checked for the words' order in the text.
 */
export function search(ctx: VaultContext, text: string, opts: { limit?: number; category?: Category } = {}): SearchHit[] {
  const terms = toTerms(text);
  const checkOrder = hasPhrase(terms) && !ftsKeepsPositions(ctx.db);
  const match = toFtsQuery(text, !checkOrder);
  if (!match) return [];
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  if (checkOrder) {
    const rows = all<SearchHit & { body: string }>(
      ctx.db,
      sql`SELECT i.id, i.category, i.title, i.summary, i.occurred_at AS occurredAt, f.rank AS rank, substr(i.body, 1, ${PHRASE_TEXT_CHARS}) AS body
          FROM (SELECT rowid, bm25(items_fts, 4.0, 1.0) AS rank FROM items_fts WHERE items_fts MATCH ${match} ORDER BY rank LIMIT ${PHRASE_CANDIDATES}) f
          JOIN items i ON i.seq = f.rowid
          WHERE (${opts.category ?? null} IS NULL OR i.category = ${opts.category ?? null})
          ORDER BY f.rank`,
    );
    return rows
      .filter((r) => holdsPhrases(terms, r.title, r.body))
      .slice(0, limit)
      .map(({ body: _body, ...hit }) => hit);
  }
  return all<SearchHit>(
    ctx.db,
    sql`SELECT i.id, i.category, i.title, i.summary, i.occurred_at AS occurredAt, f.rank AS rank
        FROM (SELECT rowid, bm25(items_fts, 4.0, 1.0) AS rank FROM items_fts WHERE items_fts MATCH ${match} ORDER BY rank LIMIT ${opts.category ? limit * 20 : limit}) f
        JOIN items i ON i.seq = f.rowid
        WHERE (${opts.category ?? null} IS NULL OR i.category = ${opts.category ?? null})
        ORDER BY f.rank LIMIT ${limit}`,
  );
}
