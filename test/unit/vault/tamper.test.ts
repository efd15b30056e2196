// Damage at rest: a flipped byte in a chunk, a pack header or the index file, a missing
// pack, and a chunk moved into another item's slot are detected on read and by
// check --read-data, named by item, and never returned as data (RELIABILITY rows 3, 37).
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packPath } from '../../../main/core/vault/layout';
import { get, run, sql } from '../../../main/core/vault/sql';
import type { Vault } from '../../../main/core/vault/vault';
import { flipByte, newVault, openVault, pseudoRandom, readAll, SMALL_CHUNKS, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let vault: Vault;
let ids: string[];
beforeEach(async () => {
  t = tempDir();
  vault = (await newVault(t.dir, { chunker: SMALL_CHUNKS })).vault;
  const res = await vault.putItems(
    [1, 2].map((n) => ({ category: 'photo' as const, sourceKey: `p${n}`, title: `photo ${n}`, fields: {}, personal: true, files: [{ role: 'original' as const, name: `p${n}.jpg`, mime: 'image/jpeg', data: pseudoRandom(100_000, n) }] })),
  );
  ids = res.map((r) => r.id);
});
afterEach(() => {
  vault.close();
  t.cleanup();
});

function onlyPack(): { id: string; path: string } {
  const row = get<{ id: string }>(vault.indexDb, sql`SELECT id FROM packs`)!;
  return { id: row.id, path: packPath(vault.layout, row.id) };
}

describe('tamper detection', () => {
  it('check --read-data names the damaged item the same way on this thread as on the seal workers', async () => {
    const c = get<{ offset: number }>(vault.indexDb, sql`SELECT offset FROM chunks WHERE item_id = ${ids[1]!} ORDER BY offset LIMIT 1`)!;
    flipByte(onlyPack().path, c.offset + 40);
    const onWorkers = await vault.check({ readData: true });
    vault.close();
    vault = await openVault(t.dir, { chunker: SMALL_CHUNKS, workers: false });
    const here = await vault.check({ readData: true });
    for (const r of [onWorkers, here]) {
      expect(r.ok).toBe(false);
      expect(r.affectedItems.map((i) => i.title)).toEqual(['photo 2']);
    }
    expect(here.chunksChecked).toBe(onWorkers.chunksChecked);
    expect(here.bytesRead).toBe(onWorkers.bytesRead);
  });

  it('a flipped byte inside a chunk fails the read and is named by check', async () => {
    const c = get<{ offset: number }>(vault.indexDb, sql`SELECT offset FROM chunks WHERE item_id = ${ids[0]!} ORDER BY offset LIMIT 1`)!;
    flipByte(onlyPack().path, c.offset + 40);
    await expect(readAll(vault.readFile(ids[0]!))).rejects.toMatchObject({ code: 'CORRUPT' });
    expect((await readAll(vault.readFile(ids[1]!))).equals(pseudoRandom(100_000, 2))).toBe(true);
    const quick = await vault.check();
    expect(quick.ok).toBe(true); // structure only: sizes still match
    const r = await vault.check({ readData: true });
    expect(r.ok).toBe(false);
    expect(r.affectedItems.map((i) => i.title)).toEqual(['photo 1']);
  });

  it('a flipped byte in the pack header is found by check --read-data', async () => {
    const { path } = onlyPack();
    flipByte(path, statSync(path).size - 12 - 20);
    const r = await vault.check({ readData: true });
    expect(r.problems.map((p) => p.kind)).toContain('pack-header');
  });

  it('a missing pack is named by the structure check', async () => {
    rmSync(onlyPack().path);
    const r = await vault.check();
    expect(r.ok).toBe(false);
    expect(r.problems[0]!.kind).toBe('missing-pack');
    expect(r.affectedItems).toHaveLength(2);
    await expect(readAll(vault.readFile(ids[0]!))).rejects.toMatchObject({ code: 'CORRUPT' });
  });

  it('a chunk moved into another item (index edited to point there) does not decrypt', async () => {
    const other = get<{ pack_id: string; offset: number; length: number }>(vault.indexDb, sql`SELECT pack_id, offset, length FROM chunks WHERE item_id = ${ids[1]!} LIMIT 1`)!;
    run(vault.indexDb, sql`UPDATE chunks SET offset = ${other.offset}, length = ${other.length} WHERE seq = (SELECT min(seq) FROM chunks WHERE item_id = ${ids[0]!})`);
    await expect(readAll(vault.readFile(ids[0]!))).rejects.toMatchObject({ code: 'CORRUPT' });
    expect((await vault.check({ readData: true })).ok).toBe(false);
  });

  it('a flipped byte in the index file is refused or reported, never silently read', async () => {
    vault.close();
    const index = join(t.dir, 'vault', 'index.db');
    const size = statSync(index).size;
    flipByte(index, Math.floor(size / 2));
    let outcome: string;
    try {
      vault = await openVault(t.dir);
      const r = await vault.check({ readData: true });
      outcome = r.ok ? 'clean' : 'reported';
    } catch (e) {
      outcome = (e as { code?: string }).code ?? 'crash';
    }
    // SQLCipher authenticates every page (HMAC): the damaged page cannot be read back.
    expect(['CORRUPT', 'reported']).toContain(outcome);
  });

  it('check --subset splits the packs into disjoint slices', async () => {
    const slices = await Promise.all([1, 2, 3].map((n) => vault.check({ readData: true, subset: `${n}/3` })));
    expect(slices.reduce((s, r) => s + r.packsChecked, 0)).toBe(readdirSync(join(t.dir, 'vault', 'packs')).length ? 1 : 0);
    await expect(vault.check({ subset: '4/3' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('repair', () => {
  it('backs up what it touches, removes only the damaged item, and the vault checks clean', async () => {
    const c = get<{ offset: number }>(vault.indexDb, sql`SELECT offset FROM chunks WHERE item_id = ${ids[0]!} ORDER BY offset LIMIT 1`)!;
    const pack = onlyPack();
    flipByte(pack.path, c.offset + 40);
    const r = await vault.repair();
    expect(r.removedItems.map((i) => i.title)).toEqual(['photo 1']);
    expect(readdirSync(r.backupDir!).sort()).toEqual([`${pack.id}.pack`, 'index.db'].sort());
    expect(r.after!.ok).toBe(true);
    expect(vault.getItem(ids[0]!)).toBeNull();
    expect((await readAll(vault.readFile(ids[1]!))).equals(pseudoRandom(100_000, 2))).toBe(true);
    // not tombstoned: the next backup brings it back whole
    const [again] = await vault.putItems([{ category: 'photo', sourceKey: 'p1', title: 'photo 1', fields: {}, personal: true, files: [{ role: 'original', name: 'p1.jpg', mime: 'image/jpeg', data: pseudoRandom(100_000, 1) }] }]);
    expect(again!.status).toBe('added');
    expect((await vault.check({ readData: true })).ok).toBe(true);
  });

  it('does nothing on a healthy vault', async () => {
    const r = await vault.repair();
    expect(r.backupDir).toBeNull();
    expect(r.removedItems).toEqual([]);
  });
});

describe('index rollback', () => {
  it('an older copy of the index put back is reported by check', async () => {
    await vault.createSnapshot({ label: 'one' });
    vault.close();
    const index = join(t.dir, 'vault', 'index.db');
    const { copyFileSync } = await import('node:fs');
    copyFileSync(index, `${index}.old`);
    vault = await openVault(t.dir);
    expect((await vault.check()).ok).toBe(true);
    await vault.createSnapshot({ label: 'two' });
    vault.close();
    copyFileSync(`${index}.old`, index);
    rmSync(`${index}-wal`, { force: true });
    rmSync(`${index}-shm`, { force: true });
    vault = await openVault(t.dir);
    const r = await vault.check();
    expect(r.ok).toBe(false);
    expect(r.problems[0]!.message).toMatch(/rolled back/);
  });
});
