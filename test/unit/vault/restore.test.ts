// Snapshot restore on the seal workers and on this thread (snapshot-restore.ts): the same
// bytes, modes and times either way and across page boundaries; damage stops the restore
// with the same error naming the file on both paths and leaves no partial file; a worker
// that dies mid-restore hands its files to this thread, never leaving a short file.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, utimesSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VaultContext } from '../../../main/core/vault/context';
import { packPath } from '../../../main/core/vault/layout';
import { restoreSnapshot } from '../../../main/core/vault/snapshot-restore';
import { get, run, sql } from '../../../main/core/vault/sql';
import type { Vault } from '../../../main/core/vault/vault';
import { fileTree, flipByte, newVault, pseudoRandom, SMALL_CHUNKS, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let vault: Vault;
let ctx: VaultContext;
let src: string;

beforeEach(async () => {
  t = tempDir('ks-restore-');
  vault = (await newVault(join(t.dir, 'home'), { chunker: SMALL_CHUNKS })).vault;
  ctx = (vault as unknown as { ctx: VaultContext }).ctx;
  src = join(t.dir, 'src');
  // 90 small files in three folders, a few multi-chunk files, a 2.5 MiB one (sealed whole
  // on a worker at backup) and an empty one; modes and times of their own
  for (let i = 0; i < 90; i++) {
    const dir = join(src, `d${i % 3}`);
    mkdirSync(dir, { recursive: true });
    const p = join(dir, `f${String(i).padStart(3, '0')}.txt`);
    writeFileSync(p, pseudoRandom(200 + ((i * 977) % 5000), i + 1));
    chmodSync(p, i % 2 ? 0o640 : 0o600);
    utimesSync(p, new Date(1_600_000_000_000 + i * 1000), new Date(1_600_000_000_000 + i * 1000));
  }
  for (let i = 0; i < 3; i++) writeFileSync(join(src, `multi${i}.jpg`), pseudoRandom(300_000 + i * 1000, 100 + i));
  writeFileSync(join(src, 'VID_big.mp4'), pseudoRandom(2.5 * 1024 * 1024, 200));
  writeFileSync(join(src, 'empty.txt'), '');
  // whole-second times everywhere: a snapshot keeps whole milliseconds, the file system more
  for (const name of ['multi0.jpg', 'multi1.jpg', 'multi2.jpg', 'VID_big.mp4', 'empty.txt']) utimesSync(join(src, name), 1_700_000_000, 1_700_000_000);
  await vault.backupFolder(src);
});
afterEach(() => {
  vault.close();
  t.cleanup();
});

function partials(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return [...fileTree(dir, { meta: true }).keys()].filter((p) => p.endsWith('.keepsake-partial'));
}

describe('restore on the seal workers and on this thread', () => {
  it('restores the same bytes, modes and times either way, across page boundaries', async () => {
    const want = fileTree(src, { meta: true });
    expect(want.size).toBe(95);
    // workerMinBytes 100,000: small files on this thread while the larger ones are on the workers
    for (const [workers, pageFiles, workerMinBytes] of [[true, 1, 0], [true, 7, 0], [true, 5000, 0], [true, 7, 100_000], [false, 7, 0], [false, 5000, 0]] as const) {
      const out = join(t.dir, `out-${workers}-${pageFiles}-${workerMinBytes}`);
      const r = await restoreSnapshot(ctx, 'latest', out, { workers, pageFiles, workerMinBytes });
      expect(r.files).toBe(95);
      expect(fileTree(out, { meta: true })).toEqual(want);
    }
    expect(ctx.sealPool()).not.toBeNull(); // the worker runs above did use workers
  });

  it('reports progress to the end and pauses at its checkpoints', async () => {
    const seen: number[] = [];
    let checkpoints = 0;
    await restoreSnapshot(ctx, 'latest', join(t.dir, 'out'), {
      pageFiles: 10,
      control: { report: (p) => void (p.done !== undefined && seen.push(p.done)), checkpoint: async () => void checkpoints++ },
    });
    expect(seen.at(-1)).toBe(95);
    expect(checkpoints).toBeGreaterThan(1);
  });

  it('a flipped byte in a chunk gives the same error naming the file on both paths, and leaves no partial file', async () => {
    const c = get<{ pack_id: string; offset: number }>(
      vault.indexDb,
      sql`SELECT c.pack_id, c.offset FROM snapshot_items s JOIN files f ON f.item_id = s.item_id JOIN file_chunks fc ON fc.file_seq = f.seq JOIN chunks c ON c.seq = fc.chunk_seq
          WHERE s.path = 'multi1.jpg' AND fc.idx = 1`,
    )!;
    flipByte(packPath(vault.layout, c.pack_id), c.offset + 30);
    const errors = [];
    for (const [workers, workerMinBytes] of [[true, 0], [true, 100_000], [false, 0]] as const) {
      const out = join(t.dir, `out-${workers}-${workerMinBytes}`);
      const e = await restoreSnapshot(ctx, 'latest', out, { workers, pageFiles: 20, workerMinBytes }).then(
        () => null,
        (x: unknown) => x as { code: string; message: string },
      );
      expect(e).toMatchObject({ code: 'CORRUPT' });
      expect(e!.message).toContain('multi1.jpg');
      expect(e!.message).toContain('failed its integrity check');
      errors.push({ code: e!.code, message: e!.message });
      expect(existsSync(join(out, 'multi1.jpg'))).toBe(false);
      expect(partials(out)).toEqual([]);
    }
    expect(errors[1]).toEqual(errors[0]);
    expect(errors[2]).toEqual(errors[0]);
  });

  it('a missing pack and a file whose chunks do not add up are named the same way on both paths', async () => {
    const big = get<{ seq: number; item_id: string }>(vault.indexDb, sql`SELECT f.seq, f.item_id FROM snapshot_items s JOIN files f ON f.item_id = s.item_id WHERE s.path = 'd1/f001.txt'`)!;
    run(vault.indexDb, sql`UPDATE files SET size = size + 1 WHERE seq = ${big.seq}`);
    const messages: string[] = [];
    for (const workers of [true, false]) {
      const e = await restoreSnapshot(ctx, 'latest', join(t.dir, `inc-${workers}`), { workers }).catch((x: unknown) => x as Error);
      expect(e).toMatchObject({ code: 'CORRUPT', message: 'The stored file d1/f001.txt is incomplete: its chunks do not add up to its size.' });
      expect(partials(join(t.dir, `inc-${workers}`))).toEqual([]);
    }
    run(vault.indexDb, sql`UPDATE files SET size = size - 1 WHERE seq = ${big.seq}`);
    const pack = get<{ pack_id: string }>(
      vault.indexDb,
      sql`SELECT c.pack_id FROM snapshot_items s JOIN files f ON f.item_id = s.item_id JOIN file_chunks fc ON fc.file_seq = f.seq JOIN chunks c ON c.seq = fc.chunk_seq WHERE s.path = 'VID_big.mp4' LIMIT 1`,
    )!;
    const path = packPath(vault.layout, pack.pack_id);
    writeFileSync(`${path}.moved`, readFileSync(path));
    writeFileSync(path, ''); // as short as it gets: a pack cut off
    for (const [workers, workerMinBytes] of [[true, 0], [true, 100_000], [false, 0]] as const) {
      const out = join(t.dir, `short-${workers}-${workerMinBytes}`);
      const e = await restoreSnapshot(ctx, 'latest', out, { workers, workerMinBytes }).catch((x: unknown) => x as Error);
      expect(e).toMatchObject({ code: 'CORRUPT' });
      expect(partials(out)).toEqual([]);
      messages.push((e as Error).message);
    }
    // the first file in restore order with a chunk in that pack is named
    expect(messages[0]).toMatch(/^A pack file is shorter than the index says: part of the vault is missing \(.+ cannot be restored\)\.$/);
    expect(messages[1]).toBe(messages[0]);
    expect(messages[2]).toBe(messages[0]);
  });

  it('a damaged item key stops the restore with the same error on both paths, nothing partial left', async () => {
    const row = get<{ item_id: string }>(vault.indexDb, sql`SELECT item_id FROM snapshot_items WHERE path = 'd2/f050.txt'`)!;
    run(vault.indexDb, sql`UPDATE items SET wrapped_key = zeroblob(60) WHERE id = ${row.item_id}`);
    const messages: string[] = [];
    for (const workers of [true, false]) {
      const out = join(t.dir, `key-${workers}`);
      const e = await restoreSnapshot(ctx, 'latest', out, { workers, pageFiles: 30 }).catch((x: unknown) => x as Error);
      expect(e).toMatchObject({ code: 'CORRUPT' });
      expect(partials(out)).toEqual([]);
      expect(existsSync(join(out, 'd2', 'f050.txt'))).toBe(false);
      messages.push((e as Error).message);
    }
    expect(messages[1]).toBe(messages[0]);
  });

  it('a worker that dies mid-restore: the rest is written on this thread, every file whole', async () => {
    const pool = ctx.sealPool();
    if (!pool) throw new Error('expected seal workers');
    let killed = false;
    const out = join(t.dir, 'out');
    const r = await restoreSnapshot(ctx, 'latest', out, {
      pageFiles: 10,
      control: {
        report: () => undefined,
        checkpoint: async () => {
          if (killed) return;
          killed = true;
          // a crash (out of memory, killed) of one worker while jobs are in flight
          const workers = (pool as unknown as { workers: Array<{ terminate(): Promise<number> }> }).workers;
          await workers[0]?.terminate();
          await new Promise((res) => setTimeout(res, 50)); // the exit event reaches the pool
        },
      },
    });
    expect(killed).toBe(true);
    expect(pool.broken).toBe(true);
    expect(r.files).toBe(95);
    expect(fileTree(out, { meta: true })).toEqual(fileTree(src, { meta: true }));
    // the next restore gets a fresh pool
    const again = join(t.dir, 'again');
    await restoreSnapshot(ctx, 'latest', again);
    expect(ctx.sealPool()).not.toBe(pool);
    expect(fileTree(again, { meta: true })).toEqual(fileTree(src, { meta: true }));
  });

  it('restore and check run with a small page cache and put the host setting back, also after a failure', async () => {
    const host = Number(vault.indexDb.pragma('cache_size', { simple: true }));
    expect(host).not.toBe(-2048);
    let during: number | null = null;
    await restoreSnapshot(ctx, 'latest', join(t.dir, 'out-cache'), {
      control: { report: () => undefined, checkpoint: async () => void (during ??= Number(vault.indexDb.pragma('cache_size', { simple: true }))) },
    });
    expect(during).toBe(-2048);
    expect(Number(vault.indexDb.pragma('cache_size', { simple: true }))).toBe(host);
    expect((await vault.check({ readData: true })).ok).toBe(true);
    expect(Number(vault.indexDb.pragma('cache_size', { simple: true }))).toBe(host);
    await expect(restoreSnapshot(ctx, 999, join(t.dir, 'none'))).rejects.toThrow('There is no snapshot 999.');
    // a restore that fails half-way (a pack gone) still puts it back
    const pack = get<{ pack_id: string }>(vault.indexDb, sql`SELECT pack_id FROM chunks LIMIT 1`)!.pack_id;
    rmSync(packPath(vault.layout, pack));
    await expect(restoreSnapshot(ctx, 'latest', join(t.dir, 'out-broken'))).rejects.toThrow(/missing/);
    expect(Number(vault.indexDb.pragma('cache_size', { simple: true }))).toBe(host);
  });

  it('workers collect opened plaintext as they go and check opens large chunks piece by piece (20 MiB, default chunks), without exposing gc to any other context', async () => {
    expect(runInNewContext('typeof gc')).toBe('undefined');
    const big = join(t.dir, 'big');
    mkdirSync(big);
    // more plaintext per worker than their collection interval (1 MiB), in chunks of ~1 MiB:
    // larger than check's 256 KiB pieces
    for (let i = 0; i < 2; i++) writeFileSync(join(big, `VID_${i}.mp4`), pseudoRandom(10 * 1024 * 1024, 300 + i));
    const v2 = (await newVault(join(t.dir, 'home-big'))).vault;
    try {
      const ctx2 = (v2 as unknown as { ctx: VaultContext }).ctx;
      await v2.backupFolder(big);
      const out = join(t.dir, 'out-big');
      const r = await restoreSnapshot(ctx2, 'latest', out);
      expect(r.bytes).toBe(20 * 1024 * 1024);
      expect(fileTree(out)).toEqual(fileTree(big));
      const clean = await v2.check({ readData: true });
      expect(clean.problems).toEqual([]);
      // one flipped byte past the first 256 KiB piece of a chunk of VID_1 is found and named
      const c = get<{ pack_id: string; offset: number; length: number; item_id: string }>(
        v2.indexDb,
        sql`SELECT c.pack_id, c.offset, c.length, s.item_id FROM snapshot_items s JOIN files f ON f.item_id = s.item_id JOIN file_chunks fc ON fc.file_seq = f.seq
            JOIN chunks c ON c.seq = fc.chunk_seq WHERE s.path = 'VID_1.mp4' AND c.length > 600000 ORDER BY fc.idx LIMIT 1`,
      )!;
      flipByte(packPath(v2.layout, c.pack_id), c.offset + 500_000);
      const damaged = await v2.check({ readData: true });
      expect(damaged.ok).toBe(false);
      expect(damaged.problems.flatMap((p) => p.itemIds ?? [])).toEqual([c.item_id]);
    } finally {
      v2.close();
    }
    // the flag was on only while a worker took its gc: later contexts have none
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
