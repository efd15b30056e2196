// Storing items: putItems() in two phases. Phase one (async) decides each item's identity
// (same source key → same item, same key), chunks and encrypts its files into packs and
// computes its fingerprint. Phase two makes the packs durable, then writes every row of
// the batch in ONE transaction (synchronous=FULL), and only then resolves: a caller told
// "added" can rely on it surviving a crash or power loss [Note: durability before
// acknowledgement]. A crash before the commit leaves only unreferenced pack bytes, which
// compaction removes; no partial item is ever visible.
import { randomBytes } from 'node:crypto';
import { isCategory } from '../../../common/categories';
import { KeepsakeError } from '../../../common/errors';
import { AddedRows } from './added-rows';
import { ChunkSink, type ChunkRef, type SmallFileResult } from './chunk-sink';
import { saveBudgets, type VaultContext } from './context';
import { fileHead, fingerprint, fingerprintContent, fingerprintHead } from './fingerprint';
import { NonceBudget, newItemKey, unwrapItemKey, wrapItemKey } from './item-crypto';
import { all, get, run, sql, type Db } from './sql';
import { FILE_ROLES, type FileRole, type NewFile, type NewItem, type PutResult } from './types';
import { materializeVersion, updateItemRow, type ItemContent } from './version-rows';

/** A file given by path (folder backup reads it with large synchronous reads). */
export interface PathFile {
  role: FileRole;
  name: string;
  mime: string;
  path: string;
  /** Size when known (from stat): large files are sealed on worker threads. */
  size?: number;
}
export type IngestFile = NewFile | PathFile;
export type IngestItem = Omit<NewItem, 'files'> & { files?: IngestFile[] };

interface ItemRow {
  seq: number;
  id: string;
  version: number;
  fingerprint: Buffer;
  wrapped_key: Buffer;
  key_uses: number;
}

interface PreparedFile {
  role: FileRole;
  ordinal: number;
  name: string;
  mime: string;
  size: number;
  refs: ChunkRef[];
}

interface Prepared {
  item: IngestItem;
  deviceId: string;
  itemId: string;
  existing: ItemRow | null;
  wrappedKey: Buffer;
  budget: NonceBudget;
  files: PreparedFile[];
  fp: Buffer;
}

const MAX_TEXT = 1_000_000;
/** Files at least this big are sealed on worker threads (smaller ones: the round trip costs more). */
const PARALLEL_MIN_BYTES = 1024 * 1024;
/**
 * Items with a large file prepared at once: two per seal worker (one running, one queued
 * in the worker, seal-pool.ts DEPTH), so a worker never waits for this thread between files.
 */
const PREPARE_AT_ONCE = 4;
/**
 * Items made only of small files on disk prepared at once: their files go to the seal
 * workers in batches (ChunkSink.addSmallFile), so many must be under way to fill a batch.
 */
const SMALL_AT_ONCE = 256;

/**
 * 32 hex characters: 48 bits of milliseconds, then 80 random bits. Time-ordered ids make
 * every index keyed by item id grow at its end instead of at random pages, which cut the
 * index's CPU (each dirty page is encrypted and MAC'd) by ~30 % for many small items.
 */
export function newItemId(): string {
  if (idRandomAt + 10 > idRandom.length) {
    idRandom = randomBytes(4000);
    idRandomAt = 0;
  }
  idRandomAt += 10;
  return Date.now().toString(16).padStart(12, '0').slice(-12) + idRandom.toString('hex', idRandomAt - 10, idRandomAt);
}
/** Id randomness drawn 4,000 bytes at a time (one CSPRNG call per item was measurable in a backup of small files); each slice is used once. */
let idRandom = Buffer.alloc(0);
let idRandomAt = 0;

export function validateItem(item: IngestItem): void {
  const bad = (why: string): never => {
    throw new KeepsakeError('BAD_INPUT', `An item could not be stored: ${why}.`);
  };
  if (!isCategory(item.category)) bad('its category is unknown');
  if (typeof item.sourceKey !== 'string' || item.sourceKey.length === 0 || item.sourceKey.length > 4096) bad('its source key is missing or too long');
  if (item.deviceId !== undefined && (typeof item.deviceId !== 'string' || item.deviceId.length === 0 || item.deviceId.length > 200)) bad('its device id is invalid');
  if (item.occurredAt !== undefined && !Number.isFinite(item.occurredAt)) bad('its time is not a number');
  if ((item.title?.length ?? 0) > 10_000) bad('its title is too long');
  if ((item.text?.length ?? 0) > MAX_TEXT) bad('its text is too long');
  if (typeof item.personal !== 'boolean') bad('it is not marked personal or non-personal');
  if (!item.fields || typeof item.fields !== 'object' || Array.isArray(item.fields)) bad('its fields are not an object');
  if (item.location && !(Math.abs(item.location.lat) <= 90 && Math.abs(item.location.lon) <= 180)) bad('its location is out of range');
  for (const f of item.files ?? []) {
    if (!FILE_ROLES.includes(f.role)) bad('a file has an unknown role');
    if (typeof f.name !== 'string' || f.name.length > 1024 || typeof f.mime !== 'string' || f.mime.length > 200) bad('a file name or type is invalid');
  }
}

/** Rows a caller writes in a batch's own transaction (e.g. a phone's acks: one commit, one fsync). */
export type CommitHook = (db: Db, results: PutResult[]) => void;

export async function putItems(ctx: VaultContext, batch: IngestItem[], inCommit?: CommitHook): Promise<PutResult[]> {
  for (const item of batch) validateItem(item);
  const sink = new ChunkSink(ctx);
  let prepared: Prepared[];
  try {
    prepared = await prepareAll(ctx, sink, batch, knownSources(ctx, batch));
    await sink.flush(); // every pack durable before any row can point at it
  } catch (e) {
    sink.abort();
    throw e;
  }
  const results: PutResult[] = [];
  const devices = new Set<string>();
  ctx.db.transaction(() => {
    for (const p of prepared) {
      if (!devices.has(p.deviceId)) ensureDevice(ctx, p.deviceId);
      devices.add(p.deviceId);
    }
    for (const p of sink.packs) {
      run(ctx.db, sql`INSERT INTO packs (id, size, chunk_count, created_at) VALUES (${p.id}, ${p.size}, ${p.entries.length}, ${ctx.now()})`);
    }
    const seen = fingerprintsSeen(ctx, prepared);
    const added = new AddedRows();
    for (const p of prepared) results.push(commitOne(ctx, p, seen, added));
    added.write(ctx.db);
    saveBudgets(ctx);
    inCommit?.(ctx.db, results);
  })();
  return results;
}

/**
 * Prepares the batch's items, results in batch order, in two lanes: items with a large
 * file PREPARE_AT_ONCE at a time (each seal worker on one large file, this thread on the
 * next item), and items made only of small files on disk SMALL_AT_ONCE at a time (their
 * files go to the workers in batches). Items never depend on each other in phase one: identity
 * comes from rows committed before the batch, and twins are found at commit time.
 * On the first failure no new item is started and the ones under way are awaited, so
 * nothing is still writing into the sink when the caller aborts it.
 */
async function prepareAll(ctx: VaultContext, sink: ChunkSink, batch: IngestItem[], known: Map<string, ItemRow>): Promise<Prepared[]> {
  const out = new Array<Prepared>(batch.length);
  let failure: { e: unknown } | null = null;
  // two lanes: items of small files on disk (batched to the workers), and the rest
  const small: number[] = [];
  const other: number[] = [];
  const workers = ctx.sealPool() !== null;
  batch.forEach((item, i) => (workers && isSmallOnly(item) ? small : other).push(i));
  const lane = (indices: number[], width: number): Array<Promise<void>> => {
    let next = 0;
    const runner = async (): Promise<void> => {
      while (!failure && next < indices.length) {
        const i = indices[next++]!;
        try {
          out[i] = await prepare(ctx, sink, batch[i]!, known);
        } catch (e) {
          failure ??= { e };
        }
      }
    };
    return Array.from({ length: Math.min(width, indices.length) }, runner);
  };
  await Promise.all([...lane(other, PREPARE_AT_ONCE), ...lane(small, SMALL_AT_ONCE)]);
  if (failure) throw (failure as { e: unknown }).e;
  return out;
}

/** An item of exactly one small file on disk, with seal workers: they wrap its new key and make its fingerprint. */
function singleSmallFile(ctx: VaultContext, item: IngestItem): boolean {
  return item.files?.length === 1 && ctx.sealPool() !== null && isSmallOnly(item);
}

/** True when every file of the item is a file on disk known to be small. */
function isSmallOnly(item: IngestItem): boolean {
  const files = item.files ?? [];
  return files.length > 0 && files.every((f) => 'path' in f && f.size !== undefined && f.size < PARALLEL_MIN_BYTES);
}

/** Rows per statement when a batch's source keys or fingerprints are looked up together. */
const LOOKUP_ROWS = 5000;

function sourceKeyOf(deviceId: string, sourceKey: string): string {
  return `${deviceId}\u0000${sourceKey}`;
}

/**
 * The stored items of the batch's sources, in a few statements (one bound JSON array of
 * [device, source key] pairs each) instead of a query per item: ~15 µs per small file of a
 * first backup. Same rows as before: identity comes from what was committed before the batch.
 */
function knownSources(ctx: VaultContext, batch: IngestItem[]): Map<string, ItemRow> {
  const found = new Map<string, ItemRow>();
  for (let i = 0; i < batch.length; i += LOOKUP_ROWS) {
    const keys = JSON.stringify(batch.slice(i, i + LOOKUP_ROWS).map((it) => [it.deviceId ?? 'local', it.sourceKey]));
    const rows = all<ItemRow & { device_id: string; source_key: string }>(
      ctx.db,
      sql`SELECT s.device_id, s.source_key, i.seq, i.id, i.version, i.fingerprint, i.wrapped_key, i.key_uses
          FROM json_each(${keys}) j JOIN item_sources s ON s.device_id = j.value ->> 0 AND s.source_key = j.value ->> 1 JOIN items i ON i.id = s.item_id`,
    );
    for (const r of rows) found.set(sourceKeyOf(r.device_id, r.source_key), { seq: r.seq, id: r.id, version: r.version, fingerprint: r.fingerprint, wrapped_key: r.wrapped_key, key_uses: r.key_uses });
  }
  return found;
}

async function prepare(ctx: VaultContext, sink: ChunkSink, item: IngestItem, known: Map<string, ItemRow>): Promise<Prepared> {
  const deviceId = item.deviceId ?? 'local';
  const existing = known.get(sourceKeyOf(deviceId, item.sourceKey)) ?? null;
  let itemId: string;
  let itemKey: Buffer;
  /** null: a new item whose key the seal worker wraps with its one small file (else this thread does, below). */
  let wrappedKey: Buffer | null;
  let budget: NonceBudget;
  if (existing && existing.wrapped_key.length === 0 && !item.files?.length) {
    // A record stored in bulk has no data key until something is sealed under it
    // (record-store.ts); an edit without files seals nothing, so it stays without one.
    itemId = existing.id;
    itemKey = Buffer.alloc(0);
    wrappedKey = existing.wrapped_key;
    budget = new NonceBudget(0);
  } else if (existing && existing.wrapped_key.length === 0) {
    // Its first file: it gets its own key now, saved by commitOne with the new version.
    itemId = existing.id;
    itemKey = newItemKey();
    ctx.budgets.itemWrap.take();
    wrappedKey = wrapItemKey(ctx.keys.itemWrap, itemKey, itemId);
    budget = new NonceBudget(0);
  } else if (existing) {
    itemId = existing.id;
    itemKey = unwrapItemKey(ctx.keys.itemWrap, existing.wrapped_key, itemId);
    wrappedKey = existing.wrapped_key;
    budget = new NonceBudget(existing.key_uses);
  } else {
    itemId = newItemId();
    itemKey = newItemKey();
    ctx.budgets.itemWrap.take(); // counted here wherever the wrap runs
    // An item of one small file on disk (a folder backup's): its key goes to a seal worker
    // anyway, which wraps it there too — ~12 µs less of this thread per file.
    wrappedKey = singleSmallFile(ctx, item) ? null : wrapItemKey(ctx.keys.itemWrap, itemKey, itemId);
    budget = new NonceBudget(0);
    sink.markNew(itemId);
  }
  const files: PreparedFile[] = [];
  const ordinals = new Map<FileRole, number>();
  const content = fingerprintContent(item);
  // an item of one small file: the worker that seals it makes the fingerprint as well
  const first = item.files?.[0];
  const fpHeads: [string, string] | undefined = first && singleSmallFile(ctx, item) ? [fingerprintHead(content), fileHead(first.role, first.mime)] : undefined;
  let workerFp: Buffer | undefined;
  try {
    for (const f of item.files ?? []) {
      const ordinal = ordinals.get(f.role) ?? 0;
      ordinals.set(f.role, ordinal + 1);
      await sink.throttle();
      const { refs, size, wrapped, fp: madeFp }: SmallFileResult =
        'path' in f
          ? f.size !== undefined && f.size >= PARALLEL_MIN_BYTES
            ? await sink.addFileParallel(itemId, itemKey, budget, f.path)
            : f.size !== undefined
              ? await sink.addSmallFile(itemId, itemKey, budget, f.path, f.size, wrappedKey === null, fpHeads)
              : sink.addFile(itemId, itemKey, budget, f.path)
          : Buffer.isBuffer(f.data) && f.data.length >= PARALLEL_MIN_BYTES
            ? await sink.addFileParallel(itemId, itemKey, budget, f.data)
            : await sink.addData(itemId, itemKey, budget, f.data);
      if (wrappedKey === null && wrapped) wrappedKey = wrapped;
      workerFp = madeFp;
      files.push({ role: f.role, ordinal, name: f.name, mime: f.mime, size, refs });
    }
    // the file was read another way (grown, or the workers went away): wrapped here
    wrappedKey ??= wrapItemKey(ctx.keys.itemWrap, itemKey, itemId);
  } finally {
    itemKey.fill(0);
  }
  const fp = workerFp ?? fingerprint(ctx.keys.fingerprint, { ...content, files });
  return { item, deviceId, itemId, existing, wrappedKey, budget, files, fp };
}

/**
 * Which fingerprints of the batch's new items may be tombstoned or have a twin: the ones
 * found in tombstones / items when the commit starts (two statements per batch), plus every
 * fingerprint this commit gives an item (added or updated). commitOne asks the index only
 * about those — the same answers as a query per new item, without 2 queries per small file.
 */
interface FingerprintsSeen {
  tombstoned: Set<string>;
  inItems: Set<string>;
}

function fingerprintsSeen(ctx: VaultContext, prepared: Prepared[]): FingerprintsSeen {
  const seen: FingerprintsSeen = { tombstoned: new Set(), inItems: new Set() };
  const fresh = prepared.filter((p) => !p.existing).map((p) => p.fp.toString('hex'));
  for (let i = 0; i < fresh.length; i += LOOKUP_ROWS) {
    const fps = JSON.stringify(fresh.slice(i, i + LOOKUP_ROWS));
    for (const r of all<{ fp: string }>(ctx.db, sql`SELECT lower(hex(t.fingerprint)) AS fp FROM json_each(${fps}) j JOIN tombstones t ON t.fingerprint = unhex(j.value)`)) {
      seen.tombstoned.add(r.fp);
    }
    for (const r of all<{ fp: string }>(ctx.db, sql`SELECT DISTINCT lower(hex(i.fingerprint)) AS fp FROM json_each(${fps}) j JOIN items i ON i.fingerprint = unhex(j.value)`)) {
      seen.inItems.add(r.fp);
    }
  }
  return seen;
}

function commitOne(ctx: VaultContext, p: Prepared, seen: FingerprintsSeen, added: AddedRows): PutResult {
  const db = ctx.db;
  const now = ctx.now();
  if (p.existing) {
    if (p.existing.fingerprint.equals(p.fp)) return { id: p.existing.id, status: 'duplicate', version: p.existing.version };
    // The source still says what an earlier version said (the person edited the item since,
    // and re-imported the unchanged file): keep their edit, it is not a newer source.
    if (get(db, sql`SELECT 1 AS x FROM item_versions WHERE item_id = ${p.existing.id} AND fingerprint = ${p.fp}`)) {
      return { id: p.existing.id, status: 'duplicate', version: p.existing.version };
    }
    const version = p.existing.version + 1;
    seen.inItems.add(p.fp.toString('hex'));
    // A record stored in bulk has no row for its current version yet (version-rows.ts).
    materializeVersion(db, p.existing.id);
    writeVersion(ctx, p, version, now);
    updateItemRow(db, p.itemId, { ...contentOf(p), version, now, key: { wrapped: p.wrappedKey, uses: p.budget.uses } });
    return { id: p.itemId, status: 'updated', version };
  }
  const fpHex = p.fp.toString('hex');
  if (seen.tombstoned.has(fpHex) && get(db, sql`SELECT 1 AS x FROM tombstones WHERE fingerprint = ${p.fp}`)) return { id: '', status: 'tombstoned', version: 0 };
  // An item stored before this batch or updated earlier in this commit has a lower seq than
  // any added in it, so the index answers first, as `LIMIT 1` on items_fingerprint did
  // when every added item was inserted on the spot; else the first added in this batch.
  const twin = seen.inItems.has(fpHex) ? get<{ id: string; version: number }>(db, sql`SELECT id, version FROM items WHERE fingerprint = ${p.fp} LIMIT 1`) : undefined;
  if (twin) {
    run(db, sql`INSERT INTO item_sources (device_id, source_key, item_id, first_seen_at) VALUES (${p.deviceId}, ${p.item.sourceKey}, ${twin.id}, ${now})`);
    return { id: twin.id, status: 'duplicate', version: twin.version };
  }
  const pendingTwin = seen.inItems.has(fpHex) ? added.twinOf(fpHex) : undefined;
  if (pendingTwin !== undefined) {
    added.addTwinSource(p.deviceId, p.item.sourceKey, pendingTwin, now);
    return { id: pendingTwin, status: 'duplicate', version: 1 };
  }
  // written with the batch's other added items at the end of the commit (added-rows.ts)
  added.add({
    ...contentOf(p),
    itemId: p.itemId,
    category: p.item.category,
    deviceId: p.deviceId,
    sourceKey: p.item.sourceKey,
    wrappedKey: p.wrappedKey,
    keyUses: p.budget.uses,
    now,
    files: p.files,
  });
  seen.inItems.add(fpHex);
  return { id: p.itemId, status: 'added', version: 1 };
}

/** The item's content as its items row (and version row) hold it. */
function contentOf(p: Prepared): ItemContent {
  const i = p.item;
  return {
    occurredAt: i.occurredAt ?? null,
    title: i.title ?? '',
    summary: summaryOf(i.text),
    body: i.text ?? '',
    fields: JSON.stringify(i.fields),
    lat: i.location?.lat ?? null,
    lon: i.location?.lon ?? null,
    personal: i.personal,
    fingerprint: p.fp,
  };
}

function writeVersion(ctx: VaultContext, p: Prepared, version: number, now: number): void {
  const db = ctx.db;
  const i = p.item;
  run(
    db,
    sql`INSERT INTO item_versions (item_id, version, occurred_at, title, summary, body, fields, lat, lon, fingerprint, created_at)
        VALUES (${p.itemId}, ${version}, ${i.occurredAt ?? null}, ${i.title ?? ''}, ${summaryOf(i.text)}, ${i.text ?? ''}, ${JSON.stringify(i.fields)},
                ${i.location?.lat ?? null}, ${i.location?.lon ?? null}, ${p.fp}, ${now})`,
  );
  for (const f of p.files) {
    const fileSeq = Number(
      run(db, sql`INSERT INTO files (item_id, version, role, ordinal, name, mime, size) VALUES (${p.itemId}, ${version}, ${f.role}, ${f.ordinal}, ${f.name}, ${f.mime}, ${f.size})`)
        .lastInsertRowid,
    );
    let offset = 0;
    f.refs.forEach((r, idx) => {
      if (r.seq === undefined) {
        r.seq = Number(
          run(
            db,
            sql`INSERT INTO chunks (item_id, chunk_id, pack_id, offset, length, plain_length) VALUES (${p.itemId}, ${r.id}, ${r.packId!}, ${r.offset!}, ${r.length!}, ${r.plain})`,
          ).lastInsertRowid,
        );
      }
      run(db, sql`INSERT INTO file_chunks (file_seq, idx, chunk_seq, file_offset) VALUES (${fileSeq}, ${idx}, ${r.seq}, ${offset})`);
      offset += r.plain;
    });
  }
}

function ensureDevice(ctx: VaultContext, deviceId: string): void {
  run(ctx.db, sql`INSERT INTO devices (id, name, created_at) VALUES (${deviceId}, ${deviceId}, ${ctx.now()}) ON CONFLICT (id) DO NOTHING`);
}

/** The first few hundred characters of the text, on one line, for lists. */
export function summaryOf(text: string | undefined): string {
  if (!text) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 280 ? `${flat.slice(0, 279)}…` : flat;
}
