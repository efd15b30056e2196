// The session-5 first-backup speed paths keep their answers: a batch's identities, tombstones
// and twins are looked up in a few statements per batch (item-store.ts knownSources /
// fingerprintsSeen) yet give exactly what a query per item gave — including twins made
// earlier in the same commit and sources of another device; seal workers take a second job
// while busy (seal-pool.ts DEPTH) and every job still comes back right, also after one is
// cancelled half-way; a finished pack is published (rename, folder fsync) off this thread.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkSink } from '../../../main/core/vault/chunk-sink';
import { Chunker } from '../../../main/core/vault/chunker';
import type { VaultContext } from '../../../main/core/vault/context';
import { fingerprint } from '../../../main/core/vault/fingerprint';
import { chunkAad, chunkId, NonceBudget, newItemKey, open, seal, unwrapItemKey } from '../../../main/core/vault/item-crypto';
import { packPath } from '../../../main/core/vault/layout';
import { SealPool } from '../../../main/core/vault/seal-pool';
import type { NewItem } from '../../../main/core/vault/types';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, pseudoRandom, SMALL_CHUNKS, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let vault: Vault | null = null;
let pool: SealPool | null = null;
beforeEach(() => {
  t = tempDir('ks-speed-');
});
afterEach(() => {
  vault?.close();
  vault = null;
  pool?.close();
  pool = null;
  t.cleanup();
});

/** A photo whose fingerprint depends only on `name` and `data` (the source key is not in it). */
const photo = (sourceKey: string, name: string, data: Buffer, extra: Partial<NewItem> = {}): NewItem => ({
  category: 'photo',
  sourceKey,
  title: name,
  fields: {},
  personal: true,
  files: [{ role: 'original', name, mime: 'image/jpeg', data }],
  ...extra,
});

describe('putItems with batched lookups', () => {
  it('finds sources, tombstones and twins (from before the batch and made in it) exactly as a query per item did', async () => {
    vault = (await newVault(join(t.dir, 'home'), { chunker: SMALL_CHUNKS })).vault;
    const [x, w, gone, k] = await vault.putItems([
      photo('x', 'x.jpg', pseudoRandom(20_000, 1)),
      photo('w', 'w.jpg', pseudoRandom(20_000, 2)),
      photo('t0', 't.jpg', pseudoRandom(20_000, 3)),
      photo('k', 'k.jpg', pseudoRandom(20_000, 4)),
    ]);
    expect(await vault.destroyItems([gone!.id])).toBe(1); // leaves a tombstone of its fingerprint

    const results = await vault.putItems([
      photo('x', 'x.jpg', pseudoRandom(20_000, 11)), // known source, new content: a version
      photo('y', 'x.jpg', pseudoRandom(20_000, 11)), // the content x was just given: twin of x
      photo('a', 'a.jpg', pseudoRandom(20_000, 12)), // new
      photo('b', 'a.jpg', pseudoRandom(20_000, 12)), // twin of a, made in this commit
      photo('t', 't.jpg', pseudoRandom(20_000, 3)), // erased content: stays erased
      photo('z', 'w.jpg', pseudoRandom(20_000, 2)), // twin of an item from before the batch
      photo('k', 'k.jpg', pseudoRandom(20_000, 13), { deviceId: 'phone-1' }), // same key, other device: its own item
      photo('k', 'k.jpg', pseudoRandom(20_000, 4)), // known source, same content
    ]);
    expect(results.map((r) => r.status)).toEqual(['updated', 'duplicate', 'added', 'duplicate', 'tombstoned', 'duplicate', 'added', 'duplicate']);
    expect(results[0]).toEqual({ id: x!.id, status: 'updated', version: 2 });
    expect(results[1]).toEqual({ id: x!.id, status: 'duplicate', version: 2 });
    expect(results[3]).toEqual({ id: results[2]!.id, status: 'duplicate', version: 1 });
    expect(results[5]).toEqual({ id: w!.id, status: 'duplicate', version: 1 });
    expect(results[6]!.id).not.toBe(k!.id);
    expect(results[7]).toEqual({ id: k!.id, status: 'duplicate', version: 1 });
    // a twin is one item with two sources; the other device's item keeps its own source
    expect(vault.getItem(x!.id)!.sources).toHaveLength(2);
    expect(vault.getItem(results[2]!.id)!.sources).toHaveLength(2);
    expect(vault.getItem(results[6]!.id)!.sources).toHaveLength(1);
    // and a second run of the same batch finds every source it just stored
    const again = await vault.putItems([photo('a', 'a.jpg', pseudoRandom(20_000, 12)), photo('k', 'k.jpg', pseudoRandom(20_000, 13), { deviceId: 'phone-1' })]);
    expect(again).toEqual([
      { id: results[2]!.id, status: 'duplicate', version: 1 },
      { id: results[6]!.id, status: 'duplicate', version: 1 },
    ]);
  });
});

describe('added items written in bulk (added-rows.ts)', () => {
  it('store files with repeated chunks and several files per item that read back, check clean and keep their text', async () => {
    vault = (await newVault(join(t.dir, 'home'), { chunker: SMALL_CHUNKS })).vault;
    const half = pseudoRandom(150_000, 70);
    const twice = Buffer.concat([half, half]); // the second half cuts into the same chunks again
    const thumb = pseudoRandom(3000, 71);
    const lone = 'bad\ud800name.jpg'; // a lone surrogate, bound like any other string
    const results = await vault.putItems([
      photo('r', 'r.jpg', twice, { text: 'first line\n  second  line', location: { lat: 48.5, lon: -3.25 }, occurredAt: 1_700_000_000_123 }),
      { ...photo('m', 'm.jpg', pseudoRandom(40_000, 72)), files: [
        { role: 'original', name: 'm.jpg', mime: 'image/jpeg', data: pseudoRandom(40_000, 72) },
        { role: 'thumbnail', name: 'm-thumb.jpg', mime: 'image/jpeg', data: thumb },
      ] },
      photo('s', lone, pseudoRandom(10_000, 73)),
      photo('e', 'empty.jpg', Buffer.alloc(0)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['added', 'added', 'added', 'added']);
    const ctx = (vault as unknown as { ctx: VaultContext }).ctx;
    const read = async (id: string, role?: 'thumbnail'): Promise<Buffer> => {
      const parts: Buffer[] = [];
      for await (const c of vault!.readFile(id, role ?? 'original')) parts.push(c as Buffer);
      return Buffer.concat(parts);
    };
    expect((await read(results[0]!.id)).equals(twice)).toBe(true);
    expect((await read(results[1]!.id, 'thumbnail')).equals(thumb)).toBe(true);
    expect((await read(results[2]!.id)).equals(pseudoRandom(10_000, 73))).toBe(true);
    expect((await read(results[3]!.id)).length).toBe(0);
    // repeated chunks are stored once and referred to twice
    const counts = ctx.db
      .prepare('SELECT count(*) AS links, count(DISTINCT fc.chunk_seq) AS chunks FROM file_chunks fc JOIN files f ON f.seq = fc.file_seq WHERE f.item_id = ?')
      .get(results[0]!.id) as { links: number; chunks: number };
    expect(counts.links).toBeGreaterThan(counts.chunks);
    const item = vault.getItem(results[0]!.id)!;
    expect(item).toMatchObject({ title: 'r.jpg', location: { lat: 48.5, lon: -3.25 }, occurredAt: 1_700_000_000_123 });
    // the lone surrogate is stored as a bound string stores it
    const bound = (ctx.db.prepare('SELECT ? AS t').get(lone) as { t: string }).t;
    expect(vault.getItem(results[2]!.id)!.title).toBe(bound);
    expect(vault.search('second')[0]?.id).toBe(results[0]!.id);
    const report = await vault.check({ readData: true });
    expect(report.ok).toBe(true);
  });
});

describe('item keys and nonces from the pooled CSPRNG draw', () => {
  it('are never repeated and each key is its own memory', () => {
    const keys = Array.from({ length: 300 }, () => newItemKey()); // spans several 4 KiB draws
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(keys.length);
    for (const key of keys) expect(key.length).toBe(32);
    // wiping one key leaves the next untouched (no shared backing memory)
    const [a, b] = keys;
    const bBefore = Buffer.from(b!);
    a!.fill(0);
    expect(b!.equals(bBefore)).toBe(true);
    const key = randomBytes(32);
    const nonces = Array.from({ length: 500 }, () => seal(key, Buffer.from('x'), Buffer.alloc(0)).subarray(0, 12).toString('hex'));
    expect(new Set(nonces).size).toBe(nonces.length);
  });
});

describe('seal workers with a job queued behind the one they run', () => {
  const PARAMS = { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 };

  it('answer every job right on one worker, and a job cancelled half-way does not hold up the next', async () => {
    const macKey = randomBytes(32);
    const chunker = new Chunker(PARAMS, macKey);
    const files = [0, 1, 2, 3].map((i) => {
      const path = join(t.dir, `big-${i}.bin`);
      const data = pseudoRandom(700_000 + i * 1000, 40 + i);
      writeFileSync(path, data);
      return { path, data, key: randomBytes(32), itemId: `item-${i}` };
    });
    pool = new SealPool(1);
    const seal1 = async (f: (typeof files)[number], stopAfter = Infinity): Promise<string[]> => {
      const ids: string[] = [];
      const gen = pool!.sealFile({ path: f.path, key: f.key, macKey, itemId: f.itemId, cut: chunker.cutParams, maxSeals: 1000 });
      for await (const c of gen) {
        expect(open(f.key, Buffer.concat(c.parts!), chunkAad(c.id, f.itemId)).length).toBe(c.plain);
        ids.push(c.id.toString('hex'));
        if (ids.length >= stopAfter) break; // cancels the job on the worker
      }
      return ids;
    };
    const expected = (f: (typeof files)[number]): string[] => chunker.split(f.data).map((c) => chunkId(macKey, c).toString('hex'));
    const smallPath = join(t.dir, 'small.txt');
    writeFileSync(smallPath, pseudoRandom(5000, 50));
    const smallKey = randomBytes(32);
    const [cut, second, third, small, fourth] = await Promise.all([
      seal1(files[0]!, 1),
      seal1(files[1]!),
      seal1(files[2]!),
      pool.sealSmall([{ path: smallPath, key: smallKey, itemId: 'item-small', maxSeals: 10 }], macKey, chunker.cutParams, 1024 * 1024),
      seal1(files[3]!),
    ]);
    expect(cut).toEqual(expected(files[0]!).slice(0, 1));
    expect(second).toEqual(expected(files[1]!));
    expect(third).toEqual(expected(files[2]!));
    expect(fourth).toEqual(expected(files[3]!));
    const s = small[0]!;
    if ('error' in s) throw new Error(`small file failed: ${s.error}`);
    expect(s.size).toBe(5000);
    expect(open(smallKey, s.chunks[0]!.sealed, chunkAad(s.chunks[0]!.id, 'item-small')).equals(pseudoRandom(5000, 50))).toBe(true);
    expect(pool.broken).toBe(false);
  });
});

describe('small files read on a worker with their listed size', () => {
  it('read whole whether the listed size is right, stale-small, stale-large or missing', async () => {
    const macKey = randomBytes(32);
    const chunker = new Chunker({ minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 }, macKey);
    const data = pseudoRandom(6000, 80);
    const path = join(t.dir, 'note.txt');
    writeFileSync(path, data);
    pool = new SealPool(1);
    const key = randomBytes(32);
    const listed = [6000, 100, 9000, undefined];
    const results = await pool.sealSmall(
      listed.map((size, i) => ({ path, key, itemId: `item-${i}`, maxSeals: 10, ...(size !== undefined ? { size } : {}) })),
      macKey,
      chunker.cutParams,
      1024 * 1024,
    );
    results.forEach((r, i) => {
      if ('error' in r) throw new Error(`file ${i}: ${r.error}`);
      expect(r.size).toBe(6000);
      expect(open(key, r.chunks[0]!.sealed, chunkAad(r.chunks[0]!.id, `item-${i}`)).equals(data)).toBe(true);
    });
  });
});

describe('a new item key wrapped and its fingerprint made on the seal worker', () => {
  it('are exactly what wrapItemKey and fingerprint() make: the key unwraps under the item id only and is counted on the wrap key', async () => {
    const macKey = randomBytes(32);
    const wrapKey = randomBytes(32);
    const chunker = new Chunker({ minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 }, macKey);
    const path = join(t.dir, 'a.txt');
    writeFileSync(path, pseudoRandom(3000, 90));
    const keyA = randomBytes(32);
    const keyB = randomBytes(32);
    pool = new SealPool(1);
    const [a, b] = await pool.sealSmall(
      [
        { path, key: keyA, itemId: 'item-a', maxSeals: 10, size: 3000, wrap: true },
        { path, key: keyB, itemId: 'item-b', maxSeals: 10, size: 3000 },
      ],
      macKey,
      chunker.cutParams,
      1024 * 1024,
      wrapKey,
    );
    if (!a || 'error' in a || !b || 'error' in b) throw new Error('expected two sealed files');
    expect(unwrapItemKey(wrapKey, a.wrapped!, 'item-a').equals(keyA)).toBe(true);
    expect(() => unwrapItemKey(wrapKey, a.wrapped!, 'item-b')).toThrow(/integrity/);
    expect(b.wrapped).toBeUndefined();

    // end to end: a folder of small files with workers; every item's stored key opens its file
    vault = (await newVault(join(t.dir, 'home'), { chunker: SMALL_CHUNKS })).vault;
    const ctx = (vault as unknown as { ctx: VaultContext }).ctx;
    const dir = join(t.dir, 'docs');
    mkdirSync(dir);
    for (let i = 0; i < 40; i++) {
      writeFileSync(join(dir, `n${i}.txt`), pseudoRandom(500 + i * 100, 100 + i));
      utimesSync(join(dir, `n${i}.txt`), 1_700_000_000, 1_700_000_000); // whole seconds: a copy can get exactly this time
    }
    const wrapsBefore = ctx.budgets.itemWrap.uses;
    const report = await vault.backupFolder(dir);
    expect(report.added).toBe(40);
    expect(ctx.budgets.itemWrap.uses - wrapsBefore).toBe(40);
    const rows = ctx.db.prepare("SELECT id, wrapped_key FROM items WHERE category = 'file'").all() as Array<{ id: string; wrapped_key: Buffer }>;
    expect(rows).toHaveLength(40);
    for (const r of rows) expect(unwrapItemKey(ctx.keys.itemWrap, r.wrapped_key, r.id)).toHaveLength(32);
    // the fingerprints the workers made are the ones fingerprint() makes on this thread
    const items = ctx.db
      .prepare("SELECT i.id, i.occurred_at, i.title, i.fingerprint, f.seq, f.mime, f.size FROM items i JOIN files f ON f.item_id = i.id WHERE i.category = 'file'")
      .all() as Array<{ id: string; occurred_at: number; title: string; fingerprint: Buffer; seq: number; mime: string; size: number }>;
    for (const it of items) {
      const ids = (ctx.db.prepare('SELECT c.chunk_id AS id FROM file_chunks fc JOIN chunks c ON c.seq = fc.chunk_seq WHERE fc.file_seq = ? ORDER BY fc.idx').all(it.seq) as Array<{ id: Buffer }>).map((c) => ({ id: c.id }));
      const expected = fingerprint(ctx.keys.fingerprint, {
        category: 'file',
        occurredAt: it.occurred_at,
        title: it.title,
        text: '',
        fields: {},
        location: null,
        files: [{ role: 'original', mime: it.mime, size: it.size, refs: ids }],
      });
      expect(it.fingerprint.equals(expected)).toBe(true);
    }
    expect((await vault.check({ readData: true })).ok).toBe(true);
    const back = join(t.dir, 'back');
    await vault.restoreSnapshot('latest', back);
    for (let i = 0; i < 40; i++) expect(readFileSync(join(back, `n${i}.txt`)).equals(pseudoRandom(500 + i * 100, 100 + i))).toBe(true);
    // the same content (name, time, bytes) at another path is one item with two sources
    const copy = join(t.dir, 'copy');
    mkdirSync(copy);
    writeFileSync(join(copy, 'n7.txt'), pseudoRandom(500 + 7 * 100, 107));
    utimesSync(join(copy, 'n7.txt'), 1_700_000_000, 1_700_000_000);
    const again = await vault.backupFolder(copy);
    expect(again.duplicate).toBe(1);
  });
});

describe('publishing a finished pack off this thread', () => {
  it('leaves the pack under its final name and nothing in tmp/, and a failed publish is a plain IO error', async () => {
    vault = (await newVault(join(t.dir, 'home'), { chunker: SMALL_CHUNKS, workers: false })).vault;
    const ctx = (vault as unknown as { ctx: VaultContext }).ctx;
    const sink = new ChunkSink(ctx);
    const itemKey = randomBytes(32);
    const ref = sink.add('item-p', itemKey, new NonceBudget(0), pseudoRandom(30_000, 60));
    const [pack] = await sink.flush();
    expect(pack!.id).toBe(ref.packId);
    expect(existsSync(packPath(ctx.layout, pack!.id))).toBe(true);
    expect(readdirSync(ctx.layout.tmp)).toEqual([]);

    // the pack's folder cannot be made (a file stands where packs/xx/ would go); a pack
    // whose random id falls in an existing folder is dropped and another one started
    let blocked: ChunkSink;
    let dir: string;
    for (let seed = 61; ; seed++) {
      blocked = new ChunkSink(ctx);
      blocked.add('item-q', itemKey, new NonceBudget(0), pseudoRandom(30_000, seed));
      dir = join(packPath(ctx.layout, (blocked as unknown as { pack: { id: string } }).pack.id), '..');
      if (!existsSync(dir)) break;
      blocked.abort();
    }
    writeFileSync(dir, 'not a folder');
    await expect(blocked.flush()).rejects.toMatchObject({ code: 'IO' });
    expect(readdirSync(ctx.layout.tmp)).toEqual([]);
  });
});
