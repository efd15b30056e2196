// Small files sealed on the seal workers in batches (SealPool.sealSmall, ChunkSink.addSmallFile)
// must store exactly what the main-thread path stores: the same cuts and chunk ids, each
// chunk sealed under its own item's key with (id, item, type) bound, the nonce budget
// honoured per file, a missing file named in its own slot without spoiling the batch,
// and a file that grew past the limit read the ordinary way. End to end, a folder of
// small files backs up and restores byte for byte with workers and without.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChunkSink } from '../../../main/core/vault/chunk-sink';
import { Chunker } from '../../../main/core/vault/chunker';
import type { VaultContext } from '../../../main/core/vault/context';
import { chunkAad, chunkId, NonceBudget, open } from '../../../main/core/vault/item-crypto';
import { readPackHeader } from '../../../main/core/vault/pack-store';
import { packPath } from '../../../main/core/vault/layout';
import { SealPool, type SmallResult } from '../../../main/core/vault/seal-pool';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, pseudoRandom, SMALL_CHUNKS, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let pool: SealPool | null = null;
beforeEach(() => {
  t = tempDir('ks-small-');
});
afterEach(() => {
  pool?.close();
  pool = null;
  t.cleanup();
});

const PARAMS = { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 };

function ok(r: SmallResult | undefined): Extract<SmallResult, { size: number }> {
  if (!r || 'error' in r) throw new Error(`expected sealed chunks, got ${JSON.stringify(r)}`);
  return r;
}

describe('SealPool.sealSmall', () => {
  it('seals each file of a batch as the main thread would cut and MAC it, under its own key; errors stay in their slot', async () => {
    const macKey = randomBytes(32);
    const chunker = new Chunker(PARAMS, macKey);
    const sizes = [0, 1, 4000, 16 * 1024, 200 * 1024 + 7]; // empty, tiny, one chunk, at min, several chunks
    const files = sizes.map((size, i) => {
      const path = join(t.dir, `f${i}.txt`);
      writeFileSync(path, pseudoRandom(size, i + 1));
      return { path, key: randomBytes(32), itemId: `item-${i}`, maxSeals: 1000 };
    });
    const missing = { path: join(t.dir, 'gone.txt'), key: randomBytes(32), itemId: 'item-gone', maxSeals: 1000 };
    const grown = join(t.dir, 'grown.bin');
    writeFileSync(grown, pseudoRandom(300_000, 3));
    const over = { path: files[4]!.path, key: randomBytes(32), itemId: 'item-over', maxSeals: 1 };
    pool = new SealPool(2);
    const batch = [...files, missing, { path: grown, key: randomBytes(32), itemId: 'item-grown', maxSeals: 1000 }, over];
    const results = await pool.sealSmall(batch, macKey, chunker.cutParams, 256 * 1024);

    sizes.forEach((size, i) => {
      const r = ok(results[i]);
      const data = pseudoRandom(size, i + 1);
      const expected = size === 0 ? [] : chunker.split(data);
      expect(r.size).toBe(size);
      expect(r.chunks.map((c) => c.plain)).toEqual(expected.map((c) => c.length));
      let off = 0;
      r.chunks.forEach((c, k) => {
        const plain = expected[k]!;
        expect(c.id.equals(chunkId(macKey, plain))).toBe(true);
        expect(open(files[i]!.key, c.sealed, chunkAad(c.id, `item-${i}`)).equals(data.subarray(off, off + plain.length))).toBe(true);
        // bound to its item, and unreadable under another file's key
        expect(() => open(files[i]!.key, c.sealed, chunkAad(c.id, `item-${(i + 1) % sizes.length}`))).toThrow(/integrity/);
        expect(() => open(files[(i + 1) % sizes.length]!.key, c.sealed, chunkAad(c.id, `item-${i}`))).toThrow(/integrity/);
        off += plain.length;
      });
    });
    expect(results[5]).toMatchObject({ error: 'ENOENT' });
    expect(results[6]).toEqual({ error: 'GROWN' });
    expect(results[7]).toEqual({ error: 'BUDGET' });
    // every nonce is fresh
    const nonces = results.flatMap((r) => (r && 'chunks' in r ? r.chunks.map((c) => c.sealed.subarray(0, 12).toString('hex')) : []));
    expect(new Set(nonces).size).toBe(nonces.length);
  });
});

/** The vault's internal context, for driving a ChunkSink directly. */
function contextOf(vault: Vault): VaultContext {
  return (vault as unknown as { ctx: VaultContext }).ctx;
}

describe('ChunkSink.addSmallFile', () => {
  it('places worker-sealed chunks into packs that open, and reads a file that grew past the limit on this thread', async () => {
    const { vault } = await newVault(join(t.dir, 'home'), { chunker: SMALL_CHUNKS });
    try {
      const ctx = contextOf(vault);
      expect(ctx.sealPool()).not.toBeNull();
      const sink = new ChunkSink(ctx);
      const big = join(t.dir, 'big.bin');
      writeFileSync(big, pseudoRandom(3 * 1024 * 1024, 77)); // > SMALL_FILE_LIMIT: the worker answers GROWN
      const paths = Array.from({ length: 150 }, (_, i) => {
        const p = join(t.dir, `n${i}.txt`);
        writeFileSync(p, pseudoRandom(100 + i * 37, i));
        return p;
      });
      const key = randomBytes(32);
      const budget = new NonceBudget(0);
      sink.markNew('item-s');
      const all = await Promise.all([...paths, big].map((p) => sink.addSmallFile('item-s', key, budget, p, statSync(p).size)));
      const packs = await sink.flush();
      const header = new Map(packs.flatMap((p) => p.entries.map((e) => [`${e.id}`, { pack: p.id, e }] as const)));
      [...paths, big].forEach((p, i) => {
        const want = readFileSync(p);
        const got = all[i]!;
        expect(got.size).toBe(want.length);
        const plain = Buffer.concat(
          got.refs.map((r) => {
            const at = header.get(r.id.toString('hex'))!;
            const file = readFileSync(packPath(ctx.layout, at.pack));
            return open(key, file.subarray(at.e.offset, at.e.offset + at.e.length), chunkAad(r.id, 'item-s'));
          }),
        );
        expect(plain.equals(want)).toBe(true);
      });
      expect(budget.uses).toBe(all.reduce((n, r) => n + r.refs.length, 0));
      // the packs' own headers list the chunks (the index can be rebuilt from them)
      const listed = packs.reduce((n, p) => n + readPackHeader(readFileSync(packPath(ctx.layout, p.id)), p.id, ctx.keys.packHeader).length, 0);
      expect(listed).toBe(header.size);
    } finally {
      vault.close();
    }
  });

  it('a missing file rejects with a plain IO error and the other files of its batch still resolve', async () => {
    const { vault } = await newVault(join(t.dir, 'home'));
    try {
      const ctx = contextOf(vault);
      const sink = new ChunkSink(ctx);
      const good = join(t.dir, 'a.txt');
      writeFileSync(good, 'hello');
      const key = randomBytes(32);
      const results = await Promise.allSettled([good, join(t.dir, 'nope.txt')].map((p) => sink.addSmallFile('i1', key, new NonceBudget(0), p, 5)));
      expect(results[0]).toMatchObject({ status: 'fulfilled', value: { size: 5 } });
      expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'IO', message: expect.stringMatching(/could not read a file to back up: a file is missing/) } });
      sink.abort();
    } finally {
      vault.close();
    }
  });
});

describe('re-run of a changed large file', () => {
  it('seals only the chunks the item does not have: the key spends a nonce per new chunk, not per chunk', async () => {
    const src = join(t.dir, 'big-src');
    mkdirSync(src);
    const data = pseudoRandom(1_600_000, 42);
    writeFileSync(join(src, 'VID.mp4'), data);
    const { vault } = await newVault(join(t.dir, 'home'), { chunker: SMALL_CHUNKS });
    try {
      await vault.backupFolder(src);
      const uses = (): { key_uses: number; chunks: number } =>
        vault.indexDb.prepare('SELECT i.key_uses, (SELECT count(*) FROM chunks c WHERE c.item_id = i.id) AS chunks FROM items i').get() as { key_uses: number; chunks: number };
      const first = uses();
      expect(first.key_uses).toBe(first.chunks); // every chunk sealed once
      expect(first.chunks).toBeGreaterThan(20);
      // 4 KiB overwritten in the middle: content-defined cuts change the chunks around it.
      // Usually one to three of ~100; the gear table comes from each vault's random key and
      // FastCDC skips the first minSize bytes of every chunk, so the cuts can take a few
      // chunks to fall back in step (5 seen once in CI) — still a few, never the file.
      pseudoRandom(4096, 7).copy(data, 800_000);
      writeFileSync(join(src, 'VID.mp4'), data);
      expect(await vault.backupFolder(src)).toMatchObject({ updated: 1 });
      const second = uses();
      const added = second.chunks - first.chunks;
      expect(added).toBeGreaterThan(0);
      expect(added).toBeLessThanOrEqual(8);
      expect(second.key_uses - first.key_uses).toBe(added);
      const out = join(t.dir, 'big-out');
      await vault.restoreSnapshot('latest', out);
      expect(readFileSync(join(out, 'VID.mp4')).equals(data)).toBe(true);
      expect((await vault.check({ readData: true })).problems).toEqual([]);
    } finally {
      vault.close();
    }
  });
});

describe('folder backup of many small files', () => {
  it('stores and restores them byte for byte with the workers and without; changes become versions', async () => {
    const src = join(t.dir, 'src');
    for (let d = 0; d < 5; d++) mkdirSync(join(src, `d${d}`), { recursive: true });
    const write = (i: number, seed: number): void => writeFileSync(join(src, `d${i % 5}`, `note-${i}.txt`), pseudoRandom((i * 131) % 9000, seed));
    for (let i = 0; i < 400; i++) write(i, i + 1);
    writeFileSync(join(src, 'd0', 'clip.mp4'), pseudoRandom(1_300_000, 999)); // one large file on the other lane
    for (const workers of [true, false]) {
      const { vault } = await newVault(join(t.dir, `home-${workers}`), { workers });
      try {
        const cacheSize = vault.indexDb.pragma('cache_size', { simple: true });
        const first = await vault.backupFolder(src);
        expect(first).toMatchObject({ files: 401, added: 401 });
        expect(vault.indexDb.pragma('cache_size', { simple: true })).toBe(cacheSize); // the backup's smaller page cache is undone
        const out = join(t.dir, `out-${workers}`);
        await vault.restoreSnapshot('latest', out);
        for (let i = 0; i < 400; i += 7) expect(readFileSync(join(out, `d${i % 5}`, `note-${i}.txt`)).equals(readFileSync(join(src, `d${i % 5}`, `note-${i}.txt`)))).toBe(true);
        expect(statSync(join(out, 'd0', 'clip.mp4')).size).toBe(1_300_000);
        for (let i = 0; i < 400; i += 20) write(i, i + 5000);
        rmSync(join(src, 'd1', 'note-1.txt'));
        const second = await vault.backupFolder(src);
        expect(second).toMatchObject({ files: 400, updated: 20, unchanged: 380 });
        const out2 = join(t.dir, `out2-${workers}`);
        await vault.restoreSnapshot('latest', out2);
        expect(readFileSync(join(out2, 'd0', 'note-20.txt')).equals(pseudoRandom((20 * 131) % 9000, 5020))).toBe(true);
        const check = await vault.check({ readData: true });
        expect(check.problems).toEqual([]);
      } finally {
        vault.close();
      }
      // restore the sources changed by this round for the next one
      for (let i = 0; i < 400; i++) write(i, i + 1);
    }
  });
});

describe('a seal worker that dies', () => {
  it('fails only the work it held: the next backup gets a fresh pool and stores everything', async () => {
    const { vault } = await newVault(join(t.dir, 'home'));
    try {
      const src = join(t.dir, 'src');
      mkdirSync(src);
      writeFileSync(join(src, 'a.bin'), pseudoRandom(2 * 1024 * 1024, 11));
      await vault.backupFolder(src);
      // A worker crash (out of memory, killed): the pool is broken from then on.
      const ctx = (vault as unknown as { ctx: VaultContext }).ctx;
      const broken = ctx.sealPool();
      if (!broken) throw new Error('expected seal workers');
      const workers = (broken as unknown as { workers: Array<{ terminate(): Promise<number> }> }).workers;
      await workers[0]?.terminate();
      await new Promise((r) => setTimeout(r, 50)); // the exit event reaches the pool
      expect(broken.broken).toBe(true);

      writeFileSync(join(src, 'b.bin'), pseudoRandom(3 * 1024 * 1024, 12));
      writeFileSync(join(src, 'small.txt'), 'still here');
      await vault.backupFolder(src);
      expect(ctx.sealPool()).not.toBe(broken);
      const out = join(t.dir, 'out');
      await vault.restoreSnapshot('latest', out);
      expect(readFileSync(join(out, 'b.bin')).equals(pseudoRandom(3 * 1024 * 1024, 12))).toBe(true);
      expect(readFileSync(join(out, 'small.txt'), 'utf8')).toBe('still here');
    } finally {
      vault.close();
    }
  });
});

describe('ChunkSink.addFile on a file system that returns short reads', () => {
  it('reads on to the listed size instead of storing the first short read as the whole file', async () => {
    // A FIFO hands over what its writer wrote so far: a short read in the middle, as a
    // network or FUSE file system may give.
    const { vault } = await newVault(join(t.dir, 'home'), { workers: false });
    try {
      const fifo = join(t.dir, 'slow.txt');
      execFileSync('mkfifo', [fifo]);
      const writer = spawn('sh', ['-c', `exec 3>'${fifo}'; printf 'first half,' >&3; sleep 0.3; printf ' second half' >&3`]);
      const sink = new ChunkSink(contextOf(vault));
      sink.markNew('item-f');
      const listed = 'first half, second half'.length;
      const { size } = sink.addFile('item-f', randomBytes(32), new NonceBudget(0), fifo, listed);
      await new Promise((r) => writer.once('exit', r));
      expect(size).toBe(listed);
      await sink.flush();
    } finally {
      vault.close();
    }
  });
});

describe('in-memory bytes on the seal workers', () => {
  // A phone's upload is held in (shared) memory until its commit; the workers cut and
  // seal it where it lies. The stored chunks must be exactly the main thread's cut.
  it('store the chunks the main thread would cut, from plain and from shared memory, and read back intact', async () => {
    const size = 3 * 1024 * 1024 + 123;
    const plain = pseudoRandom(size, 21);
    const shared = Buffer.from(new SharedArrayBuffer(size));
    plain.copy(shared);
    const { vault } = await newVault(join(t.dir, 'home'), { chunker: SMALL_CHUNKS });
    try {
      const ctx = contextOf(vault);
      const pool = ctx.sealPool();
      if (!pool) throw new Error('expected seal workers');
      const sealed = vi.spyOn(pool, 'sealFile');
      const expected = ctx.chunker
        .split(plain)
        .map((c) => chunkId(ctx.keys.chunkId, c).toString('hex'))
        .sort();
      expect(expected.length).toBeGreaterThan(4);
      const put = (sourceKey: string, data: Buffer) => vault.putItems([{ category: 'video', sourceKey, fields: {}, personal: true, files: [{ role: 'original', name: `${sourceKey}.mp4`, mime: 'video/mp4', data }] }]);
      for (const [key, data] of [['plain', plain], ['shared', shared]] as const) {
        const [r] = await put(key, data);
        const stored = ctx.db
          .prepare('SELECT lower(hex(chunk_id)) AS id FROM chunks WHERE item_id = ?')
          .all(r!.id)
          .map((row) => (row as { id: string }).id)
          .sort();
        expect(stored).toEqual([...new Set(expected)]);
        const back: Buffer[] = [];
        for await (const c of vault.readFile(r!.id)) back.push(c as Buffer);
        expect(Buffer.concat(back).equals(plain)).toBe(true);
      }
      expect(shared.equals(plain)).toBe(true); // the caller's memory is left as it was
      expect(sealed).toHaveBeenCalledTimes(2); // both went to the workers
    } finally {
      vault.close();
    }
  });
});
